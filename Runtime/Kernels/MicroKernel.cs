using System.Runtime.CompilerServices;

namespace SourceGrad.Kernels;

/// <summary>
/// Register-blocked matrix-multiply micro-kernels: a tile of rows × vectors of C stays in registers while the
/// panels of A and B stream through. Each accumulator must be its own local to live in a register, hence
/// one line per row; the bodies follow one pattern (keep it that way when editing).
/// </summary>
internal static unsafe class MicroKernel<T>
    where T : unmanaged
{
    /// <summary>
    /// C[0..12, 0..2V] (+)= A·B over kc steps: A is a panel of 12 rows (the 12 values of each step together, steps
    /// <c>aStep</c> apart: MR when packed), B a panel 2 vectors wide (its steps <c>bStep</c> apart: the panel's width when
    /// packed, B's row length when read in place); the 24 accumulators stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows12x2<TVector, TSimd>(nint kc, T* a, nint aStep, nint aRow, T* b, nint bStep, T* c, nint ldc, bool accumulate)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        nint width = TSimd.Count;
        TVector c0_0 = TSimd.Zero, c0_1 = TSimd.Zero;
        TVector c1_0 = TSimd.Zero, c1_1 = TSimd.Zero;
        TVector c2_0 = TSimd.Zero, c2_1 = TSimd.Zero;
        TVector c3_0 = TSimd.Zero, c3_1 = TSimd.Zero;
        TVector c4_0 = TSimd.Zero, c4_1 = TSimd.Zero;
        TVector c5_0 = TSimd.Zero, c5_1 = TSimd.Zero;
        TVector c6_0 = TSimd.Zero, c6_1 = TSimd.Zero;
        TVector c7_0 = TSimd.Zero, c7_1 = TSimd.Zero;
        TVector c8_0 = TSimd.Zero, c8_1 = TSimd.Zero;
        TVector c9_0 = TSimd.Zero, c9_1 = TSimd.Zero;
        TVector c10_0 = TSimd.Zero, c10_1 = TSimd.Zero;
        TVector c11_0 = TSimd.Zero, c11_1 = TSimd.Zero;
        for (nint p = 0; p < kc; p++)
        {
            TVector b0 = TSimd.Load(b), b1 = TSimd.Load(b + width);
            TVector ar;
            ar = TSimd.Broadcast(a);
            c0_0 = TSimd.MultiplyAdd(ar, b0, c0_0); c0_1 = TSimd.MultiplyAdd(ar, b1, c0_1);
            ar = TSimd.Broadcast(a + 1 * aRow);
            c1_0 = TSimd.MultiplyAdd(ar, b0, c1_0); c1_1 = TSimd.MultiplyAdd(ar, b1, c1_1);
            ar = TSimd.Broadcast(a + 2 * aRow);
            c2_0 = TSimd.MultiplyAdd(ar, b0, c2_0); c2_1 = TSimd.MultiplyAdd(ar, b1, c2_1);
            ar = TSimd.Broadcast(a + 3 * aRow);
            c3_0 = TSimd.MultiplyAdd(ar, b0, c3_0); c3_1 = TSimd.MultiplyAdd(ar, b1, c3_1);
            ar = TSimd.Broadcast(a + 4 * aRow);
            c4_0 = TSimd.MultiplyAdd(ar, b0, c4_0); c4_1 = TSimd.MultiplyAdd(ar, b1, c4_1);
            ar = TSimd.Broadcast(a + 5 * aRow);
            c5_0 = TSimd.MultiplyAdd(ar, b0, c5_0); c5_1 = TSimd.MultiplyAdd(ar, b1, c5_1);
            ar = TSimd.Broadcast(a + 6 * aRow);
            c6_0 = TSimd.MultiplyAdd(ar, b0, c6_0); c6_1 = TSimd.MultiplyAdd(ar, b1, c6_1);
            ar = TSimd.Broadcast(a + 7 * aRow);
            c7_0 = TSimd.MultiplyAdd(ar, b0, c7_0); c7_1 = TSimd.MultiplyAdd(ar, b1, c7_1);
            ar = TSimd.Broadcast(a + 8 * aRow);
            c8_0 = TSimd.MultiplyAdd(ar, b0, c8_0); c8_1 = TSimd.MultiplyAdd(ar, b1, c8_1);
            ar = TSimd.Broadcast(a + 9 * aRow);
            c9_0 = TSimd.MultiplyAdd(ar, b0, c9_0); c9_1 = TSimd.MultiplyAdd(ar, b1, c9_1);
            ar = TSimd.Broadcast(a + 10 * aRow);
            c10_0 = TSimd.MultiplyAdd(ar, b0, c10_0); c10_1 = TSimd.MultiplyAdd(ar, b1, c10_1);
            ar = TSimd.Broadcast(a + 11 * aRow);
            c11_0 = TSimd.MultiplyAdd(ar, b0, c11_0); c11_1 = TSimd.MultiplyAdd(ar, b1, c11_1);
            a += aStep;
            b += bStep;
        }

        T* row0 = c;
        Store<TVector, TSimd>(row0, c0_0, accumulate); Store<TVector, TSimd>(row0 + width, c0_1, accumulate);
        T* row1 = c + 1 * ldc;
        Store<TVector, TSimd>(row1, c1_0, accumulate); Store<TVector, TSimd>(row1 + width, c1_1, accumulate);
        T* row2 = c + 2 * ldc;
        Store<TVector, TSimd>(row2, c2_0, accumulate); Store<TVector, TSimd>(row2 + width, c2_1, accumulate);
        T* row3 = c + 3 * ldc;
        Store<TVector, TSimd>(row3, c3_0, accumulate); Store<TVector, TSimd>(row3 + width, c3_1, accumulate);
        T* row4 = c + 4 * ldc;
        Store<TVector, TSimd>(row4, c4_0, accumulate); Store<TVector, TSimd>(row4 + width, c4_1, accumulate);
        T* row5 = c + 5 * ldc;
        Store<TVector, TSimd>(row5, c5_0, accumulate); Store<TVector, TSimd>(row5 + width, c5_1, accumulate);
        T* row6 = c + 6 * ldc;
        Store<TVector, TSimd>(row6, c6_0, accumulate); Store<TVector, TSimd>(row6 + width, c6_1, accumulate);
        T* row7 = c + 7 * ldc;
        Store<TVector, TSimd>(row7, c7_0, accumulate); Store<TVector, TSimd>(row7 + width, c7_1, accumulate);
        T* row8 = c + 8 * ldc;
        Store<TVector, TSimd>(row8, c8_0, accumulate); Store<TVector, TSimd>(row8 + width, c8_1, accumulate);
        T* row9 = c + 9 * ldc;
        Store<TVector, TSimd>(row9, c9_0, accumulate); Store<TVector, TSimd>(row9 + width, c9_1, accumulate);
        T* row10 = c + 10 * ldc;
        Store<TVector, TSimd>(row10, c10_0, accumulate); Store<TVector, TSimd>(row10 + width, c10_1, accumulate);
        T* row11 = c + 11 * ldc;
        Store<TVector, TSimd>(row11, c11_0, accumulate); Store<TVector, TSimd>(row11 + width, c11_1, accumulate);
    }

    /// <summary>
    /// C[0..12, 0..V] (+)= A·B over kc steps, for products at most one vector wide (a layer with ten outputs): as
    /// <see cref="Rows12x2"/> with a panel of B one vector wide, so no FMA is spent on padding; 12 accumulators, which fit
    /// 16-register ISAs too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows12x1<TVector, TSimd>(nint kc, T* a, nint aStep, nint aRow, T* b, nint bStep, T* c, nint ldc, bool accumulate)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        nint width = TSimd.Count;
        TVector c0 = TSimd.Zero, c1 = TSimd.Zero, c2 = TSimd.Zero, c3 = TSimd.Zero, c4 = TSimd.Zero, c5 = TSimd.Zero;
        TVector c6 = TSimd.Zero, c7 = TSimd.Zero, c8 = TSimd.Zero, c9 = TSimd.Zero, c10 = TSimd.Zero, c11 = TSimd.Zero;
        for (nint p = 0; p < kc; p++)
        {
            TVector b0 = TSimd.Load(b);
            c0 = TSimd.MultiplyAdd(TSimd.Broadcast(a), b0, c0);
            c1 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 1 * aRow), b0, c1);
            c2 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 2 * aRow), b0, c2);
            c3 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 3 * aRow), b0, c3);
            c4 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 4 * aRow), b0, c4);
            c5 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 5 * aRow), b0, c5);
            c6 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 6 * aRow), b0, c6);
            c7 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 7 * aRow), b0, c7);
            c8 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 8 * aRow), b0, c8);
            c9 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 9 * aRow), b0, c9);
            c10 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 10 * aRow), b0, c10);
            c11 = TSimd.MultiplyAdd(TSimd.Broadcast(a + 11 * aRow), b0, c11);
            a += aStep;
            b += bStep;
        }

        Store<TVector, TSimd>(c, c0, accumulate);
        Store<TVector, TSimd>(c + 1 * ldc, c1, accumulate);
        Store<TVector, TSimd>(c + 2 * ldc, c2, accumulate);
        Store<TVector, TSimd>(c + 3 * ldc, c3, accumulate);
        Store<TVector, TSimd>(c + 4 * ldc, c4, accumulate);
        Store<TVector, TSimd>(c + 5 * ldc, c5, accumulate);
        Store<TVector, TSimd>(c + 6 * ldc, c6, accumulate);
        Store<TVector, TSimd>(c + 7 * ldc, c7, accumulate);
        Store<TVector, TSimd>(c + 8 * ldc, c8, accumulate);
        Store<TVector, TSimd>(c + 9 * ldc, c9, accumulate);
        Store<TVector, TSimd>(c + 10 * ldc, c10, accumulate);
        Store<TVector, TSimd>(c + 11 * ldc, c11, accumulate);
    }

    /// <summary>
    /// C[0..6, 0..2V] (+)= A·B over kc steps: A is a panel of 6 rows (the 6 values of each step together, steps
    /// <c>aStep</c> apart: MR when packed), B a panel 2 vectors wide (steps <c>bStep</c> apart); the 12 accumulators stay
    /// in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows6x2<TVector, TSimd>(nint kc, T* a, nint aStep, nint aRow, T* b, nint bStep, T* c, nint ldc, bool accumulate)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        nint width = TSimd.Count;
        TVector c0_0 = TSimd.Zero, c0_1 = TSimd.Zero;
        TVector c1_0 = TSimd.Zero, c1_1 = TSimd.Zero;
        TVector c2_0 = TSimd.Zero, c2_1 = TSimd.Zero;
        TVector c3_0 = TSimd.Zero, c3_1 = TSimd.Zero;
        TVector c4_0 = TSimd.Zero, c4_1 = TSimd.Zero;
        TVector c5_0 = TSimd.Zero, c5_1 = TSimd.Zero;
        for (nint p = 0; p < kc; p++)
        {
            TVector b0 = TSimd.Load(b), b1 = TSimd.Load(b + width);
            TVector ar;
            ar = TSimd.Broadcast(a);
            c0_0 = TSimd.MultiplyAdd(ar, b0, c0_0); c0_1 = TSimd.MultiplyAdd(ar, b1, c0_1);
            ar = TSimd.Broadcast(a + 1 * aRow);
            c1_0 = TSimd.MultiplyAdd(ar, b0, c1_0); c1_1 = TSimd.MultiplyAdd(ar, b1, c1_1);
            ar = TSimd.Broadcast(a + 2 * aRow);
            c2_0 = TSimd.MultiplyAdd(ar, b0, c2_0); c2_1 = TSimd.MultiplyAdd(ar, b1, c2_1);
            ar = TSimd.Broadcast(a + 3 * aRow);
            c3_0 = TSimd.MultiplyAdd(ar, b0, c3_0); c3_1 = TSimd.MultiplyAdd(ar, b1, c3_1);
            ar = TSimd.Broadcast(a + 4 * aRow);
            c4_0 = TSimd.MultiplyAdd(ar, b0, c4_0); c4_1 = TSimd.MultiplyAdd(ar, b1, c4_1);
            ar = TSimd.Broadcast(a + 5 * aRow);
            c5_0 = TSimd.MultiplyAdd(ar, b0, c5_0); c5_1 = TSimd.MultiplyAdd(ar, b1, c5_1);
            a += aStep;
            b += bStep;
        }

        T* row0 = c;
        Store<TVector, TSimd>(row0, c0_0, accumulate); Store<TVector, TSimd>(row0 + width, c0_1, accumulate);
        T* row1 = c + 1 * ldc;
        Store<TVector, TSimd>(row1, c1_0, accumulate); Store<TVector, TSimd>(row1 + width, c1_1, accumulate);
        T* row2 = c + 2 * ldc;
        Store<TVector, TSimd>(row2, c2_0, accumulate); Store<TVector, TSimd>(row2 + width, c2_1, accumulate);
        T* row3 = c + 3 * ldc;
        Store<TVector, TSimd>(row3, c3_0, accumulate); Store<TVector, TSimd>(row3 + width, c3_1, accumulate);
        T* row4 = c + 4 * ldc;
        Store<TVector, TSimd>(row4, c4_0, accumulate); Store<TVector, TSimd>(row4 + width, c4_1, accumulate);
        T* row5 = c + 5 * ldc;
        Store<TVector, TSimd>(row5, c5_0, accumulate); Store<TVector, TSimd>(row5 + width, c5_1, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TVector, TSimd>(T* destination, TVector value, bool accumulate)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
        => TSimd.Store(accumulate ? TSimd.Add(TSimd.Load(destination), value) : value, destination);
}

