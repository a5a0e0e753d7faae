namespace SourceGrad.Tests.Tape;

// Inside namespace SourceGrad.*, the simple name Tape would find the namespace SourceGrad.Tape first;
// a using inside the namespace declaration is searched before the enclosing namespaces.
using SourceGrad.Tape;

public class ScalarTapeTests
{
    /// <summary>A scalar function of a vector, written once against the tape.</summary>
    public delegate Var Function(Tape tape, Var[] x);

    public static TheoryData<string> FunctionNames => new(Functions.Keys);

    private static readonly Dictionary<string, (Function Function, double[] Point)> Functions = new()
    {
        ["sigmoid"] = ((_, x) => Var.Sigmoid(x[0] * x[1] + x[2]), [0.3, -1.2, 0.5]),
        ["rosenbrock"] = (Rosenbrock, [-1.2, 1.0, 0.8, 1.3, -0.4, 0.9]),
        ["tanh recurrence"] = (TanhRecurrence, [0.7, -0.4, 0.1]),
        ["log-sum-exp"] = (LogSumExp, [1.0, -2.0, 0.5, 3.0, 2.9]),
        ["rational"] = ((_, x) => (x[0] - x[1]) / (x[0] * x[1] + 2) - 3 / x[2] + x[2] / 4, [1.5, 0.5, 2.0]),
        ["powers"] = ((_, x) => Var.Pow(x[0], x[1]) + Var.Pow(x[1], 3) + Var.Pow(2, x[2]) + Var.Square(x[2]), [1.7, 0.6, -0.3]),
        ["trigonometry"] = ((_, x) => Var.Sin(x[0]) * Var.Cos(x[1]) + Var.Tan(x[2]) + Var.Atan2(x[0], x[1]), [0.4, -1.1, 0.3]),
        ["inverse trigonometry"] = ((_, x) => Var.Asin(x[0]) + Var.Acos(x[1]) + Var.Atan(x[2]), [0.3, -0.6, 2.0]),
        ["hyperbolic"] = ((_, x) => Var.Sinh(x[0]) + Var.Cosh(x[1]) * Var.Tanh(x[2]), [0.4, -0.7, 1.2]),
        ["logarithms"] = ((_, x) => Var.Log(x[0]) + Var.Log2(x[1]) + Var.Log10(x[2]) + Var.Exp(-x[0]), [1.3, 0.4, 7.0]),
        ["roots"] = ((_, x) => Var.Sqrt(x[0]) + Var.Cbrt(x[1]) * x[0], [2.5, -3.0]),
        ["piecewise"] = ((_, x) => Var.Abs(x[0]) * Var.Max(x[1], x[2]) + Var.Min(x[0], 0.5) + Var.Relu(x[2]) - Var.Clamp(x[1], -1, 1), [-0.8, 0.3, 1.4]),
        ["piecewise constant and modulo"] = ((_, x) => Var.Floor(x[0]) * x[1] + Var.Ceiling(x[1]) + Var.Round(x[0]) * x[0] + Var.Truncate(x[1]) * x[1]
            + Var.Sign(x[0]) * x[1] + x[0] % x[1] + x[1] % 0.4 + 2.5 % x[1], [1.3, 0.7]),
        ["log with a base"] = ((_, x) => Var.Log(x[0], x[1]) + Var.Log(x[0], 3) + Var.Log(5, x[1]), [2.5, 1.7]),
        ["constant on either side"] = ((_, x) => Var.Max(0.1, x[0]) * Var.Min(2, x[1]) + Var.Atan2(x[0], 0.5) + Var.Atan2(-0.3, x[1]) + (+x[0]), [0.4, 1.2]),
        ["clamp with active bounds"] = ((_, x) => Var.Clamp(x[0], x[1], x[2]) * x[0] + Var.Clamp(x[1] * 3, x[1], x[2]), [0.5, -0.4, 1.1]),
        ["fused multiply-add rounded once"] = ((_, x) => Var.FusedMultiplyAdd(x[0], x[1], x[2]) * x[2], [0.6, -1.3, 0.8]),
        ["unary minus and constants"] = ((_, x) => -x[0] + (2 - x[1]) * 3 - (x[0] + 1) * (x[1] - 1) + 1 / (x[0] + 5), [0.6, -0.2]),
    };

