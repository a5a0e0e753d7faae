namespace SourceGrad.Samples.Sequential;

/// <summary>
/// The layer library: each layer is one <c>[Differentiable(Split = true)]</c> method over a batch, so the generator
/// writes its <c>Forward</c> (which keeps what its backward pass reads in a saved state) and its <c>Backward</c>. A
/// network composes them at run time (<see cref="Network"/>), the way <c>nn.Sequential</c> composes modules.
/// </summary>
public static partial class Layers
{
    /// <summary>y = W x + b for each of <paramref name="batch"/> rows; W is row-major (outputs × inputs).</summary>
    [Differentiable(Split = true)]
    public static void Dense(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, int batch, int inputs, int outputs)
    {
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < outputs; o++)
            {
                float sum = b[o];
                for (int i = 0; i < inputs; i++)
                {
                    sum += w[o * inputs + i] * x[n * inputs + i];
                }

                y[n * outputs + o] = sum;
            }
        }
    }

    /// <summary>y = max(0, x), element by element.</summary>
    [Differentiable(Split = true)]
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i] > 0 ? x[i] : 0;
        }
    }

    /// <summary>y = tanh(x), element by element.</summary>
    [Differentiable(Split = true)]
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = MathF.Tanh(x[i]);
        }
    }

    /// <summary>The mean over the batch of softmax cross-entropy: log Σ exp(logits) − the label's logit, per row.</summary>
    [Differentiable(Split = true)]
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int batch, int classes)
    {
        float total = 0;
        for (int n = 0; n < batch; n++)
        {
            float max = logits[n * classes];
            for (int c = 1; c < classes; c++)
            {
                max = MathF.Max(max, logits[n * classes + c]);
            }

            float sum = 0;
            for (int c = 0; c < classes; c++)
            {
                sum += MathF.Exp(logits[n * classes + c] - max);
            }

            total += MathF.Log(sum) + max - logits[n * classes + labels[n]];
        }

        return total / batch;
    }
}
