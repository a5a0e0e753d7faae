using SourceGrad.Kernels;

namespace SourceGrad;

/// <summary>
/// Dense linear algebra on row-major matrices held in spans: matrix products (either operand transposed) and
/// bias addition, each with a derivative rule so <see cref="DifferentiableAttribute"/> code can call them.
/// </summary>
public static unsafe partial class Linalg
{
    private static int s_maxDegreeOfParallelism = Environment.ProcessorCount;

    /// <summary>Set on a thread that is one of several computing shards of a batch at once (<see cref="DataParallelGradient"/>).</summary>
    [ThreadStatic] private static bool t_productsOnThisThread;

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
    /// Until the returned scope is disposed, every product on the calling thread runs on that thread alone, whatever
    /// <see cref="MaxDegreeOfParallelism"/> says: for threads that already fill the cores (the numbers are the same).
    /// </summary>
    internal static ProductsOnThisThreadScope ProductsOnThisThread()
    {
        bool previous = t_productsOnThisThread;
        t_productsOnThisThread = true;
        return new ProductsOnThisThreadScope(previous);
    }

    /// <summary>Puts back the calling thread's setting from before <see cref="ProductsOnThisThread"/>.</summary>
    internal readonly struct ProductsOnThisThreadScope(bool previous) : IDisposable
    {
        public void Dispose() => t_productsOnThisThread = previous;
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

    /// <summary>
    /// Pullback of <see cref="MatMul(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool)"/>:
    /// dA += dC·op(B)ᵀ and dB += op(A)ᵀ·dC (each stored like its operand); dC is zeroed, since C was overwritten.
    /// </summary>
    [DerivativeOf(nameof(MatMul), AcceptsEmptyAdjoints = true)]
    public static void MatMulPullback(
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        bool transposeA, bool transposeB, Span<float> dA, Span<float> dB, Span<float> dC)
    {
        MatMulAddPullback(a, b, c, m, k, n, transposeA, transposeB, dA, dB, dC);
        dC.Clear();
    }

    /// <inheritdoc cref="MatMulPullback(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool, Span{float}, Span{float}, Span{float})"/>
    [DerivativeOf(nameof(MatMul), AcceptsEmptyAdjoints = true)]
    public static void MatMulPullback(
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n,
        bool transposeA, bool transposeB, Span<double> dA, Span<double> dB, Span<double> dC)
    {
        MatMulAddPullback(a, b, c, m, k, n, transposeA, transposeB, dA, dB, dC);
        dC.Clear();
    }

    /// <summary>
    /// Pullback of <see cref="MatMulAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool)"/>:
    /// dA += dC·op(B)ᵀ and dB += op(A)ᵀ·dC; dC passes through unchanged (C's initial contents were added as they were).
    /// </summary>
    [DerivativeOf(nameof(MatMulAdd), AcceptsEmptyAdjoints = true)]
    public static void MatMulAddPullback(
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        bool transposeA, bool transposeB, Span<float> dA, Span<float> dB, Span<float> dC)
        => ProductPullback<float>(a, b, m, k, n, transposeA, transposeB, dA, dB, dC);

    /// <inheritdoc cref="MatMulAddPullback(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool, Span{float}, Span{float}, Span{float})"/>
    [DerivativeOf(nameof(MatMulAdd), AcceptsEmptyAdjoints = true)]
    public static void MatMulAddPullback(
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n,
        bool transposeA, bool transposeB, Span<double> dA, Span<double> dB, Span<double> dC)
        => ProductPullback<double>(a, b, m, k, n, transposeA, transposeB, dA, dB, dC);

    /// <summary>Pullback of <see cref="AddBias(Span{float}, ReadOnlySpan{float}, int, int)"/>: dBias += the column sums of dY; dY passes through.</summary>
    [DerivativeOf(nameof(AddBias))]
    public static void AddBiasPullback(Span<float> y, ReadOnlySpan<float> bias, int rows, int cols, Span<float> dY, Span<float> dBias)
        => BiasPullback<float>(y.Length, bias.Length, rows, cols, dY, dBias);

    /// <inheritdoc cref="AddBiasPullback(Span{float}, ReadOnlySpan{float}, int, int, Span{float}, Span{float})"/>
    [DerivativeOf(nameof(AddBias))]
    public static void AddBiasPullback(Span<double> y, ReadOnlySpan<double> bias, int rows, int cols, Span<double> dY, Span<double> dBias)
        => BiasPullback<double>(y.Length, bias.Length, rows, cols, dY, dBias);

    private static void ProductPullback<T>(
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, bool transposeA, bool transposeB,
        Span<T> dA, Span<T> dB, ReadOnlySpan<T> dC)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        // An empty adjoint means that gradient is not wanted (AcceptsEmptyAdjoints): its product is skipped.
        bool wantA = !dA.IsEmpty || a.IsEmpty;
        bool wantB = !dB.IsEmpty || b.IsEmpty;
        if (wantA)
        {
            Shape.CheckSameLength(dA.Length, nameof(dA), a.Length, nameof(a));
        }

        if (wantB)
        {
            Shape.CheckSameLength(dB.Length, nameof(dB), b.Length, nameof(b));
        }

        Shape.CheckLength(dC.Length, nameof(dC), "m*n", m, n);

        // op(A) = A or Aᵀ: d op(A) = dC·op(B)ᵀ (m×k); stored transposed, dA = op(B)·dCᵀ (k×m).
        if (!wantA)
        {
        }
        else if (!transposeA)
        {
            Multiply(dC, b, dA, m, n, k, transposeA: false, transposeB: !transposeB, accumulate: true);
        }
        else
        {
            Multiply(b, dC, dA, k, n, m, transposeA: transposeB, transposeB: true, accumulate: true);
        }

        // d op(B) = op(A)ᵀ·dC (k×n); stored transposed, dB = dCᵀ·op(A) (n×k).
        if (!wantB)
        {
        }
        else if (!transposeB)
        {
            Multiply(a, dC, dB, k, m, n, transposeA: !transposeA, transposeB: false, accumulate: true);
        }
        else
        {
            Multiply(dC, a, dB, n, m, k, transposeA: true, transposeB: transposeA, accumulate: true);
        }
    }

    private static void BiasPullback<T>(int yLength, int biasLength, int rows, int cols, ReadOnlySpan<T> dY, Span<T> dBias)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        CheckBias(yLength, biasLength, rows, cols);
        Shape.CheckSameLength(dY.Length, nameof(dY), yLength, "y");
        Shape.CheckSameLength(dBias.Length, nameof(dBias), biasLength, "bias");
        for (int r = 0; r < rows; r++)
        {
            Vectorized.Add(dBias, dY.Slice(r * cols, cols));
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
            Gemm<T>.Multiply(pa, pb, pc, m, k, n, transposeA, transposeB, accumulate, t_productsOnThisThread ? 1 : MaxDegreeOfParallelism);
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