    [Theory]
    [MemberData(nameof(FunctionNames))]
    public void Gradient_matches_central_finite_differences(string name)
    {
        (Function function, double[] point) = Functions[name];
        var tape = new Tape();
        double[] tapeGradient = GradientOnTape(tape, function, point);

        double[] numeric = FiniteDifferences.Gradient(x => Evaluate(new Tape(), function, x), (double[])point.Clone());

        FiniteDifferences.AssertClose(numeric, tapeGradient, 1e-6, name);
    }

    [Fact]
    public void Constants_zeros_and_detached_values_get_no_gradient()
    {
        var tape = new Tape();
        Var x = tape.Variable(1.5);
        Var[] zeros = tape.Zeros(3);
        Var[] detached = tape.Detached([x * 2]);
        Var y = x * tape.Constant(4) + zeros[2] * x + detached[0] * x;

        tape.Backward(y);

        Assert.Equal(4 + 0 + 3, x.Gradient);
        Assert.Equal(3, detached[0].Value);
        Assert.Equal(0, zeros[0].Value);
        Assert.Throws<ArgumentException>("length", () => tape.Zeros(-1));
    }

    /// <summary>(float)x as the generator differentiates it: the value rounded, the derivative 1 (finite differences see steps).</summary>
    [Fact]
    public void Rounding_to_float_rounds_the_value_and_passes_the_gradient()
    {
        var tape = new Tape();
        Var x = tape.Variable(0.1);
        Var y = Var.RoundToFloat(x) * 3;

        tape.Backward(y);

        Assert.Equal((double)0.1f * 3, y.Value);
        Assert.Equal(3, x.Gradient);
    }

    [Fact]
    public void Lecture_example_gives_the_textbook_gradient()
    {
        // L = ½(w2·relu(w1·x) − y)² at x = 5, w1 = 1, w2 = 2, y = 2: the residual is 8, so
        // dL/dw2 = 8·relu(5) = 40 and dL/dw1 = 8·w2·x = 80.
        var tape = new Tape();
        Var w1 = tape.Variable(1), w2 = tape.Variable(2);
        const double x = 5, y = 2;
        Var residual = w2 * Var.Relu(w1 * x) - y;
        Var loss = 0.5 * residual * residual;

        tape.Backward(loss);

        Assert.Equal(32, loss.Value);
        Assert.Equal(80, tape.Gradient(w1));
        Assert.Equal(40, w2.Gradient);
    }

    [Fact]
    public void Seed_scales_the_gradient_and_Backward_can_run_twice()
    {
        var tape = new Tape();
        Var x = tape.Variable(3);
        Var y = x * x * x;

        tape.Backward(y);
        Assert.Equal(27, x.Gradient);
        tape.Backward(y, seed: -2);
        Assert.Equal(-54, x.Gradient);
    }

    [Fact]
    public void A_variable_used_twice_accumulates_both_paths()
    {
        var tape = new Tape();
        Var x = tape.Variable(2);
        Var y = x * x + x; // dy/dx = 2x + 1

        tape.Backward(y);

        Assert.Equal(5, x.Gradient);
    }

    [Fact]
    public void Reset_reuses_the_storage_and_gives_the_same_gradients()
    {
        var tape = new Tape(capacity: 4);
        double[] point = [-1.2, 1.0, 0.8, 1.3, -0.4, 0.9];
        double[] first = GradientOnTape(tape, Rosenbrock, point);
        int recorded = tape.Count;
        int capacity = tape.Capacity;
        Assert.True(capacity >= recorded, "the tape grew to hold the recording");

        tape.Reset();
        Assert.Equal(0, tape.Count);
        double[] second = GradientOnTape(tape, Rosenbrock, point);

        Assert.Equal(first, second);
        Assert.Equal(recorded, tape.Count);
        Assert.Equal(capacity, tape.Capacity);
    }

