namespace SourceGrad.Samples.NewtonCG;

/// <summary>
/// The two functions the sample minimises, written as plain loops over spans. The generator writes their
/// <c>…Gradient</c> and their <c>…HessianVector</c> (forward over reverse) at build time.
/// </summary>
internal static partial class Objectives
{
    /// <summary>The n-dimensional Rosenbrock function Σᵢ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², minimal (0) at (1, …, 1).</summary>
    [Differentiable(HessianVector = true)]
    public static float Rosenbrock(ReadOnlySpan<float> x)
    {
        float total = 0;
        for (int i = 0; i + 1 < x.Length; i++)
        {
            float valley = x[i + 1] - x[i] * x[i];
            float offset = 1 - x[i];
            total += 100 * valley * valley + offset * offset;
        }

        return total;
    }

    /// <summary>
    /// Multinomial logistic regression: the mean softmax cross-entropy of the logits z = W·x + b over <paramref name="count"/>
    /// images, plus ½·l2·‖W‖². W is classes × inputs, row c the weights of class c. Convex, and strictly so with l2 &gt; 0.
    /// </summary>
    [Differentiable(HessianVector = true)]
    public static float SoftmaxRegressionLoss(
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, [NoGrad] ReadOnlySpan<float> images, [NoGrad] ReadOnlySpan<int> labels,
        int count, int inputs, int classes, [NoGrad] float l2)
    {
        Span<float> logits = stackalloc float[classes];
        float total = 0;
        for (int i = 0; i < count; i++)
        {
            float largest = float.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                float z = bias[c];
                for (int j = 0; j < inputs; j++)
                {
                    z += weights[c * inputs + j] * images[i * inputs + j];
                }

                logits[c] = z;
                largest = MathF.Max(largest, z);
            }

            // log Σ exp(z) shifted by the largest logit, so no exponential overflows.
            float sum = 0;
            for (int c = 0; c < classes; c++)
            {
                sum += MathF.Exp(logits[c] - largest);
            }

            total += largest + MathF.Log(sum) - logits[labels[i]];
        }

        float squaredNorm = 0;
        for (int k = 0; k < weights.Length; k++)
        {
            squaredNorm += weights[k] * weights[k];
        }

        return total / count + 0.5f * l2 * squaredNorm;
    }
}
