using System.Numerics;
using System.Runtime.InteropServices;

namespace SourceGrad;

/// <summary>Gradient clipping, as PyTorch's <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients of the set by maxNorm / (norm + 1e-6) when their global L2 norm (over every element of
    /// every parameter) exceeds <paramref name="maxNorm"/>. A NaN or infinite norm leaves the gradients as they are.
    /// </summary>
    /// <returns>The global norm before clipping: check it for NaN or infinity to catch a diverging run.</returns>
    public static double ClipByGlobalNorm(ParameterSet parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Require.NonNegative(maxNorm);

        double norm = GlobalNorm(parameters);
        double scale = maxNorm / (norm + 1e-6);
        if (double.IsFinite(norm) && scale < 1)
        {
            foreach (Parameter parameter in parameters)
                Scale(parameter.Gradient, (float)scale);
        }
        return norm;
    }

    /// <summary>The L2 norm of all gradients of the set taken as one vector.</summary>
    public static double GlobalNorm(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        double sumOfSquares = 0;
        foreach (Parameter parameter in parameters)
            sumOfSquares += SumOfSquares(parameter.Gradient);
        return Math.Sqrt(sumOfSquares);
    }

    // Squares are summed in double lanes: a float sum over millions of elements would lose digits.
    private static double SumOfSquares(ReadOnlySpan<float> values)
    {
        ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        Vector<double> sum = Vector<double>.Zero;
        foreach (Vector<float> vector in vectors)
        {
            Vector.Widen(vector, out Vector<double> low, out Vector<double> high);
            sum += low * low + high * high;
        }
        double total = Vector.Sum(sum);
        for (int i = vectors.Length * Vector<float>.Count; i < values.Length; i++)
            total += (double)values[i] * values[i];
        return total;
    }

    private static void Scale(Span<float> values, float factor)
    {
        Span<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        for (int k = 0; k < vectors.Length; k++)
            vectors[k] *= factor;
        for (int i = vectors.Length * Vector<float>.Count; i < values.Length; i++)
            values[i] *= factor;
    }
}
