using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SourceGrad.Kernels;

/// <summary>
/// Packs whole panels for the GEMM whose source rows run along the depth: MR rows of a plain A, or a panel's width of
/// rows of a transposed B, interleaved step by step, destination[step · rows + row] = source[row, step]. Copied one
/// value at a time that is a strided store per value; here four steps of four rows (two of two, for doubles) are loaded
/// as vectors and transposed in registers, so each load and store moves a vector. Only x86 with SSE and an even number
/// of rows; the caller copies what is left (the last steps, or everything elsewhere) value by value.
/// </summary>
internal static unsafe class PanelTranspose
{
    /// <summary>
    /// Packs the first steps of <paramref name="tileRows"/> rows, <paramref name="stride"/> elements apart, from
    /// <paramref name="source"/> into one panel at <paramref name="destination"/>, as many of the <paramref name="depth"/>
    /// steps as fill 16-byte vectors (4 floats, 2 doubles); returns how many it packed: 0 where this processor, type or
    /// panel height has no vector transpose here. The caller copies the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PackSteps<T>(T* source, nint stride, int depth, int tileRows, T* destination)
        where T : unmanaged
    {
        bool supported = typeof(T) == typeof(float) ? Sse.IsSupported : typeof(T) == typeof(double) && Sse2.IsSupported;
        if (!supported || tileRows % 2 != 0)
        {
            return 0;
        }

        int stepsPerVector = 16 / sizeof(T);
        int vectorSteps = depth - depth % stepsPerVector;
        for (int step = 0; step < vectorSteps; step += stepsPerVector)
        {
            T* row = source + step;
            T* target = destination + (nint)step * tileRows;
            if (typeof(T) == typeof(float))
            {
                TransposeFloatSteps((float*)row, stride, tileRows, (float*)target);
            }
            else
            {
                TransposeDoubleSteps((double*)row, stride, tileRows, (double*)target);
            }
        }

        return vectorSteps;
    }

    /// <summary>Four steps of every row: 4×4 blocks transposed with unpack and move-halves; a last pair of rows (MR = 6) by halves.</summary>
    private static void TransposeFloatSteps(float* row, nint stride, int tileRows, float* target)
    {
        int quads = tileRows / 4;
        for (int quad = 0; quad < quads; quad++, row += 4 * stride)
        {
            Vector128<float> r0 = Sse.LoadVector128(row), r1 = Sse.LoadVector128(row + stride);
            Vector128<float> r2 = Sse.LoadVector128(row + 2 * stride), r3 = Sse.LoadVector128(row + 3 * stride);
            Vector128<float> low01 = Sse.UnpackLow(r0, r1), low23 = Sse.UnpackLow(r2, r3);
            Vector128<float> high01 = Sse.UnpackHigh(r0, r1), high23 = Sse.UnpackHigh(r2, r3);
            float* column = target + quad * 4;
            Sse.Store(column, Sse.MoveLowToHigh(low01, low23));
            Sse.Store(column + tileRows, Sse.MoveHighToLow(low23, low01));
            Sse.Store(column + 2 * tileRows, Sse.MoveLowToHigh(high01, high23));
            Sse.Store(column + 3 * tileRows, Sse.MoveHighToLow(high23, high01));
        }

        if (tileRows % 4 == 2)
        {
            Vector128<float> r0 = Sse.LoadVector128(row), r1 = Sse.LoadVector128(row + stride);
            Vector128<float> low = Sse.UnpackLow(r0, r1), high = Sse.UnpackHigh(r0, r1);
            float* column = target + quads * 4;
            Sse.StoreLow(column, low);
            Sse.StoreHigh(column + tileRows, low);
            Sse.StoreLow(column + 2 * tileRows, high);
            Sse.StoreHigh(column + 3 * tileRows, high);
        }
    }

    /// <summary>Two steps of every row: 2×2 blocks transposed with unpack.</summary>
    private static void TransposeDoubleSteps(double* row, nint stride, int tileRows, double* target)
    {
        for (int pair = 0; pair < tileRows / 2; pair++, row += 2 * stride)
        {
            Vector128<double> r0 = Sse2.LoadVector128(row), r1 = Sse2.LoadVector128(row + stride);
            double* column = target + pair * 2;
            Sse2.Store(column, Sse2.UnpackLow(r0, r1));
            Sse2.Store(column + tileRows, Sse2.UnpackHigh(r0, r1));
        }
    }
}
