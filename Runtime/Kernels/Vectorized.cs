using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SourceGrad.Kernels;

/// <summary>An element-wise function, at the three widths the drivers in <see cref="Vectorized"/> use.</summary>
internal interface IUnaryOp<T>
    where T : unmanaged
{
    T Invoke(T x);

    Vector<T> Invoke(Vector<T> x);

    Vector512<T> Invoke(Vector512<T> x);
}

/// <summary>An element-wise function of two arguments, at the three widths the drivers in <see cref="Vectorized"/> use.</summary>
internal interface IBinaryOp<T>
    where T : unmanaged
{
    T Invoke(T u, T v);

    Vector<T> Invoke(Vector<T> u, Vector<T> v);

    Vector512<T> Invoke(Vector512<T> u, Vector512<T> v);
}

/// <summary>Which vector width the element-wise kernels use; tests switch it to cover every path.</summary>
internal enum VectorPath
{
    Scalar,

    /// <summary><see cref="Vector{T}"/>: 256 bits with AVX2, 128 with SSE or NEON.</summary>
    Vector,

    Vector512,
}

/// <summary>
/// Loop drivers for element-wise kernels: one body per width (Vector512 where the runtime prefers it, else
/// <see cref="Vector{T}"/>), then a scalar tail. Operators are structs, so each call is specialised and inlined.
/// </summary>
internal static class Vectorized
{
    /// <summary>The path the element-wise kernels take: the widest the runtime reports as accelerated.</summary>
    internal static VectorPath Path { get; set; } = DefaultPath;

    internal static VectorPath DefaultPath =>
        Vector512.IsHardwareAccelerated ? VectorPath.Vector512
        : Vector.IsHardwareAccelerated ? VectorPath.Vector
        : VectorPath.Scalar;

