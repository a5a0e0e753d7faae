using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SourceGrad.Kernels;

/// <summary>
/// C (+)= op(A)·op(B) for row-major matrices, in the Goto/BLIS scheme: B is packed a depth block at a time into
/// panels two vectors wide (one, for a product at most one vector wide; kept in L2), or read in place when it is
/// narrow (see <see cref="InPlaceBRowBytes"/>), A into panels of MR rows (one
/// panel sits in L1 while the B panels stream past it; read in place when few panels share it), and a
/// register-blocked micro-kernel computes each MR × NR tile of C. On several threads (one fork and one
/// join per product) each thread computes a range of C's tiles, packing what it reads into its own buffers, and takes
/// tiles from the others' ranges when its own is done (see <see cref="SharedWork{TVector, TSimd}"/>).
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
    /// Up to this many column panels of 512-bit vectors, A is read in place rather than packed: with so few panels to
    /// share it, packing cost as much as the product. The micro-kernel takes A's layout as two strides: between steps and
    /// between rows.
    /// </summary>
    private const int InPlaceAPanels512 = 4;

    /// <summary>
    /// The same bound for narrower vectors, whose panels are narrower and each pass over A shorter: on the Zen 3 (AVX2,
    /// a probe) reading A in place beat packing it, plain or transposed, at every width tried from 6 to 16 panels of 16
    /// floats, and was slower transposed from 24 on (docs/matmul.md). Doubles and 128-bit vectors take the same bound,
    /// less measured.
    /// </summary>
    private const int InPlaceAPanelsNarrow = 16;

    /// <summary>
    /// A plain (not transposed) B whose rows are at most this long, and cover whole panels, is read where it is stored
    /// rather than packed (with narrow vectors only when A has at most <see cref="InPlaceBMaxRowsNarrow"/> rows): a depth
    /// block of it then spans no more memory than its packed copy would (128 KB of floats), and the prefetcher follows
    /// its rows as well. Packing such a B costs a copy of the whole matrix per product, which few rows of A share (the
    /// MLP's first layer at batch 64); docs/matmul.md has the measurements. Such a B has at most as many panels as A is
    /// read in place for, so A is then read in place too.
    /// </summary>
    private const int InPlaceBRowBytes = 512;

    /// <summary>
    /// With vectors narrower than 512 bits, the most rows of A for which B is read in place. A panel read in place steps
    /// a whole stored row at a time, so its rows fall in a few sets of the L1 cache and cannot all stay there from one
    /// row tile of A to the next; with more rows of A to share it the packed copy wins again (on the Zen 3 the MLP's
    /// 128-row shards and its 256-row one-thread step ran slower in place). With 512-bit vectors, where it was measured
    /// on the Zen 5 at any number of rows, B stays in place for every A.
    /// </summary>
    private const int InPlaceBMaxRowsNarrow = 64;

    /// <summary>Whether the one-thread product reads B in place (see <see cref="InPlaceBRowBytes"/>).</summary>
    private static bool ReadsBInPlace(in Problem problem, in Blocking blocking) =>
        !problem.TransposeB && problem.M <= blocking.InPlaceBMaxRows &&
        (long)problem.N * Unsafe.SizeOf<T>() <= InPlaceBRowBytes && problem.N % blocking.PanelWidth == 0;

    /// <summary>Whether a one-thread product of these sizes on <paramref name="path"/> reads B in place (for tests).</summary>
    internal static bool ReadsBInPlace(int m, int k, int n, bool transposeB, GemmPath path)
    {
        if (path == GemmPath.Scalar || m <= 1 || n <= 1)
        {
            // The scalar loops and the matrix-vector kernels read every operand in place, unblocked.
            return false;
        }

        var problem = new Problem(null, null, null, m, k, n, transposeA: false, transposeB, accumulate: false);
        return ReadsBInPlace(problem, BlockingFor(problem, path));
    }

    /// <summary>Whether a product <paramref name="n"/> columns wide on <paramref name="path"/> reads A in place (for tests).</summary>
    internal static bool ReadsAInPlace(int m, int n, GemmPath path)
    {
        if (path == GemmPath.Scalar || m <= 1 || n <= 1)
        {
            return false;
        }

        var problem = new Problem(null, null, null, m, 1, n, transposeA: false, transposeB: false, accumulate: false);
        Blocking blocking = BlockingFor(problem, path);
        return blocking.ReadsAInPlace(GroupPanels(problem, blocking, 0));
    }

    /// <summary>The elements of T in one vector of a vectorised path.</summary>
    private static int VectorCountOf(GemmPath path) => path switch
    {
        GemmPath.Vector512 => Vector512<T>.Count,
        GemmPath.Vector256 => Vector256<T>.Count,
        GemmPath.Vector128 => Vector128<T>.Count,
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Only the vectorised paths are blocked."),
    };

    /// <summary>The register tile of a vectorised path's micro-kernel for products wider than one vector.</summary>
    private static TileShape TileShapeOf(GemmPath path) => path switch
    {
        GemmPath.Vector512 => TileShape.Rows12x2,
        GemmPath.Vector256 or GemmPath.Vector128 => TileShape.Rows6x2,
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Only the vectorised paths are blocked."),
    };

    /// <summary>
    /// The blocking of <paramref name="problem"/> on <paramref name="path"/>: tiles one vector wide when C is no wider
    /// than a vector, the path's tile otherwise.
    /// </summary>
    private static Blocking BlockingFor(in Problem problem, GemmPath path)
    {
        int vectorCount = VectorCountOf(path);
        return new Blocking(problem.N <= vectorCount ? TileShape.Rows12x1 : TileShapeOf(path), vectorCount);
    }

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
                Run<Vector512<T>, Simd512<T>>(problem, threads, path);
                break;
            case GemmPath.Vector256:
                Run<Vector256<T>, Simd256<T>>(problem, threads, path);
                break;
            case GemmPath.Vector128:
                Run<Vector128<T>, Simd128<T>>(problem, threads, path);
                break;
            default:
                MultiplyScalar(problem);
                break;
        }
    }

    /// <summary>The operands of one product: row-major matrices and the distance between their stored rows.</summary>
    private readonly struct Problem(T* a, T* b, T* c, int m, int k, int n, bool transposeA, bool transposeB, bool accumulate)
    {
        public readonly T* A = a, B = b, C = c;
        public readonly int M = m, K = k, N = n;

        /// <summary>Distance between consecutive stored rows of A, B and C.</summary>
        public readonly int StrideA = transposeA ? m : k, StrideB = transposeB ? k : n, StrideC = n;
        public readonly bool TransposeA = transposeA, TransposeB = transposeB, Accumulate = accumulate;

        /// <summary>op(A)[i, p]: A is m×k, or k×m when transposed.</summary>
        public T OpA(int i, int p) => TransposeA ? A[(nint)p * StrideA + i] : A[(nint)i * StrideA + p];

        /// <summary>op(B)[p, j]: B is k×n, or n×k when transposed.</summary>
        public T OpB(int p, int j) => TransposeB ? B[(nint)j * StrideB + p] : B[(nint)p * StrideB + j];
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

    private static void Run<TVector, TSimd>(in Problem problem, int threads, GemmPath path)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        Blocking blocking = BlockingFor(problem, path);
        if (threads > 1)
        {
            SharedWork<TVector, TSimd> work = SharedWork<TVector, TSimd>.ForCurrentThread(problem, blocking);
            int parts = work.Plan(threads);
            if (parts > 1)
            {
                GemmWorkers.Run(work, parts);
                return;
            }
        }

        RunOnThisThread<TVector, TSimd>(problem, blocking);
    }

    /// <summary>The register tile and panel sizes of one micro-kernel.</summary>
    private readonly struct Blocking(TileShape shape, int vectorCount)
    {
        public readonly TileShape Shape = shape;

        /// <summary>MR: rows of a tile and of a packed panel of A.</summary>
        public readonly int TileRows = shape == TileShape.Rows6x2 ? 6 : 12;

        /// <summary>NR: columns of a tile and of a packed panel of B.</summary>
        public readonly int PanelWidth = shape == TileShape.Rows12x1 ? vectorCount : 2 * vectorCount;

        /// <summary>Whether the vectors are 512 bits wide: the bounds on reading A and B in place differ for them.</summary>
        private readonly bool _wide = vectorCount * Unsafe.SizeOf<T>() >= Vector512<byte>.Count;

        /// <summary>The most rows of A for which B may be read in place (see <see cref="InPlaceBMaxRowsNarrow"/>).</summary>
        public int InPlaceBMaxRows => _wide ? int.MaxValue : InPlaceBMaxRowsNarrow;

        /// <summary>
        /// Whether a column group of <paramref name="groupPanels"/> panels reads A in place (see
        /// <see cref="InPlaceAPanels512"/> and <see cref="InPlaceAPanelsNarrow"/>).
        /// </summary>
        public bool ReadsAInPlace(int groupPanels) => groupPanels <= (_wide ? InPlaceAPanels512 : InPlaceAPanelsNarrow);

        /// <summary>Row tiles covering <paramref name="rows"/> rows (the last one ragged).</summary>
        public int RowTiles(int rows) => (rows + TileRows - 1) / TileRows;

        /// <summary>Column panels covering <paramref name="columns"/> columns (the last one padded).</summary>
        public int Panels(int columns) => (columns + PanelWidth - 1) / PanelWidth;
    }

    /// <summary>The column panels of the column group that starts at <paramref name="groupStart"/>.</summary>
    private static int GroupPanels(in Problem problem, in Blocking blocking, int groupStart) =>
        blocking.Panels(Math.Min(ColumnGroup, problem.N - groupStart));

    /// <summary>The length of a packed depth block of B: the first (widest) column group at the full depth.</summary>
    private static int PackedBLength(in Problem problem, in Blocking blocking) =>
        GroupPanels(problem, blocking, 0) * blocking.PanelWidth * Math.Min(DepthBlock, problem.K);

    /// <summary>
    /// A product shared by several threads, phase by phase: a phase is one depth block of one column group. Its tiles of
    /// C are cut into units (a chunk of row tiles × a chunk of column panels); each thread owns a contiguous range of
    /// them, and a thread whose range is done takes units from the others' in turn. Taking work rather than owning a
    /// fixed share is what makes the product robust to a core that is briefly busy elsewhere: the others do its work,
    /// and a late thread waits for at most one unit. Each thread packs, into its own buffers, the A rows of each unit and
    /// the B panels of each column chunk it computes in the phase: a buffer one core writes and another reads cost
    /// more on this machine's VM than packing twice (docs/matmul.md). The ranges split the rows or the columns,
    /// whichever leaves less for every thread to pack again, and a thread keeps its units, and their tiles of C in its
    /// cache, from phase to phase.
    /// </summary>
    /// <remarks>
    /// Every wait is for work some running thread has already taken (a thread leaves a phase only once all its units are
    /// taken, and waits only for a unit it holds to be done in the phase before or, at a new group, for the phase
    /// before), so a thread that starts late, or never, cannot block the others: one thread alone does it all, which
    /// is what happens when another caller holds the workers. Each element of C is summed in the same order whichever
    /// thread computes its tile, so the result does not depend on the number of threads.
    /// </remarks>
    private sealed class SharedWork<TVector, TSimd> : ParallelWork
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        /// <summary>
        /// Units per phase aimed at, per thread: enough that the last unit, which one thread may finish alone, is a small
        /// share of the phase; few enough that a unit's rows reuse each sweep of B many times while it is in L2.
        /// </summary>
        private const int UnitsPerThread = 4;

        /// <summary>
        /// A unit cut from a row tile spans at least this many column panels, so packing its A stays cheap beside it
        /// (when A is read in place there is nothing to pack, and a unit may be a single panel). Set with 512-bit
        /// vectors and kept for narrow ones, where A is packed only above 16 panels; not measured there.
        /// </summary>
        private const int MinPanelsPerUnit = 4;

        /// <summary>The counters of one phase, in <see cref="_counters"/>: units done, then units taken from each range.</summary>
        private const int UnitsDone = 0, FirstRangeTaken = 1;

        // One per calling thread, reused (arrays only grow): a steady-state product allocates nothing.
        [ThreadStatic]
        private static SharedWork<TVector, TSimd>? t_cached;

        /// <summary>Per column chunk, one more than the phase whose B panels this thread's buffer holds.</summary>
        [ThreadStatic]
        private static int[]? t_packedPhase;

        private int[] _counters = [];

        /// <summary>Per unit of the current column group: one more than the last phase whose sum it holds.</summary>
        private int[] _unitPhasesDone = [];
        private Problem _problem;
        private Blocking _blocking;
        private int _depthBlocks, _phases, _rowTiles, _rowChunks, _columnChunks, _parts;

        /// <summary>Whether units are numbered column chunk by column chunk (the ranges then split the columns).</summary>
        private bool _columnsOuter;

        public static SharedWork<TVector, TSimd> ForCurrentThread(in Problem problem, Blocking blocking)
        {
            SharedWork<TVector, TSimd> work = t_cached ??= new SharedWork<TVector, TSimd>();
            work._problem = problem;
            work._blocking = blocking;
            return work;
        }

        /// <summary>Cuts the product into units for <paramref name="threads"/> threads; returns how many threads it can use.</summary>
        public int Plan(int threads)
        {
            _rowTiles = _blocking.RowTiles(_problem.M);
            int groupPanels = GroupPanels(_problem, _blocking, 0);
            int target = UnitsPerThread * threads;
            bool aInPlace = _blocking.ReadsAInPlace(groupPanels);
            int maxColumnChunks = Math.Max(1, groupPanels / (aInPlace ? 1 : MinPanelsPerUnit));

            // A unit's rows fit the A buffer.
            int minRowChunks = (_rowTiles + RowBlock / _blocking.TileRows - 1) / (RowBlock / _blocking.TileRows);
            _columnsOuter = ColumnRangesPackLess(groupPanels, aInPlace);
            if (_columnsOuter)
            {
                // A range per column chunk (each thread packs only its B panels, and all of A), cut into rows.
                _columnChunks = Math.Min(threads, maxColumnChunks);
                _rowChunks = Math.Clamp((target + _columnChunks - 1) / _columnChunks, minRowChunks, _rowTiles);
            }
            else
            {
                // Rows first (a row chunk packs its A once, each thread all of the smaller B); columns too when there are
                // too few row tiles.
                _rowChunks = Math.Max(Math.Min(_rowTiles, target), minRowChunks);
                _columnChunks = Math.Clamp((target + _rowChunks - 1) / _rowChunks, 1, maxColumnChunks);
            }

            _depthBlocks = (_problem.K + DepthBlock - 1) / DepthBlock;
            _phases = (_problem.N + ColumnGroup - 1) / ColumnGroup * _depthBlocks;
            int unitsAtMost = Units(0);
            _parts = Math.Min(threads, unitsAtMost);
            int counters = _phases * (FirstRangeTaken + _parts);
            if (_counters.Length < counters)
            {
                _counters = new int[counters];
            }

            Array.Clear(_counters, 0, counters);
            if (_unitPhasesDone.Length < unitsAtMost)
            {
                _unitPhasesDone = new int[unitsAtMost];
            }

            Array.Clear(_unitPhasesDone, 0, unitsAtMost);
            return _parts;
        }

        /// <summary>
        /// Whether ranges that split the columns pack less than ranges that split the rows. The first has every thread
        /// pack all of A (nothing, when A is read in place), the second all of B. A copy that deals values out to the
        /// lanes of a panel (plain A, transposed B) counts twice: it moved one value at a time, the other a vector (on x86
        /// whole panels are now transposed in vectors too, PanelTranspose; the weight was not measured again since).
        /// </summary>
        private bool ColumnRangesPackLess(int groupPanels, bool aInPlace)
        {
            if (aInPlace)
            {
                return true;
            }

            long packedPerThreadA = (long)_problem.M * (_problem.TransposeA ? 1 : 2);
            long packedPerThreadB = (long)groupPanels * _blocking.PanelWidth * (_problem.TransposeB ? 2 : 1);
            return packedPerThreadA < packedPerThreadB;
        }

        public override void RunPart(int part, int parts)
        {
            ref readonly Problem p = ref _problem;
            ReservePackingBuffers(p, _blocking, out T* packedA, out T* packedB);
            if (t_packedPhase is null || t_packedPhase.Length < _columnChunks)
            {
                t_packedPhase = new int[_columnChunks];
            }

            int[] packedPhase = t_packedPhase;
            Array.Clear(packedPhase, 0, _columnChunks);
            for (int phase = 0; phase < _phases; phase++)
            {
                int groupStart = GroupStart(phase), depthStart = phase % _depthBlocks * DepthBlock;
                int groupPanels = GroupPanels(p, _blocking, groupStart);
                int depth = Math.Min(DepthBlock, p.K - depthStart);
                // Each thread packs its panels of B: reading B in place was measured on one thread only.
                var block = new DepthBlockOf(groupStart, groupPanels, depthStart, depth, packedB, bInPlace: false);

                // C's tiles take this phase's sum only after the last one's. Within a column group every phase has the
                // same units, so a unit waits only for itself in the phase before: a thread whose partner is held up
                // mid-unit goes on with the other units. A new group has other units, so it waits for the whole phase.
                bool firstOfGroup = phase % _depthBlocks == 0;
                if (firstOfGroup)
                {
                    WaitUntilDone(phase - 1);
                }

                int columnChunks = ColumnChunks(groupPanels), units = _rowChunks * columnChunks;
                for (int unit; (unit = Take(phase, part, units)) >= 0;)
                {
                    if (!firstOfGroup)
                    {
                        WaitUntil(ref _unitPhasesDone[unit], phase);
                    }

                    (int rowChunk, int columnChunk) = _columnsOuter
                        ? (unit % _rowChunks, unit / _rowChunks)
                        : (unit / columnChunks, unit % columnChunks);
                    int firstPanel = Cut(groupPanels, columnChunk, columnChunks), endPanel = Cut(groupPanels, columnChunk + 1, columnChunks);
                    if (packedPhase[columnChunk] != phase + 1)
                    {
                        PackB<TVector, TSimd>(p, _blocking, block, firstPanel, endPanel);
                        packedPhase[columnChunk] = phase + 1;
                    }

                    int firstRow = Cut(_rowTiles, rowChunk, _rowChunks) * _blocking.TileRows;
                    int endRow = Math.Min(p.M, Cut(_rowTiles, rowChunk + 1, _rowChunks) * _blocking.TileRows);
                    ComputeRows<TVector, TSimd>(p, _blocking, block, packedA, firstRow, endRow - firstRow, firstPanel, endPanel);
                    Volatile.Write(ref _unitPhasesDone[unit], phase + 1);
                    Interlocked.Increment(ref Counter(phase, UnitsDone));
                }
            }
        }

        /// <summary>The first column of the group <paramref name="phase"/> belongs to.</summary>
        private int GroupStart(int phase) => phase / _depthBlocks * ColumnGroup;

        /// <summary>The column chunks of a group of <paramref name="groupPanels"/> panels (a narrower last group may have fewer).</summary>
        private int ColumnChunks(int groupPanels) => Math.Min(_columnChunks, groupPanels);

        /// <summary>The units of <paramref name="phase"/> (0 before the first).</summary>
        private int Units(int phase) =>
            phase < 0 ? 0 : _rowChunks * ColumnChunks(GroupPanels(_problem, _blocking, GroupStart(phase)));

        /// <summary>The start of chunk <paramref name="chunk"/> of <paramref name="chunks"/> over <paramref name="count"/> items: as even as they divide.</summary>
        private static int Cut(int count, int chunk, int chunks) => (int)((long)chunk * count / chunks);

        private ref int Counter(int phase, int which) => ref _counters[phase * (FirstRangeTaken + _parts) + which];

        /// <summary>
        /// Takes the next unit of <paramref name="phase"/>: from this part's own range first, then from the others' in
        /// turn; -1 when none is left.
        /// </summary>
        private int Take(int phase, int part, int units)
        {
            for (int i = 0; i < _parts; i++)
            {
                int range = (part + i) % _parts;
                int start = Cut(units, range, _parts), count = Cut(units, range + 1, _parts) - start;
                ref int taken = ref Counter(phase, FirstRangeTaken + range);
                if (Volatile.Read(ref taken) < count)
                {
                    int index = Interlocked.Increment(ref taken) - 1;
                    if (index < count)
                    {
                        return start + index;
                    }
                }
            }

            return -1;
        }

        /// <summary>Waits until every unit of <paramref name="phase"/> is done (nothing before the first).</summary>
        private void WaitUntilDone(int phase)
        {
            if (phase >= 0)
            {
                WaitUntil(ref Counter(phase, UnitsDone), Units(phase));
            }
        }

        /// <summary>Waits until <paramref name="counter"/> reaches <paramref name="total"/>.</summary>
        private static void WaitUntil(ref int counter, int total)
        {
            var spinner = default(SpinWait);
            while (Volatile.Read(ref counter) < total)
            {
                // No Sleep(1): the work waited for is under way and takes microseconds.
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }
    }

    /// <summary>
    /// This thread's packing buffers, grown to hold <see cref="RowBlock"/> rows of A and the widest column group of B at
    /// one depth block: reused by every product the thread computes or takes part in.
    /// </summary>
    private static void ReservePackingBuffers(in Problem problem, in Blocking blocking, out T* packedA, out T* packedB)
    {
        t_packedA ??= new AlignedBuffer<T>();
        t_packedB ??= new AlignedBuffer<T>();
        packedA = t_packedA.Reserve(RowBlock * Math.Min(DepthBlock, problem.K));
        packedB = t_packedB.Reserve(PackedBLength(problem, blocking));
    }

    /// <summary>The whole blocked product on the calling thread, with its packing buffers.</summary>
    private static void RunOnThisThread<TVector, TSimd>(in Problem problem, in Blocking blocking)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        int depthBlock = DepthBlock;
        ReservePackingBuffers(problem, blocking, out T* packedA, out T* packedB);
        bool bInPlace = ReadsBInPlace(problem, blocking);
        for (int groupStart = 0; groupStart < problem.N; groupStart += ColumnGroup)
        {
            int groupPanels = GroupPanels(problem, blocking, groupStart);
            for (int depthStart = 0; depthStart < problem.K; depthStart += depthBlock)
            {
                int depth = Math.Min(depthBlock, problem.K - depthStart);
                var block = new DepthBlockOf(groupStart, groupPanels, depthStart, depth, packedB, bInPlace);
                if (!bInPlace)
                {
                    PackB<TVector, TSimd>(problem, blocking, block, 0, groupPanels);
                }

                Compute<TVector, TSimd>(problem, blocking, block, packedA);
            }
        }
    }

    /// <summary>One depth block of one column group: where it starts, its size, and its packed B.</summary>
    private readonly struct DepthBlockOf(int groupStart, int groupPanels, int depthStart, int depth, T* packedB, bool bInPlace)
    {
        public readonly int GroupStart = groupStart, GroupPanels = groupPanels, DepthStart = depthStart, Depth = depth;
        public readonly T* PackedB = packedB;

        /// <summary>B is read where it is stored, its rows a stored row apart (see <see cref="InPlaceBRowBytes"/>).</summary>
        public readonly bool BInPlace = bInPlace;
    }

    /// <summary>
    /// Packs column panels [<paramref name="firstPanel"/>, <paramref name="endPanel"/>) of this group and depth block:
    /// per step, panelWidth values, zero-padded past the edge of B.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB<TVector, TSimd>(in Problem p, in Blocking blocking, in DepthBlockOf block, int firstPanel, int endPanel)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        int width = blocking.PanelWidth, depth = block.Depth;
        nint panelSize = (nint)depth * width;
        int column0 = block.GroupStart + firstPanel * width;
        int columns = Math.Min((endPanel - firstPanel) * width, p.N - column0);
        T* destination = block.PackedB + firstPanel * panelSize;
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
            // B is n×k: column j of op(B) is row j of B, contiguous along the depth: each panel is `width` rows of B dealt
            // out to its lanes, as a panel of a plain A is.
            for (int panel = 0; panel < endPanel - firstPanel; panel++)
            {
                int firstColumn = panel * width;
                T* rows = p.B + (nint)(column0 + firstColumn) * p.StrideB + block.DepthStart;
                DealOutRows(rows, p.StrideB, Math.Max(0, Math.Min(width, columns - firstColumn)), width, depth, destination + panel * panelSize);
            }
        }
    }

    /// <summary>
    /// Packs <paramref name="rows"/> source rows, <paramref name="stride"/> apart and <paramref name="depth"/> steps long,
    /// into a panel of <paramref name="lanes"/> lanes (destination[step · lanes + lane] = row lane's value at step), the
    /// lanes past the rows zeroed: a plain A's MR rows, or a transposed B's panel of rows. A whole panel's first steps go
    /// by vector transposes where the processor has them; the rest value by value.
    /// </summary>
    private static void DealOutRows(T* source, nint stride, int rows, int lanes, int depth, T* destination)
    {
        int packed = rows == lanes ? PanelTranspose.PackSteps(source, stride, depth, lanes, destination) : 0;
        for (int lane = 0; lane < lanes; lane++)
        {
            CopyToLane(lane < rows ? source + lane * stride + packed : null, destination + (nint)packed * lanes + lane, depth - packed, lanes);
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
                T* firstRow = p.A + (nint)(row0 + panelStart) * p.StrideA + block.DepthStart;
                DealOutRows(firstRow, p.StrideA, Math.Min(tileRows, rows - panelStart), tileRows, depth, destination);
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
    private static void Compute<TVector, TSimd>(in Problem p, in Blocking blocking, in DepthBlockOf block, T* packedA)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        for (int blockStart = 0; blockStart < p.M; blockStart += RowBlock)
        {
            ComputeRows<TVector, TSimd>(p, blocking, block, packedA, blockStart, Math.Min(RowBlock, p.M - blockStart), 0, block.GroupPanels);
        }
    }

    /// <summary>
    /// Computes the tiles of rows [<paramref name="firstRow"/>, +<paramref name="rows"/>) (at most a row block, starting
    /// on a tile boundary) and column panels [<paramref name="firstPanel"/>, <paramref name="endPanel"/>) of this depth
    /// block, packing those rows of A into <paramref name="packedA"/> first.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeRows<TVector, TSimd>(
        in Problem p, in Blocking blocking, in DepthBlockOf block, T* packedA, int firstRow, int rows, int firstPanel, int endPanel)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        int tileRows = blocking.TileRows;
        int width = blocking.PanelWidth;
        int depth = block.Depth;

        // The first depth block of an overwriting product stores; every later block adds.
        bool accumulate = p.Accumulate || block.DepthStart > 0;
        bool aInPlace = blocking.ReadsAInPlace(block.GroupPanels);
        T* edgeTile = stackalloc T[12 * 4 * Vector512<T>.Count];
        int fullTileRows = rows - rows % tileRows;
        if (!aInPlace)
        {
            PackA(p, tileRows, block, firstRow, rows, packedA);
        }
        else if (fullTileRows < rows)
        {
            // Only the ragged last panel: read in place, it would read rows (or, transposed, values) past the end of A.
            PackA(p, tileRows, block, firstRow + fullTileRows, rows - fullTileRows, packedA + (nint)fullTileRows * depth);
        }

        for (int sweepStart = firstPanel; sweepStart < endPanel; sweepStart += ColumnBlockPanels)
        {
            int sweepEnd = Math.Min(endPanel, sweepStart + ColumnBlockPanels);
            for (int tileRow = 0; tileRow < rows; tileRow += tileRows)
            {
                bool inPlace = aInPlace && tileRow < fullTileRows;
                int row = firstRow + tileRow;
                T* panelA = !inPlace ? packedA + (nint)tileRow * depth
                    : p.TransposeA ? p.A + (nint)block.DepthStart * p.StrideA + row
                    : p.A + (nint)row * p.StrideA + block.DepthStart;

                // Packed: a step's MR values side by side. In place: transposed A has them side by side too, a stored
                // row apart per step; plain A has each row's steps side by side, a stored row apart per row.
                (nint aStep, nint aRow) = !inPlace ? (tileRows, 1) : p.TransposeA ? (p.StrideA, 1) : (1, p.StrideA);
                int tileRowsHere = Math.Min(tileRows, rows - tileRow);
                T* rowOfC = p.C + (nint)(firstRow + tileRow) * p.StrideC;
                for (int panel = sweepStart; panel < sweepEnd; panel++)
                {
                    int column0 = block.GroupStart + panel * width;
                    T* panelB = block.BInPlace ? p.B + (nint)block.DepthStart * p.StrideB + column0 : block.PackedB + (nint)panel * depth * width;
                    nint bStep = block.BInPlace ? p.StrideB : width;
                    int columns = Math.Min(width, p.N - column0);
                    if (tileRowsHere == tileRows && columns == width)
                    {
                        Kernel<TVector, TSimd>(blocking.Shape, depth, panelA, aStep, aRow, panelB, bStep, rowOfC + column0, p.StrideC, accumulate);
                    }
                    else
                    {
                        // A ragged edge: compute the tile aside, then merge the part inside C. Six rows or fewer take the
                        // half-height kernel (it reads the first six of each step's values, whatever the step).
                        TileShape shape = tileRowsHere <= 6 && blocking.Shape == TileShape.Rows12x2 ? TileShape.Rows6x2 : blocking.Shape;
                        Kernel<TVector, TSimd>(shape, depth, panelA, aStep, aRow, panelB, bStep, edgeTile, width, accumulate: false);
                        MergeEdge(edgeTile, width, rowOfC + column0, p.StrideC, tileRowsHere, columns, accumulate);
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel<TVector, TSimd>(TileShape shape, int depth, T* panelA, nint aStep, nint aRow, T* panelB, nint bStep, T* c, nint ldc, bool accumulate)
        where TVector : struct
        where TSimd : ISimd<TVector, T>
    {
        switch (shape)
        {
            case TileShape.Rows12x1:
                MicroKernel<T>.Rows12x1<TVector, TSimd>(depth, panelA, aStep, aRow, panelB, bStep, c, ldc, accumulate);
                break;
            case TileShape.Rows12x2:
                MicroKernel<T>.Rows12x2<TVector, TSimd>(depth, panelA, aStep, aRow, panelB, bStep, c, ldc, accumulate);
                break;
            default:
                MicroKernel<T>.Rows6x2<TVector, TSimd>(depth, panelA, aStep, aRow, panelB, bStep, c, ldc, accumulate);
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

    /// <summary>For products at most one vector wide, on every ISA: 12 accumulators, no FMA spent on padding.</summary>
    Rows12x1,
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
