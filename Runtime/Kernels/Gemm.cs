using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SourceGrad.Kernels;

/// <summary>
/// C (+)= op(A)·op(B) for row-major matrices, in the Goto/BLIS scheme: B is packed a depth block at a time into
/// panels two vectors wide (kept in L2), A into panels of MR rows (one panel sits in L1 while the B panels stream
/// past it), and a register-blocked micro-kernel computes each MR × 2V tile of C. Large products are split over
/// threads by rows (or by columns when there are too few rows), all threads sharing the packed B.
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
                Run<Vector512<T>, Simd512<T>>(problem, threads, TileShape512);
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

    /// <summary>The operands of one product; element accessors follow the transpose flags.</summary>
    private readonly struct Problem(T* a, T* b, T* c, int m, int k, int n, bool transposeA, bool transposeB, bool accumulate)
    {
        public readonly T* A = a, B = b, C = c;
        public readonly int M = m, K = k, N = n;
        public readonly bool TransposeA = transposeA, TransposeB = transposeB, Accumulate = accumulate;

        /// <summary>op(A)[i, p]: A is m×k, or k×m when transposed.</summary>
        public T OpA(int i, int p) => TransposeA ? A[(nint)p * M + i] : A[(nint)i * K + p];

        /// <summary>op(B)[p, j]: B is k×n, or n×k when transposed.</summary>
        public T OpB(int p, int j) => TransposeB ? B[(nint)j * K + p] : B[(nint)p * N + j];
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

                T* target = problem.C + (nint)i * problem.N + j;
                *target = problem.Accumulate ? *target + sum : sum;
            }
        }
    }

    internal static TileShape TileShape512 { get; set; } = TileShape.Rows12x2;

    private static void Run<TVector, TSimd>(in Problem problem, int threads, TileShape shape)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        int rowsPerTile = shape == TileShape.Rows12x2 ? 12 : 6;
        int panelWidth = (shape == TileShape.Rows6x4 ? 4 : 2) * TSimd.Count;
        int depthBlock = DepthBlock;
        Job<TVector, TSimd> job = Job<TVector, TSimd>.ForCurrentThread(problem, shape, rowsPerTile, panelWidth);
        for (int groupStart = 0; groupStart < problem.N; groupStart += ColumnGroup)
        {
            int groupColumns = Math.Min(ColumnGroup, problem.N - groupStart);
            int groupPanels = (groupColumns + panelWidth - 1) / panelWidth;
            for (int depthStart = 0; depthStart < problem.K; depthStart += depthBlock)
            {
                int depth = Math.Min(depthBlock, problem.K - depthStart);
                t_packedB ??= new AlignedBuffer<T>();
                job.Begin(groupStart, groupPanels, depthStart, depth, t_packedB.Reserve(groupPanels * panelWidth * depth));
                ForEachPart(threads, groupPanels, job.PackBPart);

                // Split the tile grid over the threads: by rows when there are enough rows, else by columns.
                int rowPanels = (problem.M + rowsPerTile - 1) / rowsPerTile;
                job.SplitByRows = rowPanels >= threads || rowPanels >= groupPanels;
                ForEachPart(threads, job.SplitByRows ? rowPanels : groupPanels, job.ComputePart);
            }
        }
    }

    /// <summary>Runs <paramref name="part"/> for each of up to <paramref name="threads"/> balanced slices of <paramref name="count"/> items.</summary>
    private static void ForEachPart(int threads, int count, Action<int, int> part)
    {
        int parts = Math.Min(threads, count);
        if (parts <= 1)
        {
            part(0, count);
            return;
        }

        ForEachPartInParallel(parts, count, part);
    }

    // Kept apart so that the lambda's closure is allocated only when the work really is split.
    private static void ForEachPartInParallel(int parts, int count, Action<int, int> part) =>
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts },
            index => part((int)((long)index * count / parts), (int)((long)(index + 1) * count / parts)));

    /// <summary>The state the packing and compute parts of one depth block share across threads.</summary>
    private sealed class Job<TVector, TSimd>
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        // One job per thread, reused: a steady-state product allocates nothing.
        [ThreadStatic]
        private static Job<TVector, TSimd>? t_cached;

        private Problem _problem;
        private TileShape _shape;
        private int _rowsPerTile;
        private int _panelWidth;
        private int _groupStart;
        private int _groupPanels;
        private int _depthStart;
        private int _depth;
        private T* _packedB;

        private Job()
        {
            PackBPart = PackB;
            ComputePart = Compute;
        }

        public static Job<TVector, TSimd> ForCurrentThread(in Problem problem, TileShape shape, int rowsPerTile, int panelWidth)
        {
            Job<TVector, TSimd> job = t_cached ??= new Job<TVector, TSimd>();
            job._problem = problem;
            job._shape = shape;
            job._rowsPerTile = rowsPerTile;
            job._panelWidth = panelWidth;
            return job;
        }

        public Action<int, int> PackBPart { get; }

        public Action<int, int> ComputePart { get; }

        public bool SplitByRows { get; set; }

        public void Begin(int groupStart, int groupPanels, int depthStart, int depth, T* packedB)
        {
            _groupStart = groupStart;
            _groupPanels = groupPanels;
            _depthStart = depthStart;
            _depth = depth;
            _packedB = packedB;
        }

        /// <summary>Packs column panels [first, end) of this group and depth block: per step, panelWidth values, zero-padded.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void PackB(int firstPanel, int endPanel)
        {
            ref readonly Problem p = ref _problem;
            int width = _panelWidth, depth = _depth;
            nint panelSize = (nint)depth * width;
            int column0 = _groupStart + firstPanel * width;
            int columns = Math.Min((endPanel - firstPanel) * width, p.N - column0);
            T* destination = _packedB + firstPanel * panelSize;
            if (!p.TransposeB)
            {
                // B is k×n: walk its rows in order (the prefetcher follows), dealing each row out to the panels.
                int fullPanels = columns / width, rest = columns - fullPanels * width;
                T* source = p.B + (nint)_depthStart * p.N + column0;
                for (int step = 0; step < depth; step++, source += p.N)
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
                        T* last = source + fullPanels * width;
                        for (int j = 0; j < width; j++)
                        {
                            target[j] = j < rest ? last[j] : T.Zero;
                        }
                    }
                }
            }
            else
            {
                // B is n×k: column j of op(B) is row j of B, contiguous along the depth.
                int paddedColumns = (endPanel - firstPanel) * width;
                for (int column = 0; column < paddedColumns; column++)
                {
                    T* source = column < columns ? p.B + (nint)(column0 + column) * p.K + _depthStart : null;
                    CopyToLane(source, destination + (column / width) * panelSize + column % width, depth, width);
                }
            }
        }

        /// <summary>
        /// Writes a contiguous run of <paramref name="depth"/> values into one lane of a packed panel (every
        /// <paramref name="stride"/>-th element), or zeros when <paramref name="source"/> is null (padding past the edge).
        /// </summary>
        private static void CopyToLane(T* source, T* lane, int depth, int stride)
        {
            for (int step = 0; step < depth; step++)
            {
                lane[(nint)step * stride] = source is null ? T.Zero : source[step];
            }
        }

        /// <summary>Packs rows [row0, row0 + rows) of op(A) for this depth block into panels of MR rows, zero-padded.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void PackA(int row0, int rows, T* destination)
        {
            ref readonly Problem p = ref _problem;
            int tileRows = _rowsPerTile, depth = _depth;
            nint panelSize = (nint)tileRows * depth;
            int paddedRows = (rows + tileRows - 1) / tileRows * tileRows;
            if (!p.TransposeA)
            {
                // A is m×k: step by step, gather the panel's rows (each step's values are then written contiguously,
                // and the rows' cache lines each serve many steps).
                for (int panelStart = 0; panelStart < paddedRows; panelStart += tileRows, destination += panelSize)
                {
                    int panelRows = Math.Min(tileRows, rows - panelStart);
                    T* source = p.A + (nint)(row0 + panelStart) * p.K + _depthStart;
                    nint rowStride = p.K;
                    T* target = destination;
                    for (int step = 0; step < depth; step++, source++, target += tileRows)
                    {
                        T* value = source;
                        for (int lane = 0; lane < panelRows; lane++, value += rowStride)
                        {
                            target[lane] = *value;
                        }

                        for (int lane = panelRows; lane < tileRows; lane++)
                        {
                            target[lane] = T.Zero;
                        }
                    }
                }
            }
            else
            {
                // A is k×m: walk its rows in order, dealing each row's segment out to the panels.
                T* source = p.A + (nint)_depthStart * p.M + row0;
                for (int step = 0; step < depth; step++, source += p.M)
                {
                    T* target = destination + (nint)step * tileRows;
                    for (int r = 0; r < paddedRows; r += tileRows, target += panelSize)
                    {
                        for (int lane = 0; lane < tileRows; lane++)
                        {
                            target[lane] = r + lane < rows ? source[r + lane] : T.Zero;
                        }
                    }
                }
            }
        }

        /// <summary>Computes the slice [first, end) of row panels (or of column panels) of C for this depth block.</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Compute(int first, int end)
        {
            ref readonly Problem p = ref _problem;
            int tileRows = _rowsPerTile;
            int width = _panelWidth;
            int rowStart = SplitByRows ? first * tileRows : 0;
            int rowEnd = SplitByRows ? Math.Min(p.M, end * tileRows) : p.M;
            int panelStart = SplitByRows ? 0 : first;
            int panelEnd = SplitByRows ? _groupPanels : end;

            // The first depth block of an overwriting product stores; every later block adds.
            bool accumulate = p.Accumulate || _depthStart > 0;
            t_packedA ??= new AlignedBuffer<T>();
            T* packedA = t_packedA.Reserve(RowBlock * _depth);
            T* edgeTile = stackalloc T[12 * 4 * Vector512<T>.Count];
            for (int blockStart = rowStart; blockStart < rowEnd; blockStart += RowBlock)
            {
                int blockRows = Math.Min(RowBlock, rowEnd - blockStart);
                PackA(blockStart, blockRows, packedA);
                for (int sweepStart = panelStart; sweepStart < panelEnd; sweepStart += ColumnBlockPanels)
                {
                    int sweepEnd = Math.Min(panelEnd, sweepStart + ColumnBlockPanels);
                    for (int tileRow = 0; tileRow < blockRows; tileRow += tileRows)
                    {
                        T* panelA = packedA + (nint)tileRow * _depth;
                        int rows = Math.Min(tileRows, blockRows - tileRow);
                        T* rowOfC = p.C + (nint)(blockStart + tileRow) * p.N;
                        for (int panel = sweepStart; panel < sweepEnd; panel++)
                        {
                            T* panelB = _packedB + (nint)panel * _depth * width;
                            int column0 = _groupStart + panel * width;
                            int columns = Math.Min(width, p.N - column0);
                            if (rows == tileRows && columns == width)
                            {
                                Kernel(panelA, panelB, rowOfC + column0, p.N, accumulate);
                            }
                            else
                            {
                                // A ragged edge: compute the whole tile aside, then merge the part inside C.
                                Kernel(panelA, panelB, edgeTile, width, accumulate: false);
                                MergeEdge(edgeTile, width, rowOfC + column0, p.N, rows, columns, accumulate);
                            }
                        }
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Kernel(T* panelA, T* panelB, T* c, nint ldc, bool accumulate)
        {
            switch (_shape)
            {
                case TileShape.Rows12x2:
                    MicroKernel<T>.Rows12x2<TVector, TSimd>(_depth, panelA, panelB, c, ldc, accumulate);
                    break;
                case TileShape.Rows6x4:
                    MicroKernel<T>.Rows6x4<TVector, TSimd>(_depth, panelA, panelB, c, ldc, accumulate);
                    break;
                default:
                    MicroKernel<T>.Rows6x2<TVector, TSimd>(_depth, panelA, panelB, c, ldc, accumulate);
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

    /// <summary>For 32-register ISAs: 24 accumulators, one broadcast per four FMAs (fewer load uops per FMA).</summary>
    Rows6x4,
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
