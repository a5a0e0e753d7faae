using System.Numerics;
using System.Runtime.Intrinsics;
using SourceGrad.Kernels;

namespace SourceGrad;

/// <summary>Loss functions that reduce a batch to one number, each with a derivative rule and a forward-mode rule.</summary>
public static partial class Losses
{
    /// <summary>
    /// The mean over the batch of −log softmax(logits[b])[labels[b]], where logits is batch×classes (row-major) and
    /// every label is in [0, classes). Computed with a shifted log-sum-exp, so large logits do not overflow.
    /// An empty batch gives NaN (the mean of nothing).
    /// </summary>
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int batch, int classes)
        => CrossEntropy(logits, labels, batch, classes);

    /// <inheritdoc cref="SoftmaxCrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int)"/>
    public static double SoftmaxCrossEntropy(ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, int batch, int classes)
        => CrossEntropy(logits, labels, batch, classes);

    /// <summary>dLogits += dReturn / batch · (softmax(logits) − onehot(labels)), row by row.</summary>
    [DerivativeOf(nameof(SoftmaxCrossEntropy))]
    public static void SoftmaxCrossEntropyPullback(
        ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int batch, int classes, Span<float> dLogits, float dReturn)
        => CrossEntropyPullback(logits, labels, batch, classes, dLogits, dReturn);

    /// <inheritdoc cref="SoftmaxCrossEntropyPullback(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, Span{float}, float)"/>
    [DerivativeOf(nameof(SoftmaxCrossEntropy))]
    public static void SoftmaxCrossEntropyPullback(
        ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, int batch, int classes, Span<double> dLogits, double dReturn)
        => CrossEntropyPullback(logits, labels, batch, classes, dLogits, dReturn);

    /// <summary>
    /// Forward mode: returns the loss, and tangent = (1/batch)·Σ_b ⟨softmax(logits[b]) − onehot(labels[b]), tLogits[b]⟩,
    /// row by row (NaN for an empty batch, like the loss).
    /// </summary>
    [TangentOf(nameof(SoftmaxCrossEntropy))]
    public static float SoftmaxCrossEntropyTangent(
        ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int batch, int classes, ReadOnlySpan<float> tLogits, out float tangent)
        => CrossEntropyTangent(logits, labels, batch, classes, tLogits, out tangent);

    /// <inheritdoc cref="SoftmaxCrossEntropyTangent(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, ReadOnlySpan{float}, out float)"/>
    [TangentOf(nameof(SoftmaxCrossEntropy))]
    public static double SoftmaxCrossEntropyTangent(
        ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, int batch, int classes, ReadOnlySpan<double> tLogits, out double tangent)
        => CrossEntropyTangent(logits, labels, batch, classes, tLogits, out tangent);

    /// <summary>The mean over all elements of (prediction − target)²; NaN when both are empty.</summary>
    public static float MeanSquaredError(ReadOnlySpan<float> prediction, [NoGrad] ReadOnlySpan<float> target)
        => SquaredError(prediction, target);

    /// <inheritdoc cref="MeanSquaredError(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static double MeanSquaredError(ReadOnlySpan<double> prediction, [NoGrad] ReadOnlySpan<double> target)
        => SquaredError(prediction, target);

    /// <summary>dPrediction += 2·dReturn/N · (prediction − target).</summary>
    [DerivativeOf(nameof(MeanSquaredError))]
    public static void MeanSquaredErrorPullback(
        ReadOnlySpan<float> prediction, [NoGrad] ReadOnlySpan<float> target, Span<float> dPrediction, float dReturn)
        => SquaredErrorPullback(prediction, target, dPrediction, dReturn);

    /// <inheritdoc cref="MeanSquaredErrorPullback(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, float)"/>
    [DerivativeOf(nameof(MeanSquaredError))]
    public static void MeanSquaredErrorPullback(
        ReadOnlySpan<double> prediction, [NoGrad] ReadOnlySpan<double> target, Span<double> dPrediction, double dReturn)
        => SquaredErrorPullback(prediction, target, dPrediction, dReturn);

    /// <summary>Forward mode: returns the loss, and tangent = (2/N)·⟨prediction − target, tPrediction⟩ (NaN when N = 0, like the loss).</summary>
    [TangentOf(nameof(MeanSquaredError))]
    public static float MeanSquaredErrorTangent(
        ReadOnlySpan<float> prediction, [NoGrad] ReadOnlySpan<float> target, ReadOnlySpan<float> tPrediction, out float tangent)
        => SquaredErrorTangent(prediction, target, tPrediction, out tangent);

    /// <inheritdoc cref="MeanSquaredErrorTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, out float)"/>
    [TangentOf(nameof(MeanSquaredError))]
    public static double MeanSquaredErrorTangent(
        ReadOnlySpan<double> prediction, [NoGrad] ReadOnlySpan<double> target, ReadOnlySpan<double> tPrediction, out double tangent)
        => SquaredErrorTangent(prediction, target, tPrediction, out tangent);

    private static T CrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int batch, int classes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLabels(logits.Length, labels, batch, classes);
        T total = T.Zero;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<T> row = logits.Slice(b * classes, classes);
            total += Vectorized.LogSumExp(row) - row[labels[b]];
        }

        return total / T.CreateTruncating(batch);
    }

    private static void CrossEntropyPullback<T>(
        ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int batch, int classes, Span<T> dLogits, T dReturn)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLabels(logits.Length, labels, batch, classes);
        Shape.CheckSameLength(dLogits.Length, nameof(dLogits), logits.Length, nameof(logits));
        T scale = dReturn / T.CreateTruncating(batch);
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<T> row = logits.Slice(b * classes, classes);
            Span<T> gradient = dLogits.Slice(b * classes, classes);
            Vectorized.Accumulate(row, row, gradient, new ScaledSoftmax<T>(Vectorized.LogSumExp(row), scale));
            gradient[labels[b]] -= scale;
        }
    }

    private static T CrossEntropyTangent<T>(
        ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int batch, int classes, ReadOnlySpan<T> tLogits, out T tangent)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLabels(logits.Length, labels, batch, classes);
        Shape.CheckSameLength(tLogits.Length, nameof(tLogits), logits.Length, nameof(logits));
        T total = T.Zero, tTotal = T.Zero;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<T> row = logits.Slice(b * classes, classes), direction = tLogits.Slice(b * classes, classes);
            T logSumExp = Vectorized.LogSumExp(row);
            total += logSumExp - row[labels[b]];
            tTotal += Vectorized.ExpShiftedDot(row, logSumExp, direction) - direction[labels[b]];
        }

        T count = T.CreateTruncating(batch);
        tangent = tTotal / count;
        return total / count;
    }

    private static void CheckLabels(int logitsLength, ReadOnlySpan<int> labels, int batch, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(classes);
        Shape.CheckLength(logitsLength, "logits", "batch*classes", batch, classes);
        Shape.CheckLength(labels.Length, nameof(labels), nameof(batch), batch);
        for (int b = 0; b < labels.Length; b++)
        {
            if ((uint)labels[b] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(labels), labels[b], $"labels[{b}] = {labels[b]} is outside [0, classes = {classes}).");
            }
        }
    }

    private static T SquaredError<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.CheckSameLength(target.Length, nameof(target), prediction.Length, nameof(prediction));
        return Vectorized.Sum(prediction, target, default(SquaredDifference<T>)) / T.CreateTruncating(prediction.Length);
    }

    private static void SquaredErrorPullback<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target, Span<T> dPrediction, T dReturn)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.CheckSameLength(target.Length, nameof(target), prediction.Length, nameof(prediction));
        Shape.CheckSameLength(dPrediction.Length, nameof(dPrediction), prediction.Length, nameof(prediction));
        T factor = T.CreateTruncating(2) * dReturn / T.CreateTruncating(prediction.Length);
        Vectorized.Accumulate(prediction, target, dPrediction, new ScaledDifference<T>(factor));
    }

    /// <summary>
    /// The loss, and tangent = ⟨(2/N)·(prediction − target), tPrediction⟩, the scaled difference formed a chunk at a
    /// time on the stack, so the difference is not lost to cancellation as in ⟨prediction, t⟩ − ⟨target, t⟩.
    /// </summary>
    private static T SquaredErrorTangent<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target, ReadOnlySpan<T> tPrediction, out T tangent)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Chunk = 256;
        Shape.CheckSameLength(target.Length, nameof(target), prediction.Length, nameof(prediction));
        Shape.CheckSameLength(tPrediction.Length, nameof(tPrediction), prediction.Length, nameof(prediction));
        var scaledDifference = new ScaledDifference<T>(T.CreateTruncating(2) / T.CreateTruncating(prediction.Length));
        Span<T> chunk = stackalloc T[Chunk];
        tangent = prediction.IsEmpty ? T.NaN : T.Zero;
        for (int start = 0; start < prediction.Length; start += Chunk)
        {
            int length = Math.Min(Chunk, prediction.Length - start);
            Span<T> difference = chunk[..length];
            Vectorized.Map(prediction.Slice(start, length), target.Slice(start, length), difference, scaledDifference);
            tangent += Vectorized.Dot(difference, tPrediction.Slice(start, length));
        }

        return SquaredError(prediction, target);
    }

    /// <summary>(u − v)².</summary>
    private readonly struct SquaredDifference<T> : IBinaryOp<T>
        where T : unmanaged, INumber<T>
    {
        public T Invoke(T u, T v) => (u - v) * (u - v);

        public Vector<T> Invoke(Vector<T> u, Vector<T> v) => (u - v) * (u - v);

        public Vector512<T> Invoke(Vector512<T> u, Vector512<T> v) => (u - v) * (u - v);
    }

    /// <summary>factor·(u − v): the pullback's gradient, and the forward mode's scaled difference.</summary>
    private readonly struct ScaledDifference<T>(T factor) : IBinaryOp<T>
        where T : unmanaged, INumber<T>
    {
        public T Invoke(T u, T v) => factor * (u - v);

        public Vector<T> Invoke(Vector<T> u, Vector<T> v) => (u - v) * factor;

        public Vector512<T> Invoke(Vector512<T> u, Vector512<T> v) => (u - v) * factor;
    }

    /// <summary>scale·exp(u − logSumExp): the softmax of the row, scaled (v is ignored).</summary>
    private readonly struct ScaledSoftmax<T>(T logSumExp, T scale) : IBinaryOp<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Invoke(T u, T v) => scale * T.Exp(u - logSumExp);

        public Vector<T> Invoke(Vector<T> u, Vector<T> v) => VectorMath.Exp(u - new Vector<T>(logSumExp)) * scale;

        public Vector512<T> Invoke(Vector512<T> u, Vector512<T> v) => VectorMath.Exp(u - Vector512.Create(logSumExp)) * scale;
    }
}
