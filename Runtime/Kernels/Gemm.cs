using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SourceGrad.Kernels;

/// <summary>
/// C (+)= op(A)·op(B) for row-major matrices, in the Goto/BLIS scheme: B is packed a depth block at a time into
/// panels two vectors wide (kept in L2), A into panels of MR rows (one panel sits in L1 while the B panels stream
/// past it), and a register-blocked micro-kernel computes each MR × 2V tile of C. A large product is cut into one
/// block of C per thread (by columns or by rows) and each thread runs the whole scheme on its block with its own
/// packing buffers: one fork and one join per product, no sharing between threads in between.
/// </summary>
internal static unsafe class Gemm<T>
    where T : unmanaged, INumber<T>
{
    /// <summary>Depth of a block (kc): 1 KiB of each packed row, so 12 rows of A stay in L1 beside the B stream.</summary>
    private static int DepthBlock => 1024 / Unsafe.SizeOf<T>();

    /// <summary>Rows of A packed at once (mc): a multiple of every MR.</summary>
    private const int RowBlock = 384;

    /// <summary>Column panels swept per row panel: DepthBlock × ColumnBlock of packed B stays in L2.</summary>
    private const int ColumnBlockPanels = 16;

    /// <summary>
    /// Up to this many column panels, a transposed A (stored k×m, so each step's MR values already lie side by side)
    /// is read in place rather than packed: with so few panels to share it, packing cost as much as the product.
    /// </summary>
    private const int InPlaceTransposedAPanels = 4;

    /// <summary>At most this many columns of B are packed at once, which bounds the packing buffer.</summary>
    private const int ColumnGroup = 4096;

    /// <summary>Below this many multiply-adds a product stays on the calling thread: the fork costs more.</summary>
    internal const long ParallelThreshold = 128L * 128 * 64;

    [ThreadStatic] private static AlignedBuffer<T>? t_packedA;
    [ThreadStatic] private static AlignedBuffer<T>? t_packedB;

    public static void Multiply(
        T* a, T* b, T* c, int m, int k, int n, bool transposeA, bool transposeB, bool accumulate, int maxThreads)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            // An empty sum: C = 0, or C unchanged.
            if (!accumulate)
            {
                new Span<T>(c, m * n).Clear();
            }

            return;
        }

        GemmPath path = GemmPaths.Current;
        if ((m == 1 || n == 1) && path != GemmPath.Scalar)
        {
            // A matrix times a vector is memory-bound: no packing, and one thread (a second one would share the bandwidth).
            MatrixVector<T>.Multiply(a, b, c, m, k, n, transposeA, transposeB, accumulate, path);
            return;
        }

        var problem = new Problem(a, b, c, m, k, n, transposeA, transposeB, accumulate);
        int threads = (long)m * n * k >= ParallelThreshold ? Math.Max(1, maxThreads) : 1;
        switch (path)
        {
            case GemmPath.Vector512:
                Run<Vector512<T>, Simd512<T>>(problem, threads, TileShape.Rows12x2);
                break;
            case GemmPath.Vector256:
                Run<Vector256<T>, Simd256<T>>(problem, threads, TileShape.Rows6x2);
                break;
            case GemmPath.Vector128:
                Run<Vector128<T>, Simd128<T>>(problem, threads, TileShape.Rows6x2);
                break;
            default:
                MultiplyScalar(problem);
                break;
        }
    }

    /// <summary>
    /// The operands of one product, or of one block of it: each matrix has its own row stride (leading dimension), so
    /// a block of rows or columns of C is a product of the same form over sub-matrices.
    /// </summary>
    private readonly struct Problem
    {
        public readonly T* A, B, C;
        public readonly int M, K, N;

        /// <summary>Distance between consecutive stored rows of A, B and C.</summary>
        public readonly int StrideA, StrideB, StrideC;
        public readonly bool TransposeA, TransposeB, Accumulate;

        public Problem(T* a, T* b, T* c, int m, int k, int n, bool transposeA, bool transposeB, bool accumulate)
            : this(a, b, c, m, k, n, transposeA ? m : k, transposeB ? k : n, n, transposeA, transposeB, accumulate)
        {
        }

        private Problem(
            T* a, T* b, T* c, int m, int k, int n, int strideA, int strideB, int strideC,
            bool transposeA, bool transposeB, bool accumulate)
        {
            A = a;
            B = b;
            C = c;
            (M, K, N) = (m, k, n);
            (StrideA, StrideB, StrideC) = (strideA, strideB, strideC);
            (TransposeA, TransposeB, Accumulate) = (transposeA, transposeB, accumulate);
        }

        /// <summary>op(A)[i, p]: A is m×k, or k×m when transposed.</summary>
        public T OpA(int i, int p) => TransposeA ? A[(nint)p * StrideA + i] : A[(nint)i * StrideA + p];

        /// <summary>op(B)[p, j]: B is k×n, or n×k when transposed.</summary>
        public T OpB(int p, int j) => TransposeB ? B[(nint)j * StrideB + p] : B[(nint)p * StrideB + j];

        /// <summary>Rows [first, end) of C: the same rows of op(A), all of op(B).</summary>
        public Problem Rows(int first, int end) => new(
            TransposeA ? A + first : A + (nint)first * StrideA, B, C + (nint)first * StrideC,
            end - first, K, N, StrideA, StrideB, StrideC, TransposeA, TransposeB, Accumulate);

        /// <summary>Columns [first, end) of C: all of op(A), the same columns of op(B).</summary>
        public Problem Columns(int first, int end) => new(
            A, TransposeB ? B + (nint)first * StrideB : B + first, C + first,
            M, K, end - first, StrideA, StrideB, StrideC, TransposeA, TransposeB, Accumulate);
    }

    private static void MultiplyScalar(in Problem problem)
    {
        for (int i = 0; i < problem.M; i++)
        {
            for (int j = 0; j < problem.N; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < problem.K; p++)
                {
                    sum += problem.OpA(i, p) * problem.OpB(p, j);
                }

                T* target = problem.C + (nint)i * problem.StrideC + j;
                *target = problem.Accumulate ? *target + sum : sum;
            }
        }
    }

    private static void Run<TVector, TSimd>(in Problem problem, int threads, TileShape shape)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        var blocking = new Blocking(shape, TSimd.Count);
        if (threads > 1)
        {
            SplitWork<TVector, TSimd> work = SplitWork<TVector, TSimd>.ForCurrentThread(problem, blocking);
            int parts = work.Plan(threads);
            if (parts > 1)
            {
                GemmWorkers.Run(work, parts);
                return;
            }
        }

        RunOnThisThread<TVector, TSimd>(problem, blocking, problem.N);
    }

    /// <summary>The register tile and panel sizes of one micro-kernel.</summary>
    private readonly struct Blocking(TileShape shape, int vectorCount)
    {
        public readonly TileShape Shape = shape;

        /// <summary>MR: rows of a tile and of a packed panel of A.</summary>
        public readonly int TileRows = shape == TileShape.Rows12x2 ? 12 : 6;

        /// <summary>NR: columns of a tile and of a packed panel of B.</summary>
        public readonly int PanelWidth = 2 * vectorCount;
    }

    /// <summary>
    /// A product cut into one block of C per thread. Columns when C is at least as wide as it is tall (each thread then
    /// packs all of A but only its share of B, whose packed panels are what each core keeps in its L2), else rows (each
    /// packs its rows of A and all of B): the repeated packing is the smaller operand. Cuts fall on tile boundaries.
    /// Every element of C is summed in the same order whichever block holds it, so the result does not depend on the
    /// number of threads.
    /// </summary>
    private sealed class SplitWork<TVector, TSimd> : ParallelWork
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        // One per calling thread, reused: a steady-state product allocates nothing.
        [ThreadStatic]
        private static SplitWork<TVector, TSimd>? t_cached;

        private Problem _problem;
        private Blocking _blocking;
        private bool _byColumns;
        private int _units;

        public static SplitWork<TVector, TSimd> ForCurrentThread(in Problem problem, Blocking blocking)
        {
            SplitWork<TVector, TSimd> work = t_cached ??= new SplitWork<TVector, TSimd>();
            work._problem = problem;
            work._blocking = blocking;
            return work;
        }

        /// <summary>Chooses the cut for up to <paramref name="threads"/> parts and returns the number of parts.</summary>
        public int Plan(int threads)
        {
            int rowTiles = (_problem.M + _blocking.TileRows - 1) / _blocking.TileRows;
            int columnPanels = (_problem.N + _blocking.PanelWidth - 1) / _blocking.PanelWidth;
            _byColumns = _problem.M <= _problem.N ? columnPanels >= threads || columnPanels >= rowTiles
                : rowTiles < threads && columnPanels > rowTiles;
            _units = _byColumns ? columnPanels : rowTiles;
            return Math.Min(threads, _units);
        }

        public override void RunPart(int part, int parts)
        {
            // Whole tiles per part, as even as they divide.
            int firstUnit = (int)((long)part * _units / parts), endUnit = (int)((long)(part + 1) * _units / parts);
            Problem block = _byColumns
                ? _problem.Columns(firstUnit * _blocking.PanelWidth, Math.Min(_problem.N, endUnit * _blocking.PanelWidth))
                : _problem.Rows(firstUnit * _blocking.TileRows, Math.Min(_problem.M, endUnit * _blocking.TileRows));
            RunOnThisThread<TVector, TSimd>(block, _blocking, _problem.N);
        }
    }

    /// <summary>The whole blocked product (or one thread's share of it) on the calling thread, with its packing buffers.</summary>
    /// <param name="problem">The product, or this thread's share of it.</param>
    /// <param name="blocking">The tile and panel sizes.</param>
    /// <param name="productColumns">The whole product's width, which B's packing buffer is reserved for (see below).</param>
    private static void RunOnThisThread<TVector, TSimd>(in Problem problem, in Blocking blocking, int productColumns)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        int panelWidth = blocking.PanelWidth;
        int depthBlock = DepthBlock;
        t_packedA ??= new AlignedBuffer<T>();
        t_packedB ??= new AlignedBuffer<T>();
        T* packedA = t_packedA.Reserve(RowBlock * Math.Min(depthBlock, problem.K));

        // For the whole product, not this share: a caller runs every share itself when the workers are busy, and the
        // shares differ in width, so reserving for its own share would grow the buffer then, in steady state.
        int reservedPanels = (Math.Min(ColumnGroup, productColumns) + panelWidth - 1) / panelWidth;
        T* packedB = t_packedB.Reserve(reservedPanels * panelWidth * Math.Min(depthBlock, problem.K));
        for (int groupStart = 0; groupStart < problem.N; groupStart += ColumnGroup)
        {
            int groupColumns = Math.Min(ColumnGroup, problem.N - groupStart);
            int groupPanels = (groupColumns + panelWidth - 1) / panelWidth;
            for (int depthStart = 0; depthStart < problem.K; depthStart += depthBlock)
            {
                int depth = Math.Min(depthBlock, problem.K - depthStart);
                var block = new DepthBlockOf(groupStart, groupPanels, depthStart, depth, packedB);
                PackB<TVector, TSimd>(problem, blocking, block);
                Compute<TVector, TSimd>(problem, blocking, block, packedA);
            }
        }
    }

    /// <summary>One depth block of one column group: where it starts, its size, and its packed B.</summary>
    private readonly struct DepthBlockOf(int groupStart, int groupPanels, int depthStart, int depth, T* packedB)
    {
        public readonly int GroupStart = groupStart, GroupPanels = groupPanels, DepthStart = depthStart, Depth = depth;
        public readonly T* PackedB = packedB;
    }

    /// <summary>Packs the column panels of this group and depth block: per step, panelWidth values, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB<TVector, TSimd>(in Problem p, in Blocking blocking, in DepthBlockOf block)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        int width = blocking.PanelWidth, depth = block.Depth;
        nint panelSize = (nint)depth * width;
        int column0 = block.GroupStart;
        int columns = Math.Min(block.GroupPanels * width, p.N - column0);
        T* destination = block.PackedB;
        if (!p.TransposeB)
        {
            // B is k×n: walk its rows in order (the prefetcher follows), dealing each row out to the panels.
            int fullPanels = columns / width, rest = columns - fullPanels * width;
            T* source = p.B + (nint)block.DepthStart * p.StrideB + column0;
            for (int step = 0; step < depth; step++, source += p.StrideB)
            {
                T* target = destination + (nint)step * width;
                for (int panel = 0; panel < fullPanels; panel++, target += panelSize)
                {
                    for (int offset = 0; offset < width; offset += TSimd.Count)
                    {
                        TSimd.Store(TSimd.Load(source + panel * width + offset), target + offset);
                    }
                }

                if (rest > 0)
                {
                    CopyPadded(source + fullPanels * width, target, rest, width);
                }
            }
        }
        else
        {
            // B is n×k: column j of op(B) is row j of B, contiguous along the depth.
            int paddedColumns = block.GroupPanels * width;
            for (int column = 0; column < paddedColumns; column++)
            {
                T* source = column < columns ? p.B + (nint)(column0 + column) * p.StrideB + block.DepthStart : null;
                CopyToLane(source, destination + (column / width) * panelSize + column % width, depth, width);
            }
        }
    }

    /// <summary>Copies <paramref name="count"/> values and zeros the rest of the <paramref name="width"/> after them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPadded(T* source, T* target, int count, int width)
    {
        new ReadOnlySpan<T>(source, count).CopyTo(new Span<T>(target, count));
        if (count < width)
        {
            new Span<T>(target + count, width - count).Clear();
        }
    }

    /// <summary>
    /// Writes a contiguous run of <paramref name="depth"/> values into one lane of a packed panel (every
    /// <paramref name="stride"/>-th element), or zeros when <paramref name="source"/> is null (padding past the edge).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyToLane(T* source, T* lane, int depth, nint stride)
    {
        T* end = source + depth;
        if (source is null)
        {
            for (int step = 0; step < depth; step++, lane += stride)
            {
                *lane = T.Zero;
            }

            return;
        }

        for (; source < end; source++, lane += stride)
        {
            *lane = *source;
        }
    }

    /// <summary>Packs rows [row0, row0 + rows) of op(A) for this depth block into panels of MR rows, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(in Problem p, int tileRows, in DepthBlockOf block, int row0, int rows, T* destination)
    {
        int depth = block.Depth;
        nint panelSize = (nint)tileRows * depth;
        int paddedRows = (rows + tileRows - 1) / tileRows * tileRows;
        if (!p.TransposeA)
        {
            // A is m×k: row by row, read along the row (in memory order) and deal the values out to the row's lane.
            for (int panelStart = 0; panelStart < paddedRows; panelStart += tileRows, destination += panelSize)
            {
                int panelRows = Math.Min(tileRows, rows - panelStart);
                for (int lane = 0; lane < tileRows; lane++)
                {
                    T* source = lane < panelRows ? p.A + (nint)(row0 + panelStart + lane) * p.StrideA + block.DepthStart : null;
                    CopyToLane(source, destination + lane, depth, tileRows);
                }
            }
        }
        else
        {
            // A is k×m: each step's values for a panel are contiguous: copy them whole.
            T* source = p.A + (nint)block.DepthStart * p.StrideA + row0;
            int fullPanels = rows / tileRows, rest = rows - fullPanels * tileRows;
            for (int step = 0; step < depth; step++, source += p.StrideA)
            {
                T* target = destination + (nint)step * tileRows;
                for (int panel = 0; panel < fullPanels; panel++, target += panelSize)
                {
                    CopyPadded(source + panel * tileRows, target, tileRows, tileRows);
                }

                if (rest > 0)
                {
                    CopyPadded(source + fullPanels * tileRows, target, rest, tileRows);
                }
            }
        }
    }

    /// <summary>Computes every tile of C for this depth block and column group, packing A a row block at a time.</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compute<TVector, TSimd>(in Problem p, in Blocking blocking, in DepthBlockOf block, T* packedA)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        int tileRows = blocking.TileRows;
        int width = blocking.PanelWidth;
        int depth = block.Depth;

        // The first depth block of an overwriting product stores; every later block adds.
        bool accumulate = p.Accumulate || block.DepthStart > 0;
        bool aInPlace = p.TransposeA && block.GroupPanels <= InPlaceTransposedAPanels;
        T* edgeTile = stackalloc T[12 * 4 * Vector512<T>.Count];
        for (int blockStart = 0; blockStart < p.M; blockStart += RowBlock)
        {
            int blockRows = Math.Min(RowBlock, p.M - blockStart);
            int fullTileRows = blockRows - blockRows % tileRows;
            if (!aInPlace)
            {
                PackA(p, tileRows, block, blockStart, blockRows, packedA);
            }
            else if (fullTileRows < blockRows)
            {
                // Only the ragged last panel: read in place, its last step would run past the end of A.
                PackA(p, tileRows, block, blockStart + fullTileRows, blockRows - fullTileRows, packedA + (nint)fullTileRows * depth);
            }

            for (int sweepStart = 0; sweepStart < block.GroupPanels; sweepStart += ColumnBlockPanels)
            {
                int sweepEnd = Math.Min(block.GroupPanels, sweepStart + ColumnBlockPanels);
                for (int tileRow = 0; tileRow < blockRows; tileRow += tileRows)
                {
                    bool inPlace = aInPlace && tileRow < fullTileRows;
                    T* panelA = inPlace ? p.A + (nint)block.DepthStart * p.StrideA + blockStart + tileRow : packedA + (nint)tileRow * depth;
                    nint aStep = inPlace ? p.StrideA : tileRows;
                    int rows = Math.Min(tileRows, blockRows - tileRow);
                    T* rowOfC = p.C + (nint)(blockStart + tileRow) * p.StrideC;
                    for (int panel = sweepStart; panel < sweepEnd; panel++)
                    {
                        T* panelB = block.PackedB + (nint)panel * depth * width;
                        int column0 = block.GroupStart + panel * width;
                        int columns = Math.Min(width, p.N - column0);
                        if (rows == tileRows && columns == width)
                        {
                            Kernel<TVector, TSimd>(blocking.Shape, depth, panelA, aStep, panelB, rowOfC + column0, p.StrideC, accumulate);
                        }
                        else
                        {
                            // A ragged edge: compute the whole tile aside, then merge the part inside C.
                            Kernel<TVector, TSimd>(blocking.Shape, depth, panelA, aStep, panelB, edgeTile, width, accumulate: false);
                            MergeEdge(edgeTile, width, rowOfC + column0, p.StrideC, rows, columns, accumulate);
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel<TVector, TSimd>(TileShape shape, int depth, T* panelA, nint aStep, T* panelB, T* c, nint ldc, bool accumulate)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        switch (shape)
        {
            case TileShape.Rows12x2:
                MicroKernel<T>.Rows12x2<TVector, TSimd>(depth, panelA, aStep, panelB, c, ldc, accumulate);
                break;
            default:
                MicroKernel<T>.Rows6x2<TVector, TSimd>(depth, panelA, aStep, panelB, c, ldc, accumulate);
                break;
        }
    }

    private static void MergeEdge(T* tile, int tileStride, T* c, int ldc, int rows, int columns, bool accumulate)
    {
        for (int r = 0; r < rows; r++)
        {
            T* source = tile + (nint)r * tileStride;
            T* target = c + (nint)r * ldc;
            for (int j = 0; j < columns; j++)
            {
                target[j] = accumulate ? target[j] + source[j] : source[j];
            }
        }
    }
}

/// <summary>The instruction set a product runs on; tests force each one the machine has.</summary>
internal enum GemmPath
{
    Scalar,
    Vector128,
    Vector256,
    Vector512,
}

internal static class GemmPaths
{
    /// <summary>
    /// The best path here. AVX-512 is used whenever the CPU has it, even where the runtime prefers 256-bit vectors
    /// (CPUs that clock down under AVX-512): a compute-bound product still gains from twice the FMA width.
    /// </summary>
    public static GemmPath Best { get; } =
        Avx512F.IsSupported || Vector512.IsHardwareAccelerated ? GemmPath.Vector512
        : Vector256.IsHardwareAccelerated ? GemmPath.Vector256
        : Vector128.IsHardwareAccelerated ? GemmPath.Vector128
        : GemmPath.Scalar;

    /// <summary>The path products take; tests set it to any path at or below <see cref="Best"/>.</summary>
    public static GemmPath Current { get; set; } = Best;
}

/// <summary>The register tile of a micro-kernel: rows of C × vectors of columns.</summary>
internal enum TileShape
{
    /// <summary>For 16-register ISAs (AVX2, SSE): 12 accumulators.</summary>
    Rows6x2,

    /// <summary>For 32-register ISAs: 24 accumulators, one broadcast per two FMAs.</summary>
    Rows12x2,
}

/// <summary>
/// A growable, 64-byte-aligned, pinned scratch buffer kept per thread, so packing never allocates in steady state
/// (allocating large packing buffers per call made products several times slower and noisy).
/// </summary>
internal sealed unsafe class AlignedBuffer<T>
    where T : unmanaged
{
    private const int Alignment = 64;
    private T[] _array = [];
    private T* _aligned;

    public T* Reserve(int length)
    {
        if (_array.Length - Alignment / sizeof(T) < length)
        {
            // Pinned (POH), so the aligned pointer stays valid for the array's lifetime.
            _array = GC.AllocateUninitializedArray<T>(length + Alignment / sizeof(T), pinned: true);
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
            _aligned = (T*)((address + Alignment - 1) & ~(nint)(Alignment - 1));
        }

        return _aligned;
    }
}
