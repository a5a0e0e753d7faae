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

    /// <summary>
    /// By hand, in one pass with nothing stored: term i touches only xᵢ and xᵢ₊₁, so its share of xᵢ₊₁'s gradient
    /// (200·aᵢ) is carried in a local to the next element, and each element of dX is read and written once.
    /// </summary>
    public static double HandWrittenGradient(ReadOnlySpan<double> x, Span<double> dX)
    {
        double sum = 0;
        double carried = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double xi = x[i];
            double a = x[i + 1] - xi * xi;
            double b = 1 - xi;
            sum += 100 * a * a + b * b;
            dX[i] += carried - 400 * a * xi - 2 * b;
            carried = 200 * a;
        }

        if (x.Length > 0)
        {
            dX[x.Length - 1] += carried;
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
