using System.Numerics;
using System.Runtime.InteropServices;

namespace SourceGrad.Tape;

/// <summary>
/// The two loops the tensor tape needs that the runtime kernels do not offer as public methods (its element-wise
/// Add and Multiply records). Everything else runs through Linalg, Activations, Losses and Reductions.
/// </summary>
internal static class ElementwiseKernels
{
    /// <summary>y += x.</summary>
    public static void Add(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> xs = MemoryMarshal.Cast<float, Vector<float>>(x);
            Span<Vector<float>> ys = MemoryMarshal.Cast<float, Vector<float>>(y[..x.Length]);
            for (int v = 0; v < xs.Length; v++)
            {
                ys[v] += xs[v];
            }

            i = xs.Length * Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            y[i] += x[i];
        }
    }

    /// <summary>z += x ⊙ y.</summary>
    public static void MultiplyElementwiseAdd(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> xs = MemoryMarshal.Cast<float, Vector<float>>(x);
            ReadOnlySpan<Vector<float>> ys = MemoryMarshal.Cast<float, Vector<float>>(y[..x.Length]);
            Span<Vector<float>> zs = MemoryMarshal.Cast<float, Vector<float>>(z[..x.Length]);
            for (int v = 0; v < xs.Length; v++)
            {
                zs[v] = Vector.FusedMultiplyAdd(xs[v], ys[v], zs[v]);
            }

            i = xs.Length * Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            z[i] = MathF.FusedMultiplyAdd(x[i], y[i], z[i]);
        }
    }
}