    /// <summary>y[i] = op(x[i]). x and y may be the same span (in place), not partly overlapping ones.</summary>
    public static void Map<T, TOp>(ReadOnlySpan<T> x, Span<T> y, TOp op)
        where T : unmanaged
        where TOp : struct, IUnaryOp<T>
    {
        ref T source = ref MemoryMarshal.GetReference(x);
        ref T target = ref MemoryMarshal.GetReference(y);
        nuint length = (nuint)x.Length, i = 0;
        VectorPath path = Path;
        if (path == VectorPath.Vector512)
        {
            for (nuint width = (nuint)Vector512<T>.Count; i + width <= length; i += width)
            {
                op.Invoke(Vector512.LoadUnsafe(ref source, i)).StoreUnsafe(ref target, i);
            }
        }
        else if (path == VectorPath.Vector)
        {
            for (nuint width = (nuint)Vector<T>.Count; i + width <= length; i += width)
            {
                op.Invoke(Vector.LoadUnsafe(ref source, i)).StoreUnsafe(ref target, i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref target, i) = op.Invoke(Unsafe.Add(ref source, i));
        }
    }

    /// <summary>
    /// target[i] = op(u[i], v[i]). The spans have one length (checked by the callers); target may be u or v itself (in
    /// place), not a partly overlapping span.
    /// </summary>
    public static void Map<T, TOp>(ReadOnlySpan<T> u, ReadOnlySpan<T> v, Span<T> target, TOp op)
        where T : unmanaged
        where TOp : struct, IBinaryOp<T>
    {
        ref T first = ref MemoryMarshal.GetReference(u);
        ref T second = ref MemoryMarshal.GetReference(v);
        ref T result = ref MemoryMarshal.GetReference(target);
        nuint length = (nuint)target.Length, i = 0;
        VectorPath path = Path;
        if (path == VectorPath.Vector512)
        {
            for (nuint width = (nuint)Vector512<T>.Count; i + width <= length; i += width)
            {
                op.Invoke(Vector512.LoadUnsafe(ref first, i), Vector512.LoadUnsafe(ref second, i)).StoreUnsafe(ref result, i);
            }
        }
        else if (path == VectorPath.Vector)
        {
            for (nuint width = (nuint)Vector<T>.Count; i + width <= length; i += width)
            {
                op.Invoke(Vector.LoadUnsafe(ref first, i), Vector.LoadUnsafe(ref second, i)).StoreUnsafe(ref result, i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref result, i) = op.Invoke(Unsafe.Add(ref first, i), Unsafe.Add(ref second, i));
        }
    }

    /// <summary>target[i] += op(u[i], v[i]). The spans have one length (checked by the callers).</summary>
    public static void Accumulate<T, TOp>(ReadOnlySpan<T> u, ReadOnlySpan<T> v, Span<T> target, TOp op)
        where T : unmanaged, INumber<T>
        where TOp : struct, IBinaryOp<T>
    {
        ref T first = ref MemoryMarshal.GetReference(u);
        ref T second = ref MemoryMarshal.GetReference(v);
        ref T sum = ref MemoryMarshal.GetReference(target);
        nuint length = (nuint)target.Length, i = 0;
        VectorPath path = Path;
        if (path == VectorPath.Vector512)
        {
            for (nuint width = (nuint)Vector512<T>.Count; i + width <= length; i += width)
            {
                Vector512<T> term = op.Invoke(Vector512.LoadUnsafe(ref first, i), Vector512.LoadUnsafe(ref second, i));
                (Vector512.LoadUnsafe(ref sum, i) + term).StoreUnsafe(ref sum, i);
            }
        }
        else if (path == VectorPath.Vector)
        {
            for (nuint width = (nuint)Vector<T>.Count; i + width <= length; i += width)
            {
                Vector<T> term = op.Invoke(Vector.LoadUnsafe(ref first, i), Vector.LoadUnsafe(ref second, i));
                (Vector.LoadUnsafe(ref sum, i) + term).StoreUnsafe(ref sum, i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref sum, i) += op.Invoke(Unsafe.Add(ref first, i), Unsafe.Add(ref second, i));
        }
    }

    /// <summary>Σ op(u[i], v[i]), with several vector accumulators (shorter dependency chains, smaller rounding error).</summary>
    public static T Sum<T, TOp>(ReadOnlySpan<T> u, ReadOnlySpan<T> v, TOp op)
        where T : unmanaged, INumber<T>
        where TOp : struct, IBinaryOp<T>
    {
        ref T first = ref MemoryMarshal.GetReference(u);
        ref T second = ref MemoryMarshal.GetReference(v);
        nuint length = (nuint)u.Length, i = 0;
        T total = T.Zero;
        VectorPath path = Path;
        if (path == VectorPath.Vector512)
        {
            nuint width = (nuint)Vector512<T>.Count;
            Vector512<T> s0 = Vector512<T>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (; i + 4 * width <= length; i += 4 * width)
            {
                s0 += op.Invoke(Vector512.LoadUnsafe(ref first, i), Vector512.LoadUnsafe(ref second, i));
                s1 += op.Invoke(Vector512.LoadUnsafe(ref first, i + width), Vector512.LoadUnsafe(ref second, i + width));
                s2 += op.Invoke(Vector512.LoadUnsafe(ref first, i + 2 * width), Vector512.LoadUnsafe(ref second, i + 2 * width));
                s3 += op.Invoke(Vector512.LoadUnsafe(ref first, i + 3 * width), Vector512.LoadUnsafe(ref second, i + 3 * width));
            }

            for (; i + width <= length; i += width)
            {
                s0 += op.Invoke(Vector512.LoadUnsafe(ref first, i), Vector512.LoadUnsafe(ref second, i));
            }

            total = Vector512.Sum((s0 + s1) + (s2 + s3));
        }
        else if (path == VectorPath.Vector)
        {
            nuint width = (nuint)Vector<T>.Count;
            Vector<T> s0 = Vector<T>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (; i + 4 * width <= length; i += 4 * width)
            {
                s0 += op.Invoke(Vector.LoadUnsafe(ref first, i), Vector.LoadUnsafe(ref second, i));
                s1 += op.Invoke(Vector.LoadUnsafe(ref first, i + width), Vector.LoadUnsafe(ref second, i + width));
                s2 += op.Invoke(Vector.LoadUnsafe(ref first, i + 2 * width), Vector.LoadUnsafe(ref second, i + 2 * width));
                s3 += op.Invoke(Vector.LoadUnsafe(ref first, i + 3 * width), Vector.LoadUnsafe(ref second, i + 3 * width));
            }

            for (; i + width <= length; i += width)
            {
                s0 += op.Invoke(Vector.LoadUnsafe(ref first, i), Vector.LoadUnsafe(ref second, i));
            }

            total = Vector.Sum((s0 + s1) + (s2 + s3));
        }

        for (; i < length; i++)
        {
            total += op.Invoke(Unsafe.Add(ref first, i), Unsafe.Add(ref second, i));
        }

        return total;
    }

    /// <summary>The largest element (NaN if any is NaN); negative infinity for an empty span.</summary>
    public static T Max<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T source = ref MemoryMarshal.GetReference(x);
        nuint length = (nuint)x.Length, i = 0;
        T max = T.NegativeInfinity;
        VectorPath path = Path;
        if (path == VectorPath.Vector512 && length >= (nuint)Vector512<T>.Count)
        {
            nuint width = (nuint)Vector512<T>.Count;
            Vector512<T> best = Vector512.Create(T.NegativeInfinity);
            for (; i + width <= length; i += width)
            {
                best = Vector512.Max(best, Vector512.LoadUnsafe(ref source, i));
            }

            for (int lane = 0; lane < Vector512<T>.Count; lane++)
            {
                max = T.Max(max, best[lane]);
            }
        }
        else if (path == VectorPath.Vector && length >= (nuint)Vector<T>.Count)
        {
            nuint width = (nuint)Vector<T>.Count;
            Vector<T> best = new(T.NegativeInfinity);
            for (; i + width <= length; i += width)
            {
                best = Vector.Max(best, Vector.LoadUnsafe(ref source, i));
            }

            for (int lane = 0; lane < Vector<T>.Count; lane++)
            {
                max = T.Max(max, best[lane]);
            }
        }

        for (; i < length; i++)
        {
            max = T.Max(max, Unsafe.Add(ref source, i));
        }

        return max;
    }

    /// <summary>y += x.</summary>
    public static void Add<T>(Span<T> y, ReadOnlySpan<T> x)
        where T : unmanaged, INumber<T>
        => Accumulate(x, x, y, default(First<T>));

    /// <summary>target = u + v (one pass where a copy and then <see cref="Add{T}(Span{T}, ReadOnlySpan{T})"/> take two).</summary>
    public static void Add<T>(ReadOnlySpan<T> u, ReadOnlySpan<T> v, Span<T> target)
        where T : unmanaged, INumber<T>
        => Map(u, v, target, default(Plus<T>));

    /// <summary>Σ x.</summary>
    public static T Sum<T>(ReadOnlySpan<T> x)
        where T : unmanaged, INumber<T>
        => Sum(x, x, default(First<T>));

    /// <summary>Σ u·v.</summary>
    public static T Dot<T>(ReadOnlySpan<T> u, ReadOnlySpan<T> v)
        where T : unmanaged, INumber<T>
        => Sum(u, v, default(Product<T>));

    /// <summary>y = exp(x - shift) element-wise; returns Σ y (the softmax denominator when shift is the row maximum).</summary>
    public static T ExpShifted<T>(ReadOnlySpan<T> x, Span<T> y, T shift)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Map(x, y, new ExpShift<T>(shift));
        return Sum((ReadOnlySpan<T>)y);
    }

    /// <summary>log Σ exp(x), shifted by the maximum so no term overflows.</summary>
    public static T LogSumExp<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = Max(x);
        if (!T.IsFinite(max))
        {
            // Empty (−∞), all −∞ (−∞), or containing +∞ or NaN: the shift would turn every term into NaN.
            return max;
        }

        return max + T.Log(Sum(x, x, new ExpShift<T>(max)));
    }

