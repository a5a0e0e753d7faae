using SourceGrad.Kernels;

namespace SourceGrad;

/// <summary>
/// Dense linear algebra on row-major matrices held in spans: matrix products (either operand transposed) and
/// bias addition, each with a derivative rule so <see cref="DifferentiableAttribute"/> code can call them.
/// </summary>
public static unsafe partial class Linalg
{
    private static int s_maxDegreeOfParallelism = Environment.ProcessorCount;

    /// <summary>
    /// The most threads one large matrix product uses (default: the processor count). 1 keeps every product on
    /// the calling thread. Small products always run on the calling thread.
    /// </summary>
    public static int MaxDegreeOfParallelism
    {
        get => Volatile.Read(ref s_maxDegreeOfParallelism);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref s_maxDegreeOfParallelism, value);
        }
    }

    /// <summary>
    /// C = op(A)·op(B), where op(A) is m×k (A is stored k×m when <paramref name="transposeA"/>) and op(B) is k×n
    /// (B is stored n×k when <paramref name="transposeB"/>); C is m×n. C must not overlap A or B.
    /// </summary>
    public static void MatMul(
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        bool transposeA = false, bool transposeB = false)
        => Multiply(a, b, c, m, k, n, transposeA, transposeB, accumulate: false);

    /// <inheritdoc cref="MatMul(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool)"/>
    public static void MatMul(
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n,
        bool transposeA = false, bool transposeB = false)
        => Multiply(a, b, c, m, k, n, transposeA, transposeB, accumulate: false);

    /// <summary>C += op(A)·op(B), with the shapes of <see cref="MatMul(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool)"/>.</summary>
    public static void MatMulAdd(
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        bool transposeA = false, bool transposeB = false)
        => Multiply(a, b, c, m, k, n, transposeA, transposeB, accumulate: true);

    /// <inheritdoc cref="MatMulAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool)"/>
    public static void MatMulAdd(
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n,
        bool transposeA = false, bool transposeB = false)
        => Multiply(a, b, c, m, k, n, transposeA, transposeB, accumulate: true);

    /// <summary>y[r*cols + c] += bias[c] for every row r: adds a bias row to each row of the rows×cols matrix y.</summary>
    public static void AddBias(Span<float> y, ReadOnlySpan<float> bias, int rows, int cols)
    {
        CheckBias(y.Length, bias.Length, rows, cols);
        for (int r = 0; r < rows; r++)
        {
            Vectorized.Add(y.Slice(r * cols, cols), bias);
        }
    }

    /// <inheritdoc cref="AddBias(Span{float}, ReadOnlySpan{float}, int, int)"/>
    public static void AddBias(Span<double> y, ReadOnlySpan<double> bias, int rows, int cols)
    {
        CheckBias(y.Length, bias.Length, rows, cols);
        for (int r = 0; r < rows; r++)
        {
            Vectorized.Add(y.Slice(r * cols, cols), bias);
        }
    }

    private static void Multiply<T>(
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n,
        bool transposeA, bool transposeB, bool accumulate)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        CheckProduct(a, b, c, m, k, n, transposeA, transposeB);
        fixed (T* pa = a, pb = b, pc = c)
        {
            Gemm<T>.Multiply(pa, pb, pc, m, k, n, transposeA, transposeB, accumulate, MaxDegreeOfParallelism);
        }
    }

    private static void CheckProduct<T>(
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool transposeA, bool transposeB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        Shape.CheckLength(a.Length, nameof(a), transposeA ? "k*m" : "m*k", transposeA ? k : m, transposeA ? m : k);
        Shape.CheckLength(b.Length, nameof(b), transposeB ? "n*k" : "k*n", transposeB ? n : k, transposeB ? k : n);
        Shape.CheckLength(c.Length, nameof(c), "m*n", m, n);
        if (c.Overlaps(a) || c.Overlaps(b))
        {
            throw new ArgumentException(
                $"c overlaps {(c.Overlaps(a) ? "a" : "b")}: a product cannot be written over one of its operands.", nameof(c));
        }
    }

    private static void CheckBias(int yLength, int biasLength, int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        Shape.CheckLength(yLength, "y", "rows*cols", rows, cols);
        Shape.CheckLength(biasLength, "bias", "cols", cols);
    }
}
