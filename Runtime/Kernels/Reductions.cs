using System.Numerics;
using SourceGrad.Kernels;

namespace SourceGrad;

/// <summary>Vectorised reductions of a span to one number, each with a derivative rule.</summary>
public static partial class Reductions
{
    /// <summary>Σ x (0 for an empty span).</summary>
    public static float Sum(ReadOnlySpan<float> x) => Vectorized.Sum(x);

    /// <inheritdoc cref="Sum(ReadOnlySpan{float})"/>
    public static double Sum(ReadOnlySpan<double> x) => Vectorized.Sum(x);

    /// <summary>dX += dReturn.</summary>
    [DerivativeOf(nameof(Sum))]
    public static void SumPullback(ReadOnlySpan<float> x, Span<float> dX, float dReturn) => AddToEach(x, dX, dReturn);

    /// <inheritdoc cref="SumPullback(ReadOnlySpan{float}, Span{float}, float)"/>
    [DerivativeOf(nameof(Sum))]
    public static void SumPullback(ReadOnlySpan<double> x, Span<double> dX, double dReturn) => AddToEach(x, dX, dReturn);

    /// <summary>Σ x / x.Length (NaN for an empty span: the mean of nothing).</summary>
    public static float Mean(ReadOnlySpan<float> x) => Vectorized.Sum(x) / x.Length;

    /// <inheritdoc cref="Mean(ReadOnlySpan{float})"/>
    public static double Mean(ReadOnlySpan<double> x) => Vectorized.Sum(x) / x.Length;

    /// <summary>dX += dReturn / x.Length.</summary>
    [DerivativeOf(nameof(Mean))]
    public static void MeanPullback(ReadOnlySpan<float> x, Span<float> dX, float dReturn) => AddToEach(x, dX, dReturn / x.Length);

    /// <inheritdoc cref="MeanPullback(ReadOnlySpan{float}, Span{float}, float)"/>
    [DerivativeOf(nameof(Mean))]
    public static void MeanPullback(ReadOnlySpan<double> x, Span<double> dX, double dReturn) => AddToEach(x, dX, dReturn / x.Length);

    private static void AddToEach<T>(ReadOnlySpan<T> x, Span<T> dX, T value)
        where T : unmanaged, INumber<T>
    {
        Shape.CheckSameLength(dX.Length, nameof(dX), x.Length, nameof(x));
        Vectorized.Accumulate(x, x, dX, new Vectorized.Constant<T>(value));
    }
}
