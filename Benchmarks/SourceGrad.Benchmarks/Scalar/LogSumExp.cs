namespace SourceGrad.Benchmarks.Scalar;

using SourceGrad.Tape;

/// <summary>log Σ exp(xᵢ) over <see cref="InputCount"/> elements, shifted by the maximum as careful code does.</summary>
public readonly partial struct LogSumExp : IVectorProblem
{
    public const int InputCount = 1000;

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
    /// contributions cancel, so the maximum gets no backward pass.
    /// </summary>
    public static double HandWrittenGradient(ReadOnlySpan<double> x, Span<double> dX)
    {
        double result = F(x);
        for (int i = 0; i < x.Length; i++)
        {
            dX[i] += Math.Exp(x[i] - result);
        }

        return result;
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
