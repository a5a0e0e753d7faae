using BenchmarkDotNet.Attributes;

namespace SourceGrad.Benchmarks.Scalar;

using SourceGrad.Tape;

// Suite 1: scalar and loop code. Every class times the same five contenders on one problem: the generated gradient
// (the baseline), the primal alone, a hand-written adjoint, the scalar tape and central finite differences; where
// vectorising pays, also the hand-written adjoint vectorised by hand. Each GlobalSetup stops the run if the
// gradients disagree. Gradients accumulate across calls (as generated code's do);
// nobody clears them inside the timed call.

/// <summary>The inputs, gradient buffers and tape every scalar problem needs.</summary>
public abstract class ScalarBenchmark
{
    protected ScalarBenchmark(double[] point)
    {
        Point = point;
        Gradient = new double[point.Length];
        Variables = new Var[point.Length];
        Direction = SeededPoint.Uniform(point.Length, seed: 31, low: -1, high: 1);
    }

    protected double[] Point { get; }

    /// <summary>The direction the tangent contender differentiates along.</summary>
    protected double[] Direction { get; }

    protected double[] Gradient { get; }

    protected Var[] Variables { get; }

    protected Tape Tape { get; } = new();

    protected static double[] Copy(double[] values) => (double[])values.Clone();
}

/// <summary>Suite 1 on the sigmoid neuron. No hand-vectorised adjoint: five scalars give SIMD nothing to fill lanes with.</summary>
[MemoryDiagnoser]
public class SigmoidBenchmarks() : ScalarBenchmark(SigmoidNeuron.Point())
{
    private double _w0, _w1, _w2, _x1, _x2;
    private double _dW0, _dW1, _dW2, _dX1, _dX2;
    private readonly double[] _hv = new double[SigmoidNeuron.InputCount];
    private readonly double[] _plus = new double[SigmoidNeuron.InputCount], _minus = new double[SigmoidNeuron.InputCount];
    private readonly double[] _gradientPlus = new double[SigmoidNeuron.InputCount], _gradientMinus = new double[SigmoidNeuron.InputCount];

    [GlobalSetup]
    public void Setup()
    {
        (_w0, _w1, _w2, _x1, _x2) = (Point[0], Point[1], Point[2], Point[3], Point[4]);
        Generated();
        double[] generated = [_dW0, _dW1, _dW2, _dX1, _dX2];
        (_dW0, _dW1, _dW2, _dX1, _dX2) = (0, 0, 0, 0, 0);
        HandWritten();
        double[] handWritten = [_dW0, _dW1, _dW2, _dX1, _dX2];
        ScalarTape();
        double[] tape = Copy(Gradient);
        FiniteDifferences();
        GradientAgreement.CheckAll("sigmoid", generated, handWritten, tape, Gradient);
        GradientAgreement.CheckTangent("sigmoid", TangentValue(), generated, Direction);
        AllocationCheck.Run($"{nameof(SigmoidBenchmarks)}.{nameof(Generated)}", () => Generated());
        AllocationCheck.Run($"{nameof(SigmoidBenchmarks)}.{nameof(Tangent)}", () => Tangent());
        (_dW0, _dW1, _dW2, _dX1, _dX2) = (0, 0, 0, 0, 0);
        HessianVector();
        double[] product = Copy(_hv), gradientAdded = [_dW0, _dW1, _dW2, _dX1, _dX2];
        NaiveHessianVector();
        Scalar.NaiveHessianVector.Check("sigmoid", product, _hv, gradientAdded, generated);
        AllocationCheck.RunExpectingNone($"{nameof(SigmoidBenchmarks)}.{nameof(HessianVector)}", () => HessianVector());
    }

    [Benchmark]
    public double HessianVector() =>
        SigmoidNeuron.FHessianVector(_w0, _w1, _w2, _x1, _x2, Direction[0], Direction[1], Direction[2], Direction[3], Direction[4],
            ref _dW0, ref _dW1, ref _dW2, ref _dX1, ref _dX2, ref _hv[0], ref _hv[1], ref _hv[2], ref _hv[3], ref _hv[4]);

    [Benchmark]
    public double NaiveHessianVector()
    {
        Scalar.NaiveHessianVector.Shift<double>(Point, Direction, _plus, _minus);
        Array.Clear(_gradientPlus);
        Array.Clear(_gradientMinus);
        double[] p = _plus, m = _minus, gp = _gradientPlus, gm = _gradientMinus;
        double value = SigmoidNeuron.FGradient(p[0], p[1], p[2], p[3], p[4], ref gp[0], ref gp[1], ref gp[2], ref gp[3], ref gp[4]);
        value += SigmoidNeuron.FGradient(m[0], m[1], m[2], m[3], m[4], ref gm[0], ref gm[1], ref gm[2], ref gm[3], ref gm[4]);
        Scalar.NaiveHessianVector.Difference<double>(gp, gm, _hv);
        return value;
    }

    private double TangentValue()
    {
        SigmoidNeuron.FTangent(_w0, _w1, _w2, _x1, _x2, Direction[0], Direction[1], Direction[2], Direction[3], Direction[4], out double tangent);
        return tangent;
    }

