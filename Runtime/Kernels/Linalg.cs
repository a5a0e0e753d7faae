using SourceGrad.Kernels;

namespace SourceGrad;

/// <summary>
/// Dense linear algebra on row-major matrices held in spans: matrix products (either operand transposed) and
/// bias addition, each with a derivative rule (pullback) and a forward-mode rule (tangent) so
/// <see cref="DifferentiableAttribute"/> code can call them.
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
    public static void AddBias(Span<float> y, ReadOnlySpan<float> bias, int rows, int cols) => AddRows(y, bias, rows, cols);

    /// <inheritdoc cref="AddBias(Span{float}, ReadOnlySpan{float}, int, int)"/>
    public static void AddBias(Span<double> y, ReadOnlySpan<double> bias, int rows, int cols) => AddRows(y, bias, rows, cols);

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

    /// <summary>
    /// Forward mode of <see cref="MatMul(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool)"/>:
    /// C = op(A)·op(B) and tC = op(tA)·op(B) + op(A)·op(tB), each tangent stored like its operand (transposed when it
    /// is); tC's contents on entry are overwritten, since C's are. An empty tA or tB stands for a zero tangent
    /// (AcceptsEmptyTangents) and its product is skipped. tC must not overlap a, b, c, tA or tB.
    /// </summary>
    [TangentOf(nameof(MatMul), AcceptsEmptyTangents = true)]
    public static void MatMulTangent(
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        bool transposeA, bool transposeB, ReadOnlySpan<float> tA, ReadOnlySpan<float> tB, Span<float> tC)
        => ProductTangent(a, b, c, m, k, n, transposeA, transposeB, tA, tB, tC, accumulate: false);

    /// <inheritdoc cref="MatMulTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    [TangentOf(nameof(MatMul), AcceptsEmptyTangents = true)]
    public static void MatMulTangent(
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n,
        bool transposeA, bool transposeB, ReadOnlySpan<double> tA, ReadOnlySpan<double> tB, Span<double> tC)
        => ProductTangent(a, b, c, m, k, n, transposeA, transposeB, tA, tB, tC, accumulate: false);

    /// <summary>
    /// Forward mode of <see cref="MatMulAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool)"/>:
    /// C += op(A)·op(B) and tC += op(tA)·op(B) + op(A)·op(tB) (tC holds the tangent of C's initial contents on entry).
    /// Empty tA or tB and overlaps as in <see cref="MatMulTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>.
    /// </summary>
    [TangentOf(nameof(MatMulAdd), AcceptsEmptyTangents = true)]
    public static void MatMulAddTangent(
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        bool transposeA, bool transposeB, ReadOnlySpan<float> tA, ReadOnlySpan<float> tB, Span<float> tC)
        => ProductTangent(a, b, c, m, k, n, transposeA, transposeB, tA, tB, tC, accumulate: true);

    /// <inheritdoc cref="MatMulAddTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    [TangentOf(nameof(MatMulAdd), AcceptsEmptyTangents = true)]
    public static void MatMulAddTangent(
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n,
        bool transposeA, bool transposeB, ReadOnlySpan<double> tA, ReadOnlySpan<double> tB, Span<double> tC)
        => ProductTangent(a, b, c, m, k, n, transposeA, transposeB, tA, tB, tC, accumulate: true);

    /// <summary>Pullback of <see cref="AddBias(Span{float}, ReadOnlySpan{float}, int, int)"/>: dBias += the column sums of dY; dY passes through.</summary>
    [DerivativeOf(nameof(AddBias))]
    public static void AddBiasPullback(Span<float> y, ReadOnlySpan<float> bias, int rows, int cols, Span<float> dY, Span<float> dBias)
        => BiasPullback<float>(y.Length, bias.Length, rows, cols, dY, dBias);

    /// <inheritdoc cref="AddBiasPullback(Span{float}, ReadOnlySpan{float}, int, int, Span{float}, Span{float})"/>
    [DerivativeOf(nameof(AddBias))]
    public static void AddBiasPullback(Span<double> y, ReadOnlySpan<double> bias, int rows, int cols, Span<double> dY, Span<double> dBias)
        => BiasPullback<double>(y.Length, bias.Length, rows, cols, dY, dBias);

    /// <summary>
    /// Forward mode of <see cref="AddBias(Span{float}, ReadOnlySpan{float}, int, int)"/>: y += bias and tY += tBias,
    /// row by row (tY holds the tangent of y's initial contents on entry).
    /// </summary>
    [TangentOf(nameof(AddBias))]
    public static void AddBiasTangent(Span<float> y, ReadOnlySpan<float> bias, int rows, int cols, Span<float> tY, ReadOnlySpan<float> tBias)
        => BiasTangent(y, bias, rows, cols, tY, tBias);

    /// <inheritdoc cref="AddBiasTangent(Span{float}, ReadOnlySpan{float}, int, int, Span{float}, ReadOnlySpan{float})"/>
    [TangentOf(nameof(AddBias))]
    public static void AddBiasTangent(Span<double> y, ReadOnlySpan<double> bias, int rows, int cols, Span<double> tY, ReadOnlySpan<double> tBias)
        => BiasTangent(y, bias, rows, cols, tY, tBias);

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

    /// <summary>
    /// tC (+)= op(tA)·op(B) + op(A)·op(tB), then C (+)= op(A)·op(B): three products on the GEMM, the second always
    /// accumulating. An empty tA or tB (for a non-empty operand) is a zero tangent, and its product is skipped.
    /// </summary>
    private static void ProductTangent<T>(
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool transposeA, bool transposeB,
        ReadOnlySpan<T> tA, ReadOnlySpan<T> tB, Span<T> tC, bool accumulate)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        CheckProduct(a, b, c, m, k, n, transposeA, transposeB);
        bool withA = !tA.IsEmpty || a.IsEmpty;
        bool withB = !tB.IsEmpty || b.IsEmpty;
        if (withA)
        {
            Shape.CheckSameLength(tA.Length, nameof(tA), a.Length, nameof(a));
        }

        if (withB)
        {
            Shape.CheckSameLength(tB.Length, nameof(tB), b.Length, nameof(b));
        }

        Shape.CheckSameLength(tC.Length, nameof(tC), c.Length, nameof(c));
        string? overlapped = tC.Overlaps(tA) ? nameof(tA) : tC.Overlaps(tB) ? nameof(tB)
            : tC.Overlaps(a) ? nameof(a) : tC.Overlaps(b) ? nameof(b) : tC.Overlaps(c) ? nameof(c) : null;
        if (overlapped is not null)
        {
            throw new ArgumentException(
                $"tC overlaps {overlapped}: a product's tangent cannot be written over an operand, an operand's tangent or the product.",
                nameof(tC));
        }

        if (withA)
        {
            Multiply(tA, b, tC, m, k, n, transposeA, transposeB, accumulate);
        }
        else if (!accumulate)
        {
            tC.Clear();
        }

        if (withB)
        {
            Multiply(a, tB, tC, m, k, n, transposeA, transposeB, accumulate: true);
        }

        Multiply(a, b, c, m, k, n, transposeA, transposeB, accumulate);
    }

    /// <summary>y += bias row by row.</summary>
    private static void AddRows<T>(Span<T> y, ReadOnlySpan<T> bias, int rows, int cols)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        CheckBias(y.Length, bias.Length, rows, cols);
        for (int r = 0; r < rows; r++)
        {
            Vectorized.Add(y.Slice(r * cols, cols), bias);
        }
    }

    private static void BiasTangent<T>(Span<T> y, ReadOnlySpan<T> bias, int rows, int cols, Span<T> tY, ReadOnlySpan<T> tBias)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        CheckBias(y.Length, bias.Length, rows, cols);
        Shape.CheckSameLength(tY.Length, nameof(tY), y.Length, nameof(y));
        Shape.CheckSameLength(tBias.Length, nameof(tBias), bias.Length, nameof(bias));
        AddRows(y, bias, rows, cols);
        AddRows(tY, tBias, rows, cols);
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
