using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SourceGrad.Kernels;

/// <summary>
/// Products with a single row or a single column of output (m == 1 or n == 1): a matrix times a vector. These are
/// memory-bound (each matrix element is used once), so packing, which reads the matrix and writes it again, would
/// cost more than the product itself: here the matrix is read once, in memory order, from the caller's storage.
/// The vector operand is contiguous whatever its transpose flag (a 1×k row and a k×1 column are stored alike), so
/// every case is one of two loops over the matrix's stored rows: dot products with the vector, or a combination of
/// the rows weighted by the vector.
/// </summary>
internal static unsafe class MatrixVector<T>
    where T : unmanaged, INumber<T>
{
    /// <summary>Rows handled per pass: their loads share one load (dots) or one load and store (combination) of the vector.</summary>
    private const int RowsPerPass = 4;

    /// <summary>C (+)= op(A)·op(B) when m == 1 or n == 1, on the vector path <paramref name="path"/>.</summary>
    public static void Multiply(
        T* a, T* b, T* c, int m, int k, int n, bool transposeA, bool transposeB, bool accumulate, GemmPath path)
    {
        switch (path)
        {
            case GemmPath.Vector512:
                Multiply<Vector512<T>, Simd512<T>>(a, b, c, m, k, n, transposeA, transposeB, accumulate);
                break;
            case GemmPath.Vector256:
                Multiply<Vector256<T>, Simd256<T>>(a, b, c, m, k, n, transposeA, transposeB, accumulate);
                break;
            default:
                Multiply<Vector128<T>, Simd128<T>>(a, b, c, m, k, n, transposeA, transposeB, accumulate);
                break;
        }
    }

    private static void Multiply<TVector, TSimd>(
        T* a, T* b, T* c, int m, int k, int n, bool transposeA, bool transposeB, bool accumulate)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        if (m == 1)
        {
            // c (1×n) = a (k values)·op(B).
            if (transposeB)
            {
                // B is n×k: c[j] = B[j, :]·a.
                RowDots<TVector, TSimd>(b, a, c, rows: n, length: k, accumulate);
            }
            else
            {
                // B is k×n: c = Σp a[p]·B[p, :].
                RowCombination<TVector, TSimd>(b, a, c, rows: k, length: n, accumulate);
            }
        }
        else if (transposeA)
        {
            // c (m×1) = op(A)·b, A is k×m: c = Σp b[p]·A[p, :].
            RowCombination<TVector, TSimd>(a, b, c, rows: k, length: m, accumulate);
        }
        else
        {
            // A is m×k: c[i] = A[i, :]·b.
            RowDots<TVector, TSimd>(a, b, c, rows: m, length: k, accumulate);
        }
    }

    /// <summary>result[r] (+)= matrix[r, :]·vector for a row-major rows×length matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowDots<TVector, TSimd>(T* matrix, T* vector, T* result, int rows, int length, bool accumulate)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        int width = TSimd.Count;
        int vectorEnd = length - length % width;
        int r = 0;
        for (; r + RowsPerPass <= rows; r += RowsPerPass)
        {
            T* row0 = matrix + (nint)r * length, row1 = row0 + length, row2 = row1 + length, row3 = row2 + length;
            TVector sum0 = TSimd.Zero, sum1 = sum0, sum2 = sum0, sum3 = sum0;
            for (int j = 0; j < vectorEnd; j += width)
            {
                TVector v = TSimd.Load(vector + j);
                sum0 = TSimd.MultiplyAdd(TSimd.Load(row0 + j), v, sum0);
                sum1 = TSimd.MultiplyAdd(TSimd.Load(row1 + j), v, sum1);
                sum2 = TSimd.MultiplyAdd(TSimd.Load(row2 + j), v, sum2);
                sum3 = TSimd.MultiplyAdd(TSimd.Load(row3 + j), v, sum3);
            }

            Store(result + r, TSimd.Sum(sum0) + TailDot(row0, vector, vectorEnd, length), accumulate);
            Store(result + r + 1, TSimd.Sum(sum1) + TailDot(row1, vector, vectorEnd, length), accumulate);
            Store(result + r + 2, TSimd.Sum(sum2) + TailDot(row2, vector, vectorEnd, length), accumulate);
            Store(result + r + 3, TSimd.Sum(sum3) + TailDot(row3, vector, vectorEnd, length), accumulate);
        }

        for (; r < rows; r++)
        {
            T* row = matrix + (nint)r * length;
            TVector sum = TSimd.Zero;
            for (int j = 0; j < vectorEnd; j += width)
            {
                sum = TSimd.MultiplyAdd(TSimd.Load(row + j), TSimd.Load(vector + j), sum);
            }

            Store(result + r, TSimd.Sum(sum) + TailDot(row, vector, vectorEnd, length), accumulate);
        }
    }

    /// <summary>result (+)= Σr weights[r]·matrix[r, :] for a row-major rows×length matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowCombination<TVector, TSimd>(T* matrix, T* weights, T* result, int rows, int length, bool accumulate)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        if (!accumulate)
        {
            new Span<T>(result, length).Clear();
        }

        int width = TSimd.Count;
        int vectorEnd = length - length % width;
        int r = 0;
        for (; r + RowsPerPass <= rows; r += RowsPerPass)
        {
            T* row0 = matrix + (nint)r * length, row1 = row0 + length, row2 = row1 + length, row3 = row2 + length;
            TVector w0 = TSimd.Broadcast(weights + r), w1 = TSimd.Broadcast(weights + r + 1);
            TVector w2 = TSimd.Broadcast(weights + r + 2), w3 = TSimd.Broadcast(weights + r + 3);
            for (int j = 0; j < vectorEnd; j += width)
            {
                TVector sum = TSimd.MultiplyAdd(TSimd.Load(row0 + j), w0, TSimd.Load(result + j));
                sum = TSimd.MultiplyAdd(TSimd.Load(row1 + j), w1, sum);
                sum = TSimd.MultiplyAdd(TSimd.Load(row2 + j), w2, sum);
                TSimd.Store(TSimd.MultiplyAdd(TSimd.Load(row3 + j), w3, sum), result + j);
            }

            for (int j = vectorEnd; j < length; j++)
            {
                result[j] += weights[r] * row0[j] + weights[r + 1] * row1[j] + weights[r + 2] * row2[j] + weights[r + 3] * row3[j];
            }
        }

        for (; r < rows; r++)
        {
            T* row = matrix + (nint)r * length;
            TVector weight = TSimd.Broadcast(weights + r);
            for (int j = 0; j < vectorEnd; j += width)
            {
                TSimd.Store(TSimd.MultiplyAdd(TSimd.Load(row + j), weight, TSimd.Load(result + j)), result + j);
            }

            for (int j = vectorEnd; j < length; j++)
            {
                result[j] += weights[r] * row[j];
            }
        }
    }

    private static T TailDot(T* row, T* vector, int start, int end)
    {
        T sum = T.Zero;
        for (int j = start; j < end; j++)
        {
            sum += row[j] * vector[j];
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* target, T value, bool accumulate) => *target = accumulate ? *target + value : value;
}
