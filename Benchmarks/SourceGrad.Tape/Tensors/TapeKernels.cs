using System.Numerics;
using System.Runtime.InteropServices;

namespace SourceGrad.Tape;

/// <summary>
/// The numeric loops of the tensor tape, behind the signatures of the runtime kernels (COMMON.md: Linalg,
/// Activations, Losses). These are the tape's own vectorised loops until Runtime/Kernels lands on main; then
/// each forward kernel here forwards to the runtime's, so the tape and the generated gradients run the same
/// arithmetic and a benchmark measures only what the tape adds.
/// </summary>
internal static class TapeKernels
{
    /// <summary>C(m×n) = op(A)·op(B); op(A) is m×k (A stored k×m when transposed), op(B) k×n (stored n×k).</summary>
    public static void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        bool transposeA = false, bool transposeB = false)
    {
        c[..(m * n)].Clear();
        MatMulAdd(a, b, c, m, k, n, transposeA, transposeB);
    }

    /// <summary>C(m×n) += op(A)·op(B).</summary>
    public static void MatMulAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        bool transposeA = false, bool transposeB = false)
    {
        if (!transposeB)
        {
            // Row i of C += op(A)[i, p] · row p of B: contiguous rows, vectorised along n.
            for (int i = 0; i < m; i++)
            {
                Span<float> cRow = c.Slice(i * n, n);
                for (int p = 0; p < k; p++)
                {
                    float aip = transposeA ? a[p * m + i] : a[i * k + p];
                    MultiplyAdd(aip, b.Slice(p * n, n), cRow);
                }
            }
        }
        else if (!transposeA)
        {
            // C[i, j] += row i of A · row j of B (B stored n×k): two contiguous rows.
            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<float> aRow = a.Slice(i * k, k);
                for (int j = 0; j < n; j++)
                {
                    c[i * n + j] += Dot(aRow, b.Slice(j * k, k));
                }
            }
        }
        else
        {
            // Both transposed: C[i, j] += Σp A[p, i] · B[j, p]; no caller of the tape needs this to be fast.
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    float sum = 0;
                    for (int p = 0; p < k; p++)
                    {
                        sum += a[p * m + i] * b[j * k + p];
                    }

                    c[i * n + j] += sum;
                }
            }
        }
    }

    /// <summary>y[r, c] += bias[c], in place.</summary>
    public static void AddBias(Span<float> y, ReadOnlySpan<float> bias, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            Add(bias, y.Slice(r * cols, cols));
        }
    }

    /// <summary>dBias[c] += Σr dY[r, c].</summary>
    public static void SumRows(ReadOnlySpan<float> dY, Span<float> dBias, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            Add(dY.Slice(r * cols, cols), dBias);
        }
    }

    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> xs = MemoryMarshal.Cast<float, Vector<float>>(x);
            Span<Vector<float>> ys = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (int v = 0; v < xs.Length; v++)
            {
                ys[v] = Vector.Max(xs[v], Vector<float>.Zero);
            }

            i = xs.Length * Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            y[i] = MathF.Max(x[i], 0);
        }
    }

    /// <summary>dX += dY · [y > 0].</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dY, Span<float> dX)
    {
        for (int i = 0; i < y.Length; i++)
        {
            dX[i] += y[i] > 0 ? dY[i] : 0;
        }
    }

    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = 1 / (1 + MathF.Exp(-x[i]));
        }
    }

    /// <summary>dX += dY · y(1 − y).</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dY, Span<float> dX)
    {
        for (int i = 0; i < y.Length; i++)
        {
            dX[i] += dY[i] * y[i] * (1 - y[i]);
        }
    }

    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = MathF.Tanh(x[i]);
        }
    }

    /// <summary>dX += dY · (1 − y²).</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dY, Span<float> dX)
    {
        for (int i = 0; i < y.Length; i++)
        {
            dX[i] += dY[i] * (1 - y[i] * y[i]);
        }
    }

    /// <summary>
    /// Mean over the batch of −log softmax(logits)[label]; writes the row-wise softmax into
    /// <paramref name="probabilities"/>, which is all the backward pass needs.
    /// </summary>
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int batch, int classes,
        Span<float> probabilities)
    {
        double loss = 0;
        for (int r = 0; r < batch; r++)
        {
            ReadOnlySpan<float> row = logits.Slice(r * classes, classes);
            Span<float> p = probabilities.Slice(r * classes, classes);
            float max = float.NegativeInfinity;
            foreach (float value in row)
            {
                max = MathF.Max(max, value);
            }

            float sum = 0;
            for (int c = 0; c < classes; c++)
            {
                p[c] = MathF.Exp(row[c] - max);
                sum += p[c];
            }

            float inverse = 1 / sum;
            for (int c = 0; c < classes; c++)
            {
                p[c] *= inverse;
            }

            // −log p[label] = log Σ e^(z − max) − (z[label] − max)
            loss += MathF.Log(sum) - (row[labels[r]] - max);
        }

        return (float)(loss / batch);
    }

    /// <summary>dLogits += dLoss/batch · (softmax − onehot(label)).</summary>
    public static void SoftmaxCrossEntropyBackward(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels,
        int batch, int classes, float dLoss, Span<float> dLogits)
    {
        float scale = dLoss / batch;
        for (int r = 0; r < batch; r++)
        {
            ReadOnlySpan<float> p = probabilities.Slice(r * classes, classes);
            Span<float> d = dLogits.Slice(r * classes, classes);
            for (int c = 0; c < classes; c++)
            {
                d[c] += scale * p[c];
            }

            d[labels[r]] -= scale;
        }
    }

    public static float MeanSquaredError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target)
    {
        double sum = 0;
        for (int i = 0; i < prediction.Length; i++)
        {
            float difference = prediction[i] - target[i];
            sum += difference * difference;
        }

        return (float)(sum / prediction.Length);
    }

    /// <summary>dPrediction += dLoss · 2(prediction − target)/n.</summary>
    public static void MeanSquaredErrorBackward(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, float dLoss,
        Span<float> dPrediction)
    {
        float scale = 2 * dLoss / prediction.Length;
        for (int i = 0; i < prediction.Length; i++)
        {
            dPrediction[i] += scale * (prediction[i] - target[i]);
        }
    }

    public static float Sum(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float value in x)
        {
            sum += value;
        }

        return (float)sum;
    }

    /// <summary>y[i] += value.</summary>
    public static void AddScalar(float value, Span<float> y)
    {
        for (int i = 0; i < y.Length; i++)
        {
            y[i] += value;
        }
    }

    /// <summary>y += x.</summary>
    public static void Add(ReadOnlySpan<float> x, Span<float> y) => MultiplyAdd(1, x, y);

    /// <summary>y += alpha · x.</summary>
    public static void MultiplyAdd(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> xs = MemoryMarshal.Cast<float, Vector<float>>(x);
            Span<Vector<float>> ys = MemoryMarshal.Cast<float, Vector<float>>(y[..x.Length]);
            var a = new Vector<float>(alpha);
            for (int v = 0; v < xs.Length; v++)
            {
                ys[v] = Vector.FusedMultiplyAdd(a, xs[v], ys[v]);
            }

            i = xs.Length * Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            y[i] = MathF.FusedMultiplyAdd(alpha, x[i], y[i]);
        }
    }

    /// <summary>z += x ⊙ y.</summary>
    public static void MultiplyElementwiseAdd(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z)
    {
        for (int i = 0; i < x.Length; i++)
        {
            z[i] = MathF.FusedMultiplyAdd(x[i], y[i], z[i]);
        }
    }

    /// <summary>Σ x ⊙ y.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int i = 0;
        float sum = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> xs = MemoryMarshal.Cast<float, Vector<float>>(x);
            ReadOnlySpan<Vector<float>> ys = MemoryMarshal.Cast<float, Vector<float>>(y[..x.Length]);
            Vector<float> acc = Vector<float>.Zero;
            for (int v = 0; v < xs.Length; v++)
            {
                acc = Vector.FusedMultiplyAdd(xs[v], ys[v], acc);
            }

            sum = Vector.Sum(acc);
            i = xs.Length * Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            sum = MathF.FusedMultiplyAdd(x[i], y[i], sum);
        }

        return sum;
    }
}
