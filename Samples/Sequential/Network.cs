namespace SourceGrad.Samples.Sequential;

/// <summary>
/// One stage of a network: it maps a batch of <see cref="Inputs"/>-wide rows to <see cref="Outputs"/>-wide rows.
/// <see cref="Forward"/> keeps the layer's saved state (its generated <c>MSaved</c>) until <see cref="Backward"/> reads it.
/// </summary>
public interface ILayer
{
    int Inputs { get; }

    int Outputs { get; }

    string Name { get; }

    /// <summary>Training: the layer's <c>MForward</c>, keeping its saved state.</summary>
    void Forward(ReadOnlySpan<float> x, Span<float> y, int batch);

    /// <summary>Training: the layer's <c>MBackward</c>; <paramref name="dY"/> holds the upstream gradient, <paramref name="dX"/> (zeroed) gets x's.</summary>
    void Backward(ReadOnlySpan<float> x, Span<float> y, Span<float> dX, Span<float> dY, int batch);

    /// <summary>Inference: the plain method, which keeps nothing.</summary>
    void Infer(ReadOnlySpan<float> x, Span<float> y, int batch);

    /// <summary>Plain SGD on the layer's parameters, then their gradients zeroed.</summary>
    void Step(float learningRate);
}

/// <summary>A fully connected layer: its weights, biases and their gradients.</summary>
public sealed class DenseLayer : ILayer
{
    private readonly float[] _w, _b, _dW, _dB;
    private Layers.DenseSaved _saved;

    public DenseLayer(int inputs, int outputs, Random random)
    {
        Inputs = inputs;
        Outputs = outputs;
        _w = new float[inputs * outputs];
        _b = new float[outputs];
        _dW = new float[_w.Length];
        _dB = new float[outputs];
        float limit = MathF.Sqrt(6f / (inputs + outputs)); // Glorot uniform
        for (int i = 0; i < _w.Length; i++)
        {
            _w[i] = (float)(random.NextDouble() * 2 - 1) * limit;
        }
    }

    public int Inputs { get; }

    public int Outputs { get; }

    public string Name => $"Dense({Inputs} → {Outputs})";

    public void Forward(ReadOnlySpan<float> x, Span<float> y, int batch) => Layers.DenseForward(x, _w, _b, y, batch, Inputs, Outputs, out _saved);

    public void Backward(ReadOnlySpan<float> x, Span<float> y, Span<float> dX, Span<float> dY, int batch) =>
        Layers.DenseBackward(x, _w, _b, y, batch, Inputs, Outputs, ref _saved, dX, _dW, _dB, dY);

    public void Infer(ReadOnlySpan<float> x, Span<float> y, int batch) => Layers.Dense(x, _w, _b, y, batch, Inputs, Outputs);

    public void Step(float learningRate)
    {
        for (int i = 0; i < _w.Length; i++)
        {
            _w[i] -= learningRate * _dW[i];
        }

        for (int o = 0; o < _b.Length; o++)
        {
            _b[o] -= learningRate * _dB[o];
        }

        Array.Clear(_dW);
        Array.Clear(_dB);
    }
}

/// <summary>An element-wise activation, ReLU or tanh: no parameters.</summary>
public sealed class ActivationLayer(int width, bool tanh) : ILayer
{
    private Layers.ReluSaved _relu;
    private Layers.TanhSaved _tanh;

    public int Inputs => width;

    public int Outputs => width;

    public string Name => tanh ? "Tanh" : "ReLU";

    public void Forward(ReadOnlySpan<float> x, Span<float> y, int batch)
    {
        if (tanh)
        {
            Layers.TanhForward(x, y, out _tanh);
        }
        else
        {
            Layers.ReluForward(x, y, out _relu);
        }
    }

    public void Backward(ReadOnlySpan<float> x, Span<float> y, Span<float> dX, Span<float> dY, int batch)
    {
        if (tanh)
        {
            Layers.TanhBackward(x, y, ref _tanh, dX, dY);
        }
        else
        {
            Layers.ReluBackward(x, y, ref _relu, dX, dY);
        }
    }

    public void Infer(ReadOnlySpan<float> x, Span<float> y, int batch)
    {
        if (tanh)
        {
            Layers.Tanh(x, y);
        }
        else
        {
            Layers.Relu(x, y);
        }
    }

    public void Step(float learningRate)
    {
    }
}

