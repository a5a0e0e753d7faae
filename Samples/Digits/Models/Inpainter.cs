namespace SourceGrad.Samples.Digits.Models;

/// <summary>
/// The lecture's inpainting network: a masked digit x goes through a two-layer network,
/// f(x) = sigmoid(W2·relu(W1·x + b1) + b2), which predicts the whole digit y; the loss is ½‖y − f(x)‖² per image,
/// averaged over the batch. The input x is the masked pixels followed by the mask (see <see cref="MaskedDigits"/>);
/// the sigmoid keeps the prediction in the pixels' range [0, 1].
/// </summary>
internal sealed partial class Inpainter : ITrainable
{
    public const string ModelKind = "inpaint";

    private readonly Parameter _w1, _b1, _w2, _b2;
    private readonly MaskGenerator _trainingMasks;
    private MaskedDigits _batch = MaskedDigits.WithCapacity(0);

    /// <param name="hidden">The number of hidden ReLU units.</param>
    /// <param name="trainingMasks">Makes a fresh mask for every training image each time it is seen.</param>
    public Inpainter(int hidden, MaskGenerator trainingMasks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        ArgumentNullException.ThrowIfNull(trainingMasks);
        Hidden = hidden;
        _trainingMasks = trainingMasks;
        _w1 = Parameters.Add("w1", hidden, Inputs);
        _b1 = Parameters.Add("b1", hidden);
        _w2 = Parameters.Add("w2", Pixels, hidden);
        _b2 = Parameters.Add("b2", Pixels);
    }

    public string Kind => ModelKind;

    public ParameterSet Parameters { get; } = new();

    public string Architecture => $"{Inputs}-{Hidden}-{Pixels}";

    /// <summary>Network inputs per image: the masked pixels and the mask.</summary>
    public int Inputs => MaskedDigits.InputsPerImage;

    /// <summary>Predicted pixels per image.</summary>
    public int Pixels => Data.MnistDataSet.PixelsPerImage;

    public int Hidden { get; }

    /// <summary>He initialisation for the ReLU layer, Xavier for the output layer, zero biases.</summary>
    public void Initialize(SeededRandom random)
    {
        Init.HeNormal(_w1.Value, Inputs, Hidden, random);
        Init.XavierUniform(_w2.Value, Hidden, Pixels, random);
    }

    /// <summary>Masks the images (fresh masks from the training generator), then runs the generated gradient against the unmasked images.</summary>
    public float ComputeGradient(ReadOnlySpan<float> images, ReadOnlySpan<int> labels, int count)
    {
        if (_batch.Visible.Length < count * Pixels)
            _batch = MaskedDigits.WithCapacity(count);
        _batch.Mask(images, count, _trainingMasks);

        Parameters.ZeroGradients();
        return LossGradient(
            _w1.Value, _b1.Value, _w2.Value, _b2.Value, _batch.NetworkInput.AsSpan(0, count * Inputs), images[..(count * Pixels)], count, Inputs, Pixels, Hidden,
            _w1.Gradient, _b1.Gradient, _w2.Gradient, _b2.Gradient);
    }

    /// <summary>The predicted digits for the first <paramref name="count"/> network inputs (see <see cref="MaskedDigits.NetworkInput"/>).</summary>
    public void Predict(ReadOnlySpan<float> input, int count, Span<float> prediction)
    {
        var output = new float[count * Pixels];
        Mlp.Logits(_w1.Value, _b1.Value, _w2.Value, _b2.Value, input[..(count * Inputs)], output, count, Inputs, Hidden, Pixels);
        Activations.Sigmoid(output, prediction[..(count * Pixels)]);
    }

    /// <summary>
    /// ½‖y − f(x)‖² averaged over the batch, where f(x) = sigmoid(relu(X·W1ᵀ + b1)·W2ᵀ + b2) is the two-layer network of
    /// <see cref="Mlp.Logits"/> with one output per pixel. The mean squared error is the mean over batch × pixels
    /// elements, so ½ · pixels · MSE is the per-image ½‖y − f(x)‖² averaged over the batch.
    /// </summary>
    [Differentiable]
    public static float Loss(
        ReadOnlySpan<float> w1, ReadOnlySpan<float> b1, ReadOnlySpan<float> w2, ReadOnlySpan<float> b2,
        [NoGrad] ReadOnlySpan<float> input, [NoGrad] ReadOnlySpan<float> targets, int batch, int inputs, int pixels, int hidden)
    {
        float[] output = new float[batch * pixels];
        Mlp.Logits(w1, b1, w2, b2, input, output, batch, inputs, hidden, pixels);
        float[] prediction = new float[batch * pixels];
        Activations.Sigmoid(output, prediction);
        return 0.5f * pixels * Losses.MeanSquaredError(prediction, targets);
    }
}
