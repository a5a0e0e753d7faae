// A STAND-IN, to be deleted when the generator emits [Differentiable(HessianVector = true)] (issue 16).
//
// These are the methods the generator will write for Objectives.Rosenbrock and Objectives.SoftmaxRegressionLoss, by hand,
// with exactly the contract's signature: R MHessianVector(p1, …, pn, <one direction vX per active parameter>,
// <the gradient adjoints dX as in MGradient>, <one Hv adjoint hvX per active parameter>); they return the value, add the
// gradient into dX and add H·v into hvX. The rest of the sample calls only these names, so switching is: delete this
// file and add HessianVector = true to the two [Differentiable] attributes in Objectives.cs.
// Tests/SourceGrad.Tests/Samples/NewtonCgSampleTests.cs checks them against finite differences of the generated gradients.

using System.Numerics.Tensors;

namespace SourceGrad.Samples.NewtonCG;

internal static partial class Objectives
{
    /// <summary>Rosenbrock's value; adds its gradient into <paramref name="dX"/> and its Hessian times <paramref name="vX"/> into <paramref name="hvX"/>.</summary>
    public static float RosenbrockHessianVector(ReadOnlySpan<float> x, ReadOnlySpan<float> vX, Span<float> dX, Span<float> hvX)
    {
        float total = 0;
        for (int i = 0; i + 1 < x.Length; i++)
        {
            float valley = x[i + 1] - x[i] * x[i];
            float offset = 1 - x[i];
            total += 100 * valley * valley + offset * offset;
            dX[i] += -400 * x[i] * valley - 2 * offset;
            dX[i + 1] += 200 * valley;
            // The term's Hessian block: [[1200xᵢ² − 400xᵢ₊₁ + 2, −400xᵢ], [−400xᵢ, 200]].
            float diagonal = 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
            float offDiagonal = -400 * x[i];
            hvX[i] += diagonal * vX[i] + offDiagonal * vX[i + 1];
            hvX[i + 1] += offDiagonal * vX[i] + 200 * vX[i + 1];
        }

        return total;
    }

    /// <summary>
    /// The softmax regression loss; adds its gradient into (<paramref name="dWeights"/>, <paramref name="dBias"/>) and its
    /// Hessian times the direction (<paramref name="vWeights"/>, <paramref name="vBias"/>) into (<paramref name="hvWeights"/>,
    /// <paramref name="hvBias"/>). Per image, with p = softmax(z) and u = vW·x + vb the logits' derivative along the direction,
    /// the logits' Hessian times u is p ⊙ (u − pᵀu); the chain rule carries it to W and b like the gradient p − onehot(y).
    /// </summary>
    public static float SoftmaxRegressionLossHessianVector(
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> images, ReadOnlySpan<int> labels,
        int count, int inputs, int classes, float l2,
        ReadOnlySpan<float> vWeights, ReadOnlySpan<float> vBias,
        Span<float> dWeights, Span<float> dBias,
        Span<float> hvWeights, Span<float> hvBias)
    {
        Span<float> logits = stackalloc float[classes];
        Span<float> probabilities = stackalloc float[classes];
        Span<float> logitTangents = stackalloc float[classes];
        float total = 0;
        float perImage = 1f / count;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> image = images.Slice(i * inputs, inputs);
            float largest = float.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                // Vectorised like the generated gradient's dot-product loops, so the two cost what they would generated.
                float z = bias[c] + TensorPrimitives.Dot(weights.Slice(c * inputs, inputs), image);
                logits[c] = z;
                logitTangents[c] = vBias[c] + TensorPrimitives.Dot(vWeights.Slice(c * inputs, inputs), image);
                largest = MathF.Max(largest, z);
            }

            float sum = 0;
            for (int c = 0; c < classes; c++)
            {
                probabilities[c] = MathF.Exp(logits[c] - largest);
                sum += probabilities[c];
            }

            total += largest + MathF.Log(sum) - logits[labels[i]];
            float expectedTangent = 0;
            for (int c = 0; c < classes; c++)
            {
                probabilities[c] /= sum;
                expectedTangent += probabilities[c] * logitTangents[c];
            }

            for (int c = 0; c < classes; c++)
            {
                float gradientOfLogit = (probabilities[c] - (c == labels[i] ? 1 : 0)) * perImage;
                float hessianVectorOfLogit = probabilities[c] * (logitTangents[c] - expectedTangent) * perImage;
                dBias[c] += gradientOfLogit;
                hvBias[c] += hessianVectorOfLogit;
                Span<float> dRow = dWeights.Slice(c * inputs, inputs), hvRow = hvWeights.Slice(c * inputs, inputs);
                TensorPrimitives.MultiplyAdd(image, gradientOfLogit, dRow, dRow);
                TensorPrimitives.MultiplyAdd(image, hessianVectorOfLogit, hvRow, hvRow);
            }
        }

        float squaredNorm = 0;
        for (int k = 0; k < weights.Length; k++)
        {
            squaredNorm += weights[k] * weights[k];
            dWeights[k] += l2 * weights[k];
            hvWeights[k] += l2 * vWeights[k];
        }

        return total * perImage + 0.5f * l2 * squaredNorm;
    }
}