    /// <summary>
    /// Σ exp(x[i] − shift)·v[i]: with shift = log Σ exp(x), the softmax of x dotted with v (the forward-mode
    /// derivative of log Σ exp along v).
    /// </summary>
    public static T ExpShiftedDot<T>(ReadOnlySpan<T> x, T shift, ReadOnlySpan<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Sum(x, v, new ExpShiftProduct<T>(shift));

    /// <summary>y *= factor.</summary>
    public static void Scale<T>(Span<T> y, T factor)
        where T : unmanaged, INumber<T>
        => Map(y, y, new Multiply<T>(factor));

    /// <summary>u (the second argument is ignored).</summary>
    internal readonly struct First<T> : IBinaryOp<T>
        where T : unmanaged, INumber<T>
    {
        public T Invoke(T u, T v) => u;

        public Vector<T> Invoke(Vector<T> u, Vector<T> v) => u;

        public Vector512<T> Invoke(Vector512<T> u, Vector512<T> v) => u;
    }

    internal readonly struct Plus<T> : IBinaryOp<T>
        where T : unmanaged, INumber<T>
    {
        public T Invoke(T u, T v) => u + v;

        public Vector<T> Invoke(Vector<T> u, Vector<T> v) => u + v;

        public Vector512<T> Invoke(Vector512<T> u, Vector512<T> v) => u + v;
    }

    internal readonly struct Product<T> : IBinaryOp<T>
        where T : unmanaged, INumber<T>
    {
        public T Invoke(T u, T v) => u * v;

        public Vector<T> Invoke(Vector<T> u, Vector<T> v) => u * v;

        public Vector512<T> Invoke(Vector512<T> u, Vector512<T> v) => u * v;
    }

    private readonly struct Multiply<T>(T factor) : IUnaryOp<T>
        where T : unmanaged, INumber<T>
    {
        public T Invoke(T x) => x * factor;

        public Vector<T> Invoke(Vector<T> x) => x * factor;

        public Vector512<T> Invoke(Vector512<T> x) => x * factor;
    }

    /// <summary>exp(x - shift); as a binary operator, of the first argument.</summary>
    private readonly struct ExpShift<T>(T shift) : IUnaryOp<T>, IBinaryOp<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Invoke(T x) => T.Exp(x - shift);

        public Vector<T> Invoke(Vector<T> x) => VectorMath.Exp(x - new Vector<T>(shift));

        public Vector512<T> Invoke(Vector512<T> x) => VectorMath.Exp(x - Vector512.Create(shift));

        public T Invoke(T u, T v) => Invoke(u);

        public Vector<T> Invoke(Vector<T> u, Vector<T> v) => Invoke(u);

        public Vector512<T> Invoke(Vector512<T> u, Vector512<T> v) => Invoke(u);
    }

