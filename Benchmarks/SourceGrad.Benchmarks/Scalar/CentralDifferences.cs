namespace SourceGrad.Benchmarks.Scalar;

/// <summary>A scalar function of a flat vector of inputs, as a struct so a generic caller inlines it.</summary>
public interface IObjective
{
    double Evaluate(ReadOnlySpan<double> point);
}

/// <summary>The gradient by central finite differences: two evaluations per input, all n perturbations.</summary>
public static class CentralDifferences
{
    /// <summary>
    /// gradient[i] = (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h with h = 1e-5·max(1, |xᵢ|) (about the cube root of double's
    /// epsilon, which balances truncation against rounding). <paramref name="point"/> is perturbed in place and
    /// restored. Returns f(x).
    /// </summary>
    public static double Gradient<TObjective>(TObjective objective, Span<double> point, Span<double> gradient)
        where TObjective : struct, IObjective
    {
        if (gradient.Length != point.Length)
        {
            throw new ArgumentException(
                $"The gradient holds {gradient.Length} values but the point has {point.Length}.", nameof(gradient));
        }

        for (int i = 0; i < point.Length; i++)
        {
            double value = point[i];
            double step = 1e-5 * Math.Max(1, Math.Abs(value));
            point[i] = value + step;
            double above = objective.Evaluate(point);
            point[i] = value - step;
            double below = objective.Evaluate(point);
            point[i] = value;
            gradient[i] = (above - below) / (2 * step);
        }

        return objective.Evaluate(point);
    }
}