    [Benchmark(Baseline = true)]
    public double Generated() =>
        SigmoidNeuron.FGradient(_w0, _w1, _w2, _x1, _x2, ref _dW0, ref _dW1, ref _dW2, ref _dX1, ref _dX2);

    [Benchmark]
    public double Primal() => SigmoidNeuron.F(_w0, _w1, _w2, _x1, _x2);

    /// <summary>Forward mode along <see cref="ScalarBenchmark.Direction"/>: the value and its directional derivative.</summary>
    [Benchmark]
    public double Tangent() =>
        SigmoidNeuron.FTangent(_w0, _w1, _w2, _x1, _x2, Direction[0], Direction[1], Direction[2], Direction[3], Direction[4], out _);

    [Benchmark]
    public double HandWritten() =>
        SigmoidNeuron.HandWrittenGradient(_w0, _w1, _w2, _x1, _x2, ref _dW0, ref _dW1, ref _dW2, ref _dX1, ref _dX2);

    [Benchmark]
    public double ScalarTape() => SigmoidNeuron.TapeGradient(Tape, Point, Variables, Gradient);

    [Benchmark]
    public double FiniteDifferences() => CentralDifferences.Gradient(default(SigmoidNeuron.Objective), Point, Gradient);
}

/// <summary>Suite 1 on a function of one vector (Rosenbrock, log-sum-exp).</summary>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(Rosenbrock))]
[GenericTypeArguments(typeof(LogSumExp))]
public class VectorProblemBenchmarks<TProblem>() : ScalarBenchmark(TProblem.Point())
    where TProblem : struct, IVectorProblem
{
    private readonly double[] _dX = new double[TProblem.Point().Length];
    private readonly double[] _hvX = new double[TProblem.Point().Length];
    private readonly double[] _plus = new double[TProblem.Point().Length], _minus = new double[TProblem.Point().Length];
    private readonly double[] _gradientPlus = new double[TProblem.Point().Length], _gradientMinus = new double[TProblem.Point().Length];

    [GlobalSetup]
    public void Setup()
    {
        Generated();
        double[] generated = Copy(_dX);
        Array.Clear(_dX);
        HandWritten();
        double[] handWritten = Copy(_dX);
        Array.Clear(_dX);
        HandWrittenVectorized();
        double[] vectorized = Copy(_dX);
        ScalarTape();
        double[] tape = Copy(Gradient);
        FiniteDifferences();
        GradientAgreement.CheckAll(TProblem.Name, generated, handWritten, tape, Gradient, vectorized);
        TProblem.FTangent(Point, Direction, out double tangent);
        GradientAgreement.CheckTangent(TProblem.Name, tangent, generated, Direction);
        AllocationCheck.Run($"VectorProblemBenchmarks<{typeof(TProblem).Name}>.{nameof(Generated)}", () => Generated());
        AllocationCheck.Run($"VectorProblemBenchmarks<{typeof(TProblem).Name}>.{nameof(Tangent)}", () => Tangent());
        Array.Clear(_dX);
        HessianVector();
        double[] product = Copy(_hvX), gradientAdded = Copy(_dX);
        NaiveHessianVector();
        Scalar.NaiveHessianVector.Check(TProblem.Name, product, _hvX, gradientAdded, generated);
        AllocationCheck.RunExpectingNone($"VectorProblemBenchmarks<{typeof(TProblem).Name}>.{nameof(HessianVector)}", () => HessianVector());
    }

    [Benchmark]
    public double HessianVector() => TProblem.FHessianVector(Point, Direction, _dX, _hvX);

    [Benchmark]
    public double NaiveHessianVector()
    {
        Scalar.NaiveHessianVector.Shift<double>(Point, Direction, _plus, _minus);
        Array.Clear(_gradientPlus);
        Array.Clear(_gradientMinus);
        double value = TProblem.FGradient(_plus, _gradientPlus, 1);
        value += TProblem.FGradient(_minus, _gradientMinus, 1);
        Scalar.NaiveHessianVector.Difference<double>(_gradientPlus, _gradientMinus, _hvX);
        return value;
    }

    [Benchmark(Baseline = true)]
    public double Generated() => TProblem.FGradient(Point, _dX, 1);

    [Benchmark]
    public double Primal() => TProblem.F(Point);

    [Benchmark]
    public double Tangent() => TProblem.FTangent(Point, Direction, out _);

    [Benchmark]
    public double HandWritten() => TProblem.HandWrittenGradient(Point, _dX);

    [Benchmark]
    public double HandWrittenVectorized() => TProblem.HandWrittenVectorizedGradient(Point, _dX);

    [Benchmark]
    public double ScalarTape() => TProblem.TapeGradient(Tape, Point, Variables, Gradient);

    [Benchmark]
    public double FiniteDifferences() => CentralDifferences.Gradient(default(TProblem), Point, Gradient);
}