/// <summary>
/// Layers composed at run time, like <c>nn.Sequential</c>: the forward pass runs each layer's generated <c>Forward</c>
/// into the next activation buffer, the loss's <c>Forward</c> and <c>Backward</c> give the gradient of the logits, and the
/// backward pass runs each layer's <c>Backward</c> from the last layer to the first. The activations and their
/// gradients are allocated once for the batch size, so a training step allocates nothing.
/// </summary>
public sealed class Network
{
    private readonly List<ILayer> _layers;
    private readonly float[][] _activations, _gradients;
    private readonly int _batch;
    private readonly int[] _labels;

    public Network(IEnumerable<ILayer> layers, int batch)
    {
        _layers = layers.ToList();
        _batch = batch;
        _labels = new int[batch];
        _activations = new float[_layers.Count + 1][];
        _gradients = new float[_layers.Count + 1][];
        _activations[0] = new float[batch * _layers[0].Inputs];
        _gradients[0] = new float[batch * _layers[0].Inputs];
        for (int l = 0; l < _layers.Count; l++)
        {
            _activations[l + 1] = new float[batch * _layers[l].Outputs];
            _gradients[l + 1] = new float[batch * _layers[l].Outputs];
        }
    }

    /// <summary>An MLP: <paramref name="depth"/> hidden layers of <paramref name="hidden"/> units with the activation, then a dense output layer.</summary>
    public static Network Mlp(int inputs, int hidden, int depth, int classes, bool tanh, int batch, int seed)
    {
        var random = new Random(seed);
        var layers = new List<ILayer>();
        int width = inputs;
        for (int d = 0; d < depth; d++)
        {
            layers.Add(new DenseLayer(width, hidden, random));
            layers.Add(new ActivationLayer(hidden, tanh));
            width = hidden;
        }

        layers.Add(new DenseLayer(width, classes, random));
        return new Network(layers, batch);
    }

    public IReadOnlyList<ILayer> Layers => _layers;

    public string Describe() => string.Join(" → ", _layers.Select(l => l.Name)) + " → SoftmaxCrossEntropy";

    /// <summary>One SGD step on the batch of images (row after row) and labels; returns the batch's mean loss.</summary>
    public float TrainStep(ReadOnlySpan<float> images, ReadOnlySpan<byte> labels, float learningRate)
    {
        images.CopyTo(_activations[0]);
        for (int n = 0; n < _batch; n++)
        {
            _labels[n] = labels[n];
        }

        for (int l = 0; l < _layers.Count; l++)
        {
            _layers[l].Forward(_activations[l], _activations[l + 1], _batch);
        }

        float[] logits = _activations[^1];
        int classes = _layers[^1].Outputs;
        float loss = Sequential.Layers.SoftmaxCrossEntropyForward(logits, _labels, _batch, classes, out Sequential.Layers.SoftmaxCrossEntropySaved saved);
        Array.Clear(_gradients[^1]);
        Sequential.Layers.SoftmaxCrossEntropyBackward(logits, _labels, _batch, classes, ref saved, _gradients[^1]);

        for (int l = _layers.Count - 1; l >= 0; l--)
        {
            Array.Clear(_gradients[l]);
            _layers[l].Backward(_activations[l], _activations[l + 1], _gradients[l], _gradients[l + 1], _batch);
        }

        foreach (ILayer layer in _layers)
        {
            layer.Step(learningRate);
        }

        return loss;
    }

    /// <summary>The share of <paramref name="count"/> images whose largest logit is their label's (inference: the plain methods).</summary>
    public double Accuracy(ReadOnlySpan<float> images, ReadOnlySpan<byte> labels, int count)
    {
        int inputs = _layers[0].Inputs, classes = _layers[^1].Outputs, correct = 0;
        for (int start = 0; start + _batch <= count; start += _batch)
        {
            images.Slice(start * inputs, _batch * inputs).CopyTo(_activations[0]);
            for (int l = 0; l < _layers.Count; l++)
            {
                _layers[l].Infer(_activations[l], _activations[l + 1], _batch);
            }

            for (int n = 0; n < _batch; n++)
            {
                ReadOnlySpan<float> row = _activations[^1].AsSpan(n * classes, classes);
                int best = 0;
                for (int c = 1; c < classes; c++)
                {
                    best = row[c] > row[best] ? c : best;
                }

                correct += best == labels[start + n] ? 1 : 0;
            }
        }

        return (double)correct / (count - count % _batch);
    }
}
