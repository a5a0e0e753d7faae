namespace SourceGrad.Tests.Catalogue;

/// <summary>
/// The lecture's examples: the two-weight ReLU loss, the sigmoid neuron, Multiply with a save_for_backward
/// rule, a two-layer ReLU MLP with softmax cross-entropy, and the inpainting loss.
/// </summary>
public static partial class LectureCatalogue
{
    /// <summary>L = 0.5 (w2 relu(w1 x) - y)^2 with relu as Math.Max(0, ·).</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Loss([NoGrad] double x, double w1, double w2, [NoGrad] double y)
    {
        double residual = w2 * Math.Max(0, w1 * x) - y;
        return 0.5 * residual * residual;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float LossF([NoGrad] float x, float w1, float w2, [NoGrad] float y) =>
        0.5f * MathF.Pow(w2 * MathF.Max(0, w1 * x) - y, 2);

    /// <summary>f = 1 / (1 + exp(-(w0 + w1 x1 + w2 x2))).</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Neuron(double w0, double w1, double w2, double x1, double x2) =>
        1 / (1 + Math.Exp(-(w0 + w1 * x1 + w2 * x2)));

    /// <summary>The lecture's Multiply: its backward uses the inputs saved at the call (save_for_backward).</summary>
    public static float Multiply(float a, float b) => a * b;

    [DerivativeOf(nameof(Multiply))]
    public static void MultiplyPullback(float a, float b, ref float dA, ref float dB, float dReturn)
    {
        dA += dReturn * b;
        dB += dReturn * a;
    }

    [TangentOf(nameof(Multiply))]
    public static float MultiplyPushforward(float a, float b, float tA, float tB, out float tangent)
    {
        tangent = tA * b + a * tB;
        return a * b;
    }

    /// <summary>The tangent of the rule (its second-order rule), for Hessian-vector products through Multiply.</summary>
    [TangentOf(nameof(MultiplyPullback))]
    public static void MultiplyPullbackTangent(float a, float b, ref float dA, ref float dB, float dReturn,
        float tA, float tB, ref float tDA, ref float tDB, float tDReturn)
    {
        tDA += tDReturn * b + dReturn * tB;
        tDB += tDReturn * a + dReturn * tA;
        MultiplyPullback(a, b, ref dA, ref dB, dReturn);
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float MultiplyChain(float a, float b, float c) => Multiply(Multiply(a, b), c) + MathF.Sin(Multiply(b, b));

    /// <summary>
    /// Mean softmax cross-entropy of a two-layer ReLU MLP over a batch: W1 is hidden×inputs, W2 classes×hidden,
    /// row-major. The hidden and logit buffers are reused (overwritten) for every sample.
    /// </summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float Mlp(
        ReadOnlySpan<float> w1,
        ReadOnlySpan<float> b1,
        ReadOnlySpan<float> w2,
        ReadOnlySpan<float> b2,
        [NoGrad] ReadOnlySpan<float> x,
        ReadOnlySpan<int> labels,
        int batch,
        int inputs,
        int hidden,
        int classes)
    {
        Span<float> h = stackalloc float[hidden];
        Span<float> logits = stackalloc float[classes];
        float loss = 0;
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < hidden; j++)
            {
                float z = b1[j];
                for (int k = 0; k < inputs; k++) z += w1[j * inputs + k] * x[b * inputs + k];
                h[j] = MathF.Max(0, z);
            }

            for (int c = 0; c < classes; c++)
            {
                float z = b2[c];
                for (int j = 0; j < hidden; j++) z += w2[c * hidden + j] * h[j];
                logits[c] = z;
            }

            float max = logits[0];
            for (int c = 1; c < classes; c++) max = MathF.Max(max, logits[c]);
            float sum = 0;
            for (int c = 0; c < classes; c++) sum += MathF.Exp(logits[c] - max);
            loss += MathF.Log(sum) + max - logits[labels[b]];
        }

        return loss / batch;
    }

    /// <summary>0.5 Σ_b ||y_b - W2 max(0, W1 x_b)||², W1 hidden×inputs, W2 outputs×hidden.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Inpainting(
        ReadOnlySpan<double> w1,
        ReadOnlySpan<double> w2,
        [NoGrad] ReadOnlySpan<double> x,
        [NoGrad] ReadOnlySpan<double> y,
        int batch,
        int inputs,
        int hidden,
        int outputs)
    {
        Span<double> h = stackalloc double[batch * hidden];
        double loss = 0;
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < hidden; j++)
            {
                double z = 0;
                for (int k = 0; k < inputs; k++) z += w1[j * inputs + k] * x[b * inputs + k];
                h[b * hidden + j] = Math.Max(0, z);
            }

            for (int o = 0; o < outputs; o++)
            {
                double prediction = 0;
                for (int j = 0; j < hidden; j++) prediction += w2[o * hidden + j] * h[b * hidden + j];
                double residual = y[b * outputs + o] - prediction;
                loss += residual * residual;
            }
        }

        return 0.5 * loss;
    }
}
