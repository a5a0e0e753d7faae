namespace SourceGrad.Samples.Digits.Models;

/// <summary>
/// The lecture's linear classifier f(x) = W·x + b: one row of W per class, so each row is a 28×28 "template" the
/// image is compared with. Trained with softmax cross-entropy through the generated <c>LossGradient</c>.
/// </summary>
internal sealed partial class LinearClassifier : IClassifier, IShardedTrainable
{
    public const string ModelKind = "linear";

    private readonly Parameter _w;
    private readonly Parameter _b;
    private float[] _batchImages = [];
    private int[] _batchLabels = [];

    public LinearClassifier(int inputs = Data.MnistDataSet.PixelsPerImage, int classes = Data.MnistDataSet.ClassCount)
    {
        Inputs = inputs;
        Classes = classes;
        _w = Parameters.Add("w", classes, inputs);
        _b = Parameters.Add("b", classes);
    }

    public string Kind => ModelKind;

    public ParameterSet Parameters { get; } = new();

    public string Architecture => $"{Inputs}-{Classes}";

    public int Inputs { get; }

    public int Classes { get; }

    /// <summary>W (classes × inputs), row c is the template of class c.</summary>
    public Parameter Weights => _w;

    /// <summary>
    /// All zeros: the loss is convex in W and b, so zero is a fine start, and a pixel that is blank in every digit keeps
    /// weight 0, so the template pictures show only what training put there. (<paramref name="random"/> is not needed.)
    /// </summary>
    public void Initialize(SeededRandom random)
    {
        Array.Clear(_w.Value);
        Array.Clear(_b.Value);
    }

    public float ComputeGradient(ReadOnlySpan<float> images, ReadOnlySpan<int> labels, int count)
    {
        Parameters.ZeroGradients();
        return LossGradient(_w.Value, _b.Value, images[..(count * Inputs)], labels[..count], count, Inputs, Classes, _w.Gradient, _b.Gradient);
    }

    public void UseBatch(float[] images, int[] labels) => (_batchImages, _batchLabels) = (images, labels);

    public float ComputeShardGradient(DataShard shard) =>
        LossGradient(
            _w.Value, _b.Value, _batchImages.AsSpan(shard.Start * Inputs, shard.Count * Inputs), _batchLabels.AsSpan(shard.Start, shard.Count),
            shard.Count, Inputs, Classes, shard.Gradient(_w), shard.Gradient(_b), shard.Seed);

    public void ComputeLogits(ReadOnlySpan<float> images, int count, Span<float> logits) =>
        Logits(_w.Value, _b.Value, images[..(count * Inputs)], logits[..(count * Classes)], count, Inputs, Classes);

    /// <summary>logits = X·Wᵀ + b for a batch of images X (batch × inputs); W is classes × inputs.</summary>
    [Differentiable]
    public static void Logits(ReadOnlySpan<float> w, ReadOnlySpan<float> b, [NoGrad] ReadOnlySpan<float> images, Span<float> logits, int batch, int inputs, int classes)
    {
        Linalg.MatMul(images, w, logits, batch, inputs, classes, false, true);
        Linalg.AddBias(logits, b, batch, classes);
    }

    /// <summary>The mean softmax cross-entropy of the batch.</summary>
    [Differentiable]
    public static float Loss(ReadOnlySpan<float> w, ReadOnlySpan<float> b, [NoGrad] ReadOnlySpan<float> images, [NoGrad] ReadOnlySpan<int> labels, int batch, int inputs, int classes)
    {
        float[] logits = new float[batch * classes];
        Logits(w, b, images, logits, batch, inputs, classes);
        return Losses.SoftmaxCrossEntropy(logits, labels, batch, classes);
    }
}
