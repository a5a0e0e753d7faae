using System.Numerics.Tensors;

namespace SourceGrad.Benchmarks.Generated;

/// <summary>
/// A two-layer ReLU MLP with softmax cross-entropy, written as plain Span loops: the generator's own work,
/// with no runtime kernels. <see cref="LossGradient"/> is generated; <see cref="HandWrittenGradient"/> is
/// the adjoint a careful person writes by hand in scalar C#, and <see cref="HandWrittenVectorizedGradient"/> the same
/// adjoint vectorised by hand, for comparison.
/// </summary>
public static partial class LoopMlp
{
    [Differentiable(Tangent = true, HessianVector = true)]
    public static float Loss(
        ReadOnlySpan<float> w1, ReadOnlySpan<float> b1, ReadOnlySpan<float> w2, ReadOnlySpan<float> b2,
        [NoGrad] ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int batch, int inputs, int hidden, int classes)
    {
        Span<float> h = stackalloc float[hidden];
        Span<float> z = stackalloc float[classes];
        float loss = 0;
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < hidden; j++)
            {
                float s = b1[j];
                for (int k = 0; k < inputs; k++)
                {
                    s += w1[j * inputs + k] * x[b * inputs + k];
                }

                h[j] = s > 0 ? s : 0;
            }

            float max = float.MinValue;
            for (int c = 0; c < classes; c++)
            {
                float s = b2[c];
                for (int j = 0; j < hidden; j++)
                {
                    s += w2[c * hidden + j] * h[j];
                }

                z[c] = s;
                max = MathF.Max(max, s);
            }

            float sum = 0;
            for (int c = 0; c < classes; c++)
            {
                sum += MathF.Exp(z[c] - max);
            }

            loss += MathF.Log(sum) + max - z[labels[b]];
        }

        return loss / batch;
    }

    /// <summary>
    /// The same gradient written by hand, one sample at a time: forward keeps h and the softmax, backward reuses them;
    /// row slices throughout, and the weight rows of units the ReLU switched off are skipped.
    /// </summary>
    public static float HandWrittenGradient(
        ReadOnlySpan<float> w1, ReadOnlySpan<float> b1, ReadOnlySpan<float> w2, ReadOnlySpan<float> b2,
        ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int batch, int inputs, int hidden, int classes,
        Span<float> dW1, Span<float> dB1, Span<float> dW2, Span<float> dB2)
    {
        Span<float> h = stackalloc float[hidden];
        Span<float> dH = stackalloc float[hidden];
        Span<float> p = stackalloc float[classes];
        float loss = 0;
        float scale = 1f / batch;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> xb = x.Slice(b * inputs, inputs);
            for (int j = 0; j < hidden; j++)
            {
                float s = b1[j];
                ReadOnlySpan<float> row = w1.Slice(j * inputs, inputs);
                for (int k = 0; k < inputs; k++)
                {
                    s += row[k] * xb[k];
                }

                h[j] = s > 0 ? s : 0;
            }

            float max = float.MinValue;
            for (int c = 0; c < classes; c++)
            {
                float s = b2[c];
                ReadOnlySpan<float> row = w2.Slice(c * hidden, hidden);
                for (int j = 0; j < hidden; j++)
                {
                    s += row[j] * h[j];
                }

                p[c] = s;
                max = MathF.Max(max, s);
            }

            int label = labels[b];
            loss += CrossEntropy(p, max, label, out float sum);

            // Backward: dz = (softmax - onehot) / batch.
            float softmaxScale = scale / sum;
            dH.Clear();
            for (int c = 0; c < classes; c++)
            {
                float dz = p[c] * softmaxScale - (c == label ? scale : 0);
                dB2[c] += dz;
                Span<float> dRow = dW2.Slice(c * hidden, hidden);
                ReadOnlySpan<float> row = w2.Slice(c * hidden, hidden);
                for (int j = 0; j < hidden; j++)
                {
                    dRow[j] += dz * h[j];
                    dH[j] += dz * row[j];
                }
            }

            for (int j = 0; j < hidden; j++)
            {
                if (h[j] <= 0)
                {
                    continue;
                }

                float ds = dH[j];
                dB1[j] += ds;
                Span<float> dRow = dW1.Slice(j * inputs, inputs);
                for (int k = 0; k < inputs; k++)
                {
                    dRow[k] += ds * xb[k];
                }
            }
        }

        return loss / batch;
    }

    /// <summary>
    /// <see cref="HandWrittenGradient"/> vectorised by hand with TensorPrimitives: the dot products of the forward pass
    /// and the multiply-adds of the backward pass, row by row; the ten-class softmax stays scalar.
    /// </summary>
    public static float HandWrittenVectorizedGradient(
        ReadOnlySpan<float> w1, ReadOnlySpan<float> b1, ReadOnlySpan<float> w2, ReadOnlySpan<float> b2,
        ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int batch, int inputs, int hidden, int classes,
        Span<float> dW1, Span<float> dB1, Span<float> dW2, Span<float> dB2)
    {
        Span<float> h = stackalloc float[hidden];
        Span<float> dH = stackalloc float[hidden];
        Span<float> p = stackalloc float[classes];
        float loss = 0;
        float scale = 1f / batch;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> xb = x.Slice(b * inputs, inputs);
            for (int j = 0; j < hidden; j++)
            {
                float s = b1[j] + TensorPrimitives.Dot(w1.Slice(j * inputs, inputs), xb);
                h[j] = s > 0 ? s : 0;
            }

            float max = float.MinValue;
            for (int c = 0; c < classes; c++)
            {
                float s = b2[c] + TensorPrimitives.Dot(w2.Slice(c * hidden, hidden), h);
                p[c] = s;
                max = MathF.Max(max, s);
            }

            int label = labels[b];
            loss += CrossEntropy(p, max, label, out float sum);

            float softmaxScale = scale / sum;
            dH.Clear();
            for (int c = 0; c < classes; c++)
            {
                float dz = p[c] * softmaxScale - (c == label ? scale : 0);
                dB2[c] += dz;
                Span<float> dRow = dW2.Slice(c * hidden, hidden);
                TensorPrimitives.MultiplyAdd(h, dz, dRow, dRow);
                TensorPrimitives.MultiplyAdd(w2.Slice(c * hidden, hidden), dz, dH, dH);
            }

            for (int j = 0; j < hidden; j++)
            {
                if (h[j] <= 0)
                {
                    continue;
                }

                dB1[j] += dH[j];
                Span<float> dRow = dW1.Slice(j * inputs, inputs);
                TensorPrimitives.MultiplyAdd(xb, dH[j], dRow, dRow);
            }
        }

        return loss / batch;
    }

    /// <summary>
    /// One sample's softmax cross-entropy, log Σ exp(z) − z[label], from its logits z in <paramref name="p"/> and their
    /// maximum; leaves exp(z − max) in <paramref name="p"/> and their sum in <paramref name="sum"/> for the backward pass.
    /// </summary>
    private static float CrossEntropy(Span<float> p, float max, int label, out float sum)
    {
        float labelLogit = p[label];
        sum = 0;
        for (int c = 0; c < p.Length; c++)
        {
            p[c] = MathF.Exp(p[c] - max);
            sum += p[c];
        }

        return MathF.Log(sum) + max - labelLogit;
    }
}
