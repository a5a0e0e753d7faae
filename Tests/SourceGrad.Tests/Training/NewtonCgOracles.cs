using System.Numerics;

namespace SourceGrad.Tests.Training;

/// <summary>
/// The n-dimensional Rosenbrock function Σᵢ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², with its gradient and Hessian written out
/// by hand: the oracle the optimizer tests minimise. Its only minimum near the usual starts is (1, …, 1).
/// </summary>
internal readonly struct RosenbrockOracle<T>(int dimension) : ISecondOrderObjective<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Hundred = T.CreateChecked(100), Two = T.CreateChecked(2);

    public int Dimension => dimension;

    public T ValueAndGradient(ReadOnlySpan<T> x, Span<T> gradient)
    {
        T value = T.Zero;
        for (int i = 0; i + 1 < x.Length; i++)
        {
            T a = x[i + 1] - x[i] * x[i], b = T.One - x[i];
            value += Hundred * a * a + b * b;
            // ∂/∂xᵢ = −400·xᵢ·a − 2b, ∂/∂xᵢ₊₁ = 200·a
            gradient[i] += -Two * Two * Hundred * x[i] * a - Two * b;
            gradient[i + 1] += Two * Hundred * a;
        }

        return value;
    }

    public void HessianVector(ReadOnlySpan<T> x, ReadOnlySpan<T> direction, Span<T> gradient, Span<T> product)
    {
        for (int i = 0; i + 1 < x.Length; i++)
        {
            // The term's 2×2 block: [[1200xᵢ² − 400xᵢ₊₁ + 2, −400xᵢ], [−400xᵢ, 200]]
            T diagonal = T.CreateChecked(1200) * x[i] * x[i] - T.CreateChecked(400) * x[i + 1] + Two;
            T offDiagonal = T.CreateChecked(-400) * x[i];
            product[i] += diagonal * direction[i] + offDiagonal * direction[i + 1];
            product[i + 1] += offDiagonal * direction[i] + T.CreateChecked(200) * direction[i + 1];
        }
    }

    /// <summary>The usual start: −1.2 at even indices, 1 at odd ones.</summary>
    public static T[] StandardStart(int dimension) =>
        Enumerable.Range(0, dimension).Select(i => T.CreateChecked(i % 2 == 0 ? -1.2 : 1.0)).ToArray();
}

/// <summary>f(x) = ½xᵀAx − bᵀx with a dense SPD A = Q·D·Qᵀ: Q a Householder reflection, D with few distinct eigenvalues.</summary>
internal sealed class QuadraticOracle : ISecondOrderObjective<double>
{
    private readonly double[,] _a;
    private readonly double[] _b;

    public QuadraticOracle(double[] eigenvalues, double[] reflection, double[] b)
    {
        int n = eigenvalues.Length;
        double norm2 = reflection.Sum(v => v * v);
        double Q(int i, int j) => (i == j ? 1 : 0) - 2 * reflection[i] * reflection[j] / norm2;
        _a = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                for (int k = 0; k < n; k++)
                    _a[i, j] += Q(i, k) * eigenvalues[k] * Q(j, k);
            }
        }

        _b = b;
        // Q is its own inverse, so A⁻¹ = Q·D⁻¹·Qᵀ.
        Minimizer = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++)
            {
                for (int j = 0; j < n; j++)
                    Minimizer[i] += Q(i, k) / eigenvalues[k] * Q(j, k) * b[j];
            }
        }
    }

    public int Dimension => _b.Length;

    /// <summary>A⁻¹b, computed from the factors.</summary>
    public double[] Minimizer { get; }

    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        double value = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double ax = 0;
            for (int j = 0; j < x.Length; j++)
                ax += _a[i, j] * x[j];
            value += 0.5 * x[i] * ax - _b[i] * x[i];
            gradient[i] += ax - _b[i];
        }

        return value;
    }

    public void HessianVector(ReadOnlySpan<double> x, ReadOnlySpan<double> direction, Span<double> gradient, Span<double> product)
    {
        for (int i = 0; i < x.Length; i++)
        {
            for (int j = 0; j < x.Length; j++)
                product[i] += _a[i, j] * direction[j];
        }
    }
}

/// <summary>
/// f(x, y) = x² + (y² − 1)²: minima at (0, ±1), a saddle at (0, 0), and ∂²f/∂y² = 12y² − 4 is negative for |y| &lt; 1/√3,
/// so a pure Newton step from near the saddle heads for it.
/// </summary>
internal readonly struct DoubleWellOracle : ISecondOrderObjective<double>
{
    public int Dimension => 2;

    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        double well = x[1] * x[1] - 1;
        gradient[0] += 2 * x[0];
        gradient[1] += 4 * x[1] * well;
        return x[0] * x[0] + well * well;
    }

    public void HessianVector(ReadOnlySpan<double> x, ReadOnlySpan<double> direction, Span<double> gradient, Span<double> product)
    {
        product[0] += 2 * direction[0];
        product[1] += (12 * x[1] * x[1] - 4) * direction[1];
    }
}

/// <summary>
/// Counts the calls that reach another objective, so a test can hold the optimizer's reported counts against them, and
/// checks that the optimizer zeroes the spans it hands over (the generated methods add into them).
/// </summary>
internal sealed class CountingObjective<TObjective>(TObjective inner) : ISecondOrderObjective<double>
    where TObjective : ISecondOrderObjective<double>
{
    private TObjective _inner = inner;

    public int GradientCalls { get; private set; }

    public int HessianVectorCalls { get; private set; }

    public int Dimension => _inner.Dimension;

    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        GradientCalls++;
        RequireZero(gradient, nameof(gradient));
        return _inner.ValueAndGradient(x, gradient);
    }

    public void HessianVector(ReadOnlySpan<double> x, ReadOnlySpan<double> direction, Span<double> gradient, Span<double> product)
    {
        HessianVectorCalls++;
        RequireZero(gradient, nameof(gradient));
        RequireZero(product, nameof(product));
        _inner.HessianVector(x, direction, gradient, product);
    }

    private static void RequireZero(ReadOnlySpan<double> span, string name)
    {
        if (span.ContainsAnyExcept(0.0))
            throw new InvalidOperationException($"The optimizer passed a {name} span that was not zeroed.");
    }
}