    [Fact]
    public void Steady_state_recording_and_backward_allocate_nothing()
    {
        var tape = new Tape();
        var x = new Var[6];
        double[] point = [-1.2, 1.0, 0.8, 1.3, -0.4, 0.9];

        Allocations.AssertSteadyStateAllocatesNothing(() => RecordAndDifferentiate(tape, point, x));
    }

    [Fact]
    public void Misuse_is_reported_with_the_argument_name()
    {
        var tape = new Tape();
        var other = new Tape();
        Var a = tape.Variable(1);
        Var b = other.Variable(2);

        Assert.Equal("b", Assert.Throws<ArgumentException>(() => a + b).ParamName);
        Assert.Equal("variable", Assert.Throws<ArgumentException>(() => tape.Gradient(b)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => tape.Backward(default)).ParamName);
        Assert.Equal("capacity", Assert.Throws<ArgumentException>(() => new Tape(0)).ParamName);
        Assert.Throws<InvalidOperationException>(() => default(Var) * 2);

        tape.Reset();
        var stale = Assert.Throws<ArgumentException>(() => tape.Backward(a));
        Assert.Contains("Reset", stale.Message, StringComparison.Ordinal);
        Var fresh = tape.Variable(3);
        Assert.Throws<InvalidOperationException>(() => a * 2);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => fresh + a).ParamName);
    }

    private static double RecordAndDifferentiate(Tape tape, double[] point, Span<Var> x)
    {
        tape.Reset();
        tape.Variables(point, x);
        Var y = Rosenbrock(x);
        tape.Backward(y);
        return x[0].Gradient;
    }

    private static double[] GradientOnTape(Tape tape, Function function, double[] point)
    {
        var x = new Var[point.Length];
        tape.Variables(point, x);
        Var y = function(tape, x);
        tape.Backward(y);
        var gradient = new double[point.Length];
        tape.Gradients(x, gradient);
        return gradient;
    }

    private static double Evaluate(Tape tape, Function function, double[] point)
    {
        var x = new Var[point.Length];
        tape.Variables(point, x);
        return function(tape, x).Value;
    }

    private static Var Rosenbrock(Tape tape, Var[] x) => Rosenbrock(x);

    // Σ 100(x[i+1] − x[i]²)² + (1 − x[i])²
    private static Var Rosenbrock(ReadOnlySpan<Var> x)
    {
        Var sum = 100 * Var.Square(x[1] - Var.Square(x[0])) + Var.Square(1 - x[0]);
        for (int i = 1; i < x.Length - 1; i++)
        {
            sum += 100 * Var.Square(x[i + 1] - Var.Square(x[i])) + Var.Square(1 - x[i]);
        }

        return sum;
    }

    // h ← tanh(w·h + u·sₜ + b) over a fixed input sequence s, from h = 0; x = (w, u, b).
    private static Var TanhRecurrence(Tape tape, Var[] x)
    {
        ReadOnlySpan<double> sequence = [0.5, -1.0, 0.25, 2.0, -0.75, 1.5, 0.0, -0.3];
        Var h = tape.Variable(0);
        foreach (double s in sequence)
        {
            h = Var.Tanh(x[0] * h + x[1] * s + x[2]);
        }

        return h;
    }

    // log Σ e^(xᵢ − m) + m with m = max xᵢ (the stable form; m's gradient cancels).
    private static Var LogSumExp(Tape tape, Var[] x)
    {
        Var max = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            max = Var.Max(max, x[i]);
        }

        Var sum = Var.Exp(x[0] - max);
        for (int i = 1; i < x.Length; i++)
        {
            sum += Var.Exp(x[i] - max);
        }

        return Var.Log(sum) + max;
    }
}
