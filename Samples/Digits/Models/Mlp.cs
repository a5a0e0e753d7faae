namespace SourceGrad.Samples.Digits.Models;

/// <summary>
/// The lecture's two-layer network: logits = W2·relu(W1·x + b1) + b2, with <see cref="Hidden"/> ReLU units, trained with
/// softmax cross-entropy through the generated <c>LossGradient</c>. The layers are runtime kernels (matrix product, bias,
/// ReLU), whose derivative rules the generated code calls.
/// </summary>
internal sealed partial class Mlp : IClassifier, IShardedTrainable
{
    public const string ModelKind = "mlp";

    private readonly Parameter _w1, _b1, _w2, _b2;
    private float[] _batchImages = [];
    private int[] _batchLabels = [];

    public Mlp(int hidden, int inputs = Data.MnistDataSet.PixelsPerImage, int classes = Data.MnistDataSet.ClassCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        Inputs = inputs;
        Hidden = hidden;
        Classes = classes;
        _w1 = Parameters.Add("w1", hidden, inputs);
        _b1 = Parameters.Add("b1", hidden);
        _w2 = Parameters.Add("w2", classes, hidden);
        _b2 = Parameters.Add("b2", classes);
    }

    public string Kind => ModelKind;

    public ParameterSet Parameters { get; } = new();

    public string Architecture => $"{Inputs}-{Hidden}-{Classes}";

    public int Inputs { get; }

    public int Hidden { get; }

    public int Classes { get; }

    /// <summary>He initialisation for the ReLU layer, Xavier for the output layer, zero biases.</summary>
    public void Initialize(SeededRandom random)
    {
        Init.HeNormal(_w1.Value, Inputs, Hidden, random);
        Init.XavierUniform(_w2.Value, Hidden, Classes, random);
    }

    public float ComputeGradient(ReadOnlySpan<float> images, ReadOnlySpan<int> labels, int count)
    {
        Parameters.ZeroGradients();
        return LossGradient(
            _w1.Value, _b1.Value, _w2.Value, _b2.Value, images[..(count * Inputs)], labels[..count], count, Inputs, Hidden, Classes,
            _w1.Gradient, _b1.Gradient, _w2.Gradient, _b2.Gradient);
    }

    public void UseBatch(float[] images, int[] labels) => (_batchImages, _batchLabels) = (images, labels);

    public float ComputeShardGradient(DataShard shard) =>
        LossGradient(
            _w1.Value, _b1.Value, _w2.Value, _b2.Value, _batchImages.AsSpan(shard.Start * Inputs, shard.Count * Inputs),
            _batchLabels.AsSpan(shard.Start, shard.Count), shard.Count, Inputs, Hidden, Classes,
            shard.Gradient(_w1), shard.Gradient(_b1), shard.Gradient(_w2), shard.Gradient(_b2), shard.Seed);

    public void ComputeLogits(ReadOnlySpan<float> images, int count, Span<float> logits) =>
        Logits(_w1.Value, _b1.Value, _w2.Value, _b2.Value, images[..(count * Inputs)], logits[..(count * Classes)], count, Inputs, Hidden, Classes);

    /// <summary>
    /// The two-layer network: logits = relu(X·W1ᵀ + b1)·W2ᵀ + b2 for a batch X (batch × inputs); W1 is hidden × inputs,
    /// W2 outputs × hidden. (The inpainting network uses it too, with one output per pixel.)
    /// </summary>
    [Differentiable]
    public static void Logits(
        ReadOnlySpan<float> w1, ReadOnlySpan<float> b1, ReadOnlySpan<float> w2, ReadOnlySpan<float> b2,
        [NoGrad] ReadOnlySpan<float> images, Span<float> logits, int batch, int inputs, int hidden, int classes)
    {
        float[] preActivation = new float[batch * hidden];
        Linalg.MatMul(images, w1, preActivation, batch, inputs, hidden, false, true);
        Linalg.AddBias(preActivation, b1, batch, hidden);
        float[] activation = new float[batch * hidden];
        Activations.Relu(preActivation, activation);
        Linalg.MatMul(activation, w2, logits, batch, hidden, classes, false, true);
        Linalg.AddBias(logits, b2, batch, classes);
    }

    /// <summary>The mean softmax cross-entropy of the batch.</summary>
    [Differentiable]
    public static float Loss(
        ReadOnlySpan<float> w1, ReadOnlySpan<float> b1, ReadOnlySpan<float> w2, ReadOnlySpan<float> b2,
        [NoGrad] ReadOnlySpan<float> images, [NoGrad] ReadOnlySpan<int> labels, int batch, int inputs, int hidden, int classes)
    {
        float[] logits = new float[batch * classes];
        Logits(w1, b1, w2, b2, images, logits, batch, inputs, hidden, classes);
        return Losses.SoftmaxCrossEntropy(logits, labels, batch, classes);
    }
}