/// <summary>
/// Suite 1 on the tanh recurrence. No hand-vectorised adjoint: each step needs the one before, forward and backward,
/// and those serial chains (a tanh per step forward, two multiplies per step backward) are the work; only the few
/// multiply-adds per step into dW, dU, dB and dX could go in lanes.
/// </summary>
[MemoryDiagnoser]
public class TanhRecurrenceBenchmarks() : ScalarBenchmark(TanhRecurrence.Point())
{
    private readonly double[] _dX = new double[TanhRecurrence.Steps];
    private readonly double[] _hvX = new double[TanhRecurrence.Steps];
    private readonly double[] _naive = new double[TanhRecurrence.InputCount];
    private readonly double[] _plus = new double[TanhRecurrence.InputCount], _minus = new double[TanhRecurrence.InputCount];
    private readonly double[] _gradientPlus = new double[TanhRecurrence.Steps], _gradientMinus = new double[TanhRecurrence.Steps];
    private double _w, _u, _b, _dW, _dU, _dB, _hvW, _hvU, _hvB;
    private double[] _x = [];

    [GlobalSetup]
    public void Setup()
    {
        (_w, _u, _b, _x) = (Point[0], Point[1], Point[2], Point[3..]);
        Generated();
        double[] generated = [_dW, _dU, _dB, .. _dX];
        (_dW, _dU, _dB) = (0, 0, 0);
        Array.Clear(_dX);
        HandWritten();
        double[] handWritten = [_dW, _dU, _dB, .. _dX];
        ScalarTape();
        double[] tape = Copy(Gradient);
        FiniteDifferences();
        GradientAgreement.CheckAll("tanh recurrence", generated, handWritten, tape, Gradient);
        TanhRecurrence.FTangent(_w, _u, _b, _x, Direction[0], Direction[1], Direction[2], Direction.AsSpan(3), out double tangent);
        GradientAgreement.CheckTangent("tanh recurrence", tangent, generated, Direction);
        AllocationCheck.Run($"{nameof(TanhRecurrenceBenchmarks)}.{nameof(Generated)}", () => Generated());
        AllocationCheck.Run($"{nameof(TanhRecurrenceBenchmarks)}.{nameof(Tangent)}", () => Tangent());
        (_dW, _dU, _dB) = (0, 0, 0);
        Array.Clear(_dX);
        HessianVector();
        double[] product = [_hvW, _hvU, _hvB, .. _hvX], gradientAdded = [_dW, _dU, _dB, .. _dX];
        NaiveHessianVector();
        Scalar.NaiveHessianVector.Check("tanh recurrence", product, _naive, gradientAdded, generated);
        AllocationCheck.RunExpectingNone($"{nameof(TanhRecurrenceBenchmarks)}.{nameof(HessianVector)}", () => HessianVector());
    }

    [Benchmark]
    public double HessianVector() => TanhRecurrence.FHessianVector(_w, _u, _b, _x, Direction[0], Direction[1], Direction[2], Direction.AsSpan(3),
        ref _dW, ref _dU, ref _dB, _dX, ref _hvW, ref _hvU, ref _hvB, _hvX);

    [Benchmark]
    public double NaiveHessianVector()
    {
        // The two gradients go into the naive product's first three entries (w, u, b) and the rest (x).
        Scalar.NaiveHessianVector.Shift<double>(Point, Direction, _plus, _minus);
        Array.Clear(_gradientPlus);
        Array.Clear(_gradientMinus);
        double wPlus = 0, uPlus = 0, bPlus = 0, wMinus = 0, uMinus = 0, bMinus = 0;
        double value = TanhRecurrence.FGradient(_plus[0], _plus[1], _plus[2], _plus.AsSpan(3), ref wPlus, ref uPlus, ref bPlus, _gradientPlus);
        value += TanhRecurrence.FGradient(_minus[0], _minus[1], _minus[2], _minus.AsSpan(3), ref wMinus, ref uMinus, ref bMinus, _gradientMinus);
        double twice = 2 * Scalar.NaiveHessianVector.Step<double>();
        (_naive[0], _naive[1], _naive[2]) = ((wPlus - wMinus) / twice, (uPlus - uMinus) / twice, (bPlus - bMinus) / twice);
        Scalar.NaiveHessianVector.Difference<double>(_gradientPlus, _gradientMinus, _naive.AsSpan(3));
        return value;
    }

    [Benchmark(Baseline = true)]
    public double Generated() => TanhRecurrence.FGradient(_w, _u, _b, _x, ref _dW, ref _dU, ref _dB, _dX);

    [Benchmark]
    public double Primal() => TanhRecurrence.F(_w, _u, _b, _x);

    [Benchmark]
    public double Tangent() => TanhRecurrence.FTangent(_w, _u, _b, _x, Direction[0], Direction[1], Direction[2], Direction.AsSpan(3), out _);

    [Benchmark]
    public double HandWritten() => TanhRecurrence.HandWrittenGradient(_w, _u, _b, _x, ref _dW, ref _dU, ref _dB, _dX);

    [Benchmark]
    public double ScalarTape() => TanhRecurrence.TapeGradient(Tape, Point, Variables, Gradient);

    [Benchmark]
    public double FiniteDifferences() => CentralDifferences.Gradient(default(TanhRecurrence.Objective), Point, Gradient);
}
