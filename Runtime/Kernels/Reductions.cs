using System.Numerics;
using SourceGrad.Kernels;

namespace SourceGrad;

/// <summary>Vectorised reductions of a span to one number, each with a derivative rule and a forward-mode rule.</summary>
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

    /// <summary>Forward mode: returns Σ x, and tangent = Σ tX.</summary>
    [TangentOf(nameof(Sum))]
    public static float SumTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> tX, out float tangent) => SumBoth(x, tX, out tangent);

    /// <inheritdoc cref="SumTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, out float)"/>
    [TangentOf(nameof(Sum))]
    public static double SumTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> tX, out double tangent) => SumBoth(x, tX, out tangent);

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

    /// <summary>Forward mode: returns Σ x / x.Length, and tangent = Σ tX / x.Length (NaN for an empty span, like the mean).</summary>
    [TangentOf(nameof(Mean))]
    public static float MeanTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> tX, out float tangent)
    {
        float sum = SumBoth(x, tX, out tangent);
        tangent /= x.Length;
        return sum / x.Length;
    }

    /// <inheritdoc cref="MeanTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, out float)"/>
    [TangentOf(nameof(Mean))]
    public static double MeanTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> tX, out double tangent)
    {
        double sum = SumBoth(x, tX, out tangent);
        tangent /= x.Length;
        return sum / x.Length;
    }

    /// <summary>Σ x, and Σ tX in <paramref name="tangent"/>.</summary>
    private static T SumBoth<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> tX, out T tangent)
        where T : unmanaged, INumber<T>
    {
        Shape.CheckSameLength(tX.Length, nameof(tX), x.Length, nameof(x));
        tangent = Vectorized.Sum(tX);
        return Vectorized.Sum(x);
    }

    private static void AddToEach<T>(ReadOnlySpan<T> x, Span<T> dX, T value)
        where T : unmanaged, INumber<T>
    {
        Shape.CheckSameLength(dX.Length, nameof(dX), x.Length, nameof(x));
        Vectorized.Accumulate(x, x, dX, new Vectorized.Constant<T>(value));
    }
}
