namespace SourceGrad.Tests.Catalogue;

/// <summary>
/// Running maxima and minima in loops, which the generator differentiates by the iteration that last took over:
/// a candidate computed in the iteration, the other argument order, a minimum, one per row of a matrix (nested loops),
/// and one whose value before the loop the reverse sweep still reads.
/// </summary>
public static partial class ExtremumCatalogue
{
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double ScaledMax(ReadOnlySpan<double> x, double w)
    {
        double m = double.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            m = Math.Max(m, x[i] * w);
        }

        return m;
    }

    /// <summary>Max(x[i], m): a tie goes to the candidate, so the last of equal maxima wins.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double LastMax(ReadOnlySpan<double> x)
    {
        double m = double.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            m = Math.Max(x[i], m);
        }

        return m;
    }

    /// <summary>Max(m, x[i]): a tie keeps m, so the first of equal maxima wins.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double FirstMax(ReadOnlySpan<double> x)
    {
        double m = double.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            m = Math.Max(m, x[i]);
        }

        return m;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float MinOfLocalF(ReadOnlySpan<float> x, float start)
    {
        float m = start;
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i] * x[i] * x[i] + x[i];
            m = MathF.Min(m, v);
        }

        return m * m;
    }

    /// <summary>Each row's maximum, summed: the winning column is kept per row for the reverse sweep.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double SumOfRowMaxima(ReadOnlySpan<double> a, int columns)
    {
        double total = 0;
        for (int r = 0; r < a.Length / columns; r++)
        {
            double m = double.NegativeInfinity;
            for (int c = 0; c < columns; c++)
            {
                m = Math.Max(m, a[r * columns + c]);
            }

            total += m * (r + 1);
        }

        return total;
    }

    /// <summary>m's value before the loop is read by the adjoint of y: the updates are still undone.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double MaxAfterUse(ReadOnlySpan<double> x)
    {
        double m = x[0];
        double y = m * m;
        for (int i = 1; i < x.Length; i++)
        {
            m = Math.Max(m, x[i]);
        }

        return y + 3 * m;
    }
}
