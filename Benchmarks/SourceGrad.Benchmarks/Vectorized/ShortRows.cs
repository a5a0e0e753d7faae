using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SourceGrad.Benchmarks.Vectorized;

/// <summary>
/// The dot product and multiply-add of the hand-vectorised adjoints over short rows of doubles: <see cref="Vector512{T}"/>
/// where the hardware accelerates it, else <see cref="Vector{T}"/>, then a scalar tail. Inlined into the caller's
/// loop: at rows of 16 or 32 values a call into TensorPrimitives costs about as much as the arithmetic.
/// </summary>
public static class ShortRows
{
    /// <summary>Σ x[i]·y[i] over the length of <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException($"y holds {y.Length} values, fewer than x's {x.Length}.", nameof(y));
        }

        ref double xs = ref MemoryMarshal.GetReference(x);
        ref double ys = ref MemoryMarshal.GetReference(y);
        double sum = 0;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> partial = Vector512<double>.Zero;
            for (; i <= x.Length - Vector512<double>.Count; i += Vector512<double>.Count)
            {
                partial = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xs, (nuint)i), Vector512.LoadUnsafe(ref ys, (nuint)i), partial);
            }

            sum = Vector512.Sum(partial);
        }
        else if (Vector.IsHardwareAccelerated)
        {
            Vector<double> partial = Vector<double>.Zero;
            for (; i <= x.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                partial = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref xs, (nuint)i), Vector.LoadUnsafe(ref ys, (nuint)i), partial);
            }

            sum = Vector.Sum(partial);
        }

        for (; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }

    /// <summary>destination[i] += scale·x[i] over the length of <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(ReadOnlySpan<double> x, double scale, Span<double> destination)
    {
        if (destination.Length < x.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values, fewer than x's {x.Length}.", nameof(destination));
        }

        ref double xs = ref MemoryMarshal.GetReference(x);
        ref double ds = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> factor = Vector512.Create(scale);
            for (; i <= x.Length - Vector512<double>.Count; i += Vector512<double>.Count)
            {
                Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xs, (nuint)i), factor, Vector512.LoadUnsafe(ref ds, (nuint)i))
                    .StoreUnsafe(ref ds, (nuint)i);
            }
        }
        else if (Vector.IsHardwareAccelerated)
        {
            Vector<double> factor = new(scale);
            for (; i <= x.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref xs, (nuint)i), factor, Vector.LoadUnsafe(ref ds, (nuint)i))
                    .StoreUnsafe(ref ds, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            destination[i] += scale * x[i];
        }
    }
}
