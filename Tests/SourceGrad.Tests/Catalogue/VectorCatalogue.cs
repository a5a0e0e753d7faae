namespace SourceGrad.Tests.Catalogue;

/// <summary>
/// Loops the vectorisation pass turns into Vector512 (else Vector&lt;T&gt;) loops with a scalar tail: reductions, element-wise
/// accumulation into gradients at offsets, stores, locals the loop overwrites, invariant reads, in-place updates,
/// float and double. The tests run them at lengths around the vector widths, so every path (no vector, vectors and
/// a tail, exact multiples) runs.
/// </summary>
public static partial class VectorCatalogue
{
    /// <summary>A dot product: a reduction in the forward sweep, two accumulations in the reverse.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float DotF(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Rosenbrock: locals overwritten each iteration, and each gradient element accumulated from two iterations.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Rosenbrock(ReadOnlySpan<double> x)
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

    /// <summary>y = a·x + y in place, with a subtraction reduction beside it; an invariant element read (x[0]).</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double AxpyInPlace(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        double debt = 0;
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = a * x[i] + y[i] * x[0];
            debt -= x[i] / 4;
        }

        return debt;
    }

    /// <summary>A matrix-vector product written with rows: the inner loop is vectorised, offset by the row.</summary>
    [Differentiable(Tangent = true, Split = true)]
    public static void MatVecF(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y, int columns)
    {
        for (int r = 0; r < y.Length; r++)
        {
            float s = 0;
            for (int c = 0; c < columns; c++)
            {
                s += w[r * columns + c] * x[c];
            }

            y[r] = s * s;
        }
    }

    /// <summary>A loop that starts past zero and runs to an inclusive bound.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double ShiftedWindow(ReadOnlySpan<double> x, int from)
    {
        double sum = 0;
        for (int i = from; i <= x.Length - 2; i++)
        {
            double d = x[i + 1] - x[i];
            sum += d * d * 0.5 - x[i];
        }

        return sum;
    }

    /// <summary>A discrete Laplacian's energy: each gradient element gathers from three neighbouring terms (offsets −1, 0, +1).</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float LaplacianEnergyF(ReadOnlySpan<float> u)
    {
        float energy = 0;
        for (int i = 1; i < u.Length - 1; i++)
        {
            float curvature = u[i - 1] - 2 * u[i] + u[i + 1];
            energy += curvature * curvature;
        }

        return energy;
    }

    /// <summary>Squared error written out: a store of a difference into a local buffer, then a reduction over it.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float SquaredErrorF(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target)
    {
        Span<float> difference = stackalloc float[prediction.Length];
        for (int i = 0; i < prediction.Length; i++)
        {
            difference[i] = prediction[i] - target[i];
        }

        float sum = 0;
        for (int i = 0; i < prediction.Length; i++)
        {
            sum += difference[i] * difference[i];
        }

        return sum / 2;
    }
}
