namespace SourceGrad.Benchmarks.Scalar;

using SourceGrad.Tape;

/// <summary>The extended Rosenbrock function, Σᵢ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², over <see cref="InputCount"/> variables.</summary>
public readonly partial struct Rosenbrock : IVectorProblem
{
    public const int InputCount = 1000;

    public static string Name => "Rosenbrock";

    /// <summary>A seeded point in [−1.5, 1.5]ⁿ.</summary>
    public static double[] Point() => SeededPoint.Uniform(InputCount, seed: 11, low: -1.5, high: 1.5);

    [Differentiable]
    public static double F(ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            sum += 100 * a * a + b * b;
        }

        return sum;
    }

    /// <summary>By hand: each term touches xᵢ and xᵢ₊₁ only; no intermediate is stored.</summary>
    public static double HandWrittenGradient(ReadOnlySpan<double> x, Span<double> dX)
    {
        double sum = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            sum += 100 * a * a + b * b;
            dX[i] += -400 * a * x[i] - 2 * b;
            dX[i + 1] += 200 * a;
        }

        return sum;
    }

    public static double TapeGradient(Tape tape, ReadOnlySpan<double> point, Span<Var> variables, Span<double> gradient)
    {
        tape.Reset();
        tape.Variables(point, variables);
        Var sum = tape.Variable(0);
        for (int i = 0; i < variables.Length - 1; i++)
        {
            Var a = variables[i + 1] - variables[i] * variables[i];
            Var b = 1 - variables[i];
            sum += 100 * a * a + b * b;
        }

        tape.Backward(sum);
        tape.Gradients(variables, gradient);
        return sum.Value;
    }

    public double Evaluate(ReadOnlySpan<double> point) => F(point);
}
