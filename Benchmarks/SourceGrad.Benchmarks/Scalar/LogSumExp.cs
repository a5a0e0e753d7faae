namespace SourceGrad.Benchmarks.Scalar;

using SourceGrad.Tape;

/// <summary>log Σ exp(xᵢ) over <see cref="InputCount"/> elements, shifted by the maximum as careful code does.</summary>
public readonly partial struct LogSumExp : IVectorProblem
{
    public const int InputCount = 1000;

    /// <summary>The hand-written adjoints keep up to this many exponentials (8 KB) on the stack.</summary>
    private const int StackElements = 1024;

    public static string Name => "log-sum-exp";

    /// <summary>A seeded point in [−3, 3]ⁿ.</summary>
    public static double[] Point() => SeededPoint.Uniform(InputCount, seed: 13, low: -3, high: 3);

    [Differentiable]
    public static double F(ReadOnlySpan<double> x)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            max = Math.Max(max, x[i]);
        }

        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += Math.Exp(x[i] - max);
        }

        return max + Math.Log(sum);
    }

    /// <summary>
    /// By hand, as someone who knows the answer writes it: the gradient is softmax(x), and the shift's own
    /// contributions cancel, so the maximum gets no backward pass. Each exp(xᵢ − max) is kept from the sum for its
    /// softmax entry, so exp runs once per element.
    /// </summary>
    public static double HandWrittenGradient(ReadOnlySpan<double> x, Span<double> dX)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            max = Math.Max(max, x[i]);
        }

        Span<double> exps = x.Length <= StackElements ? stackalloc double[x.Length] : new double[x.Length];
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double e = Math.Exp(x[i] - max);
            exps[i] = e;
            sum += e;
        }

        double scale = 1 / sum;
        for (int i = 0; i < x.Length; i++)
        {
            dX[i] += exps[i] * scale;
        }

        return max + Math.Log(sum);
    }

    public static double TapeGradient(Tape tape, ReadOnlySpan<double> point, Span<Var> variables, Span<double> gradient)
    {
        tape.Reset();
        tape.Variables(point, variables);
        Var max = variables[0];
        for (int i = 1; i < variables.Length; i++)
        {
            max = Var.Max(max, variables[i]);
        }

        Var sum = tape.Variable(0);
        for (int i = 0; i < variables.Length; i++)
        {
            sum += Var.Exp(variables[i] - max);
        }

        Var result = max + Var.Log(sum);
        tape.Backward(result);
        tape.Gradients(variables, gradient);
        return result.Value;
    }

    public double Evaluate(ReadOnlySpan<double> point) => F(point);
}