    /// <summary>exp(u - shift)·v.</summary>
    private readonly struct ExpShiftProduct<T>(T shift) : IBinaryOp<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Invoke(T u, T v) => T.Exp(u - shift) * v;

        public Vector<T> Invoke(Vector<T> u, Vector<T> v) => VectorMath.Exp(u - new Vector<T>(shift)) * v;

        public Vector512<T> Invoke(Vector512<T> u, Vector512<T> v) => VectorMath.Exp(u - Vector512.Create(shift)) * v;
    }

    /// <summary>x + offset.</summary>
    internal readonly struct Shift<T>(T offset) : IUnaryOp<T>
        where T : unmanaged, INumber<T>
    {
        public T Invoke(T x) => x + offset;

        public Vector<T> Invoke(Vector<T> x) => x + new Vector<T>(offset);

        public Vector512<T> Invoke(Vector512<T> x) => x + Vector512.Create(offset);
    }

    /// <summary>A constant, whatever the arguments (the pullback of a sum adds one value to every element).</summary>
    internal readonly struct Constant<T>(T value) : IBinaryOp<T>
        where T : unmanaged, INumber<T>
    {
        public T Invoke(T u, T v) => value;

        public Vector<T> Invoke(Vector<T> u, Vector<T> v) => new(value);

        public Vector512<T> Invoke(Vector512<T> u, Vector512<T> v) => Vector512.Create(value);
    }
}

/// <summary>Vector Exp for generic float/double code: the runtime's Exp has one overload per element type.</summary>
internal static class VectorMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Exp<T>(Vector<T> x)
        where T : unmanaged
        => typeof(T) == typeof(float)
            ? Vector.As<float, T>(Vector.Exp(Vector.As<T, float>(x)))
            : Vector.As<double, T>(Vector.Exp(Vector.As<T, double>(x)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp<T>(Vector512<T> x)
        where T : unmanaged
        => typeof(T) == typeof(float)
            ? Vector512.Exp(x.AsSingle()).As<float, T>()
            : Vector512.Exp(x.AsDouble()).As<double, T>();
}
