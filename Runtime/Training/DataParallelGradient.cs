using SourceGrad.Kernels;

namespace SourceGrad;

/// <summary>
/// A model's loss gradient on one shard (a run of consecutive examples) of the current minibatch: what
/// <see cref="DataParallelGradient"/> calls on each worker thread. The implementation calls its generated gradient on
/// the examples <see cref="DataShard.Start"/> … <see cref="DataShard.Start"/> + <see cref="DataShard.Count"/> − 1, into
/// <see cref="DataShard.Gradient"/> of each parameter, with <see cref="DataShard.Seed"/> as the gradient's seed.
/// </summary>
public interface IShardGradient
{
    /// <summary>
    /// Adds the gradient of the shard's loss, scaled by <see cref="DataShard.Seed"/>, into the shard's gradient buffers
    /// and returns the shard's (unscaled) loss. Runs on several threads at once, one shard each: it may read the
    /// parameters' values and the batch but must write only the shard's buffers and locals.
    /// </summary>
    float ComputeShardGradient(DataShard shard);
}

/// <summary>One worker's part of a minibatch and the gradient buffers it adds into.</summary>
public readonly ref struct DataShard
{
    private readonly ParameterSet _parameters;
    private readonly Span<float> _flatGradient;
    private readonly bool _intoParameters;

    internal DataShard(ParameterSet parameters, int index, int start, int count, int batch, Span<float> flatGradient, bool intoParameters)
    {
        _parameters = parameters;
        Index = index;
        Start = start;
        Count = count;
        // The batch loss is the mean over all examples: a shard's mean loss enters it with weight count / batch.
        Seed = (float)count / batch;
        _flatGradient = flatGradient;
        _intoParameters = intoParameters;
    }

    /// <summary>Which shard this is, 0 … shards − 1; shard i holds the examples before those of shard i + 1.</summary>
    public int Index { get; }

    /// <summary>The first example of the shard, counted from the start of the minibatch.</summary>
    public int Start { get; }

    /// <summary>The number of examples in the shard (at least 1).</summary>
    public int Count { get; }

    /// <summary>
    /// The seed to pass to the generated gradient, <see cref="Count"/> / batch: for a loss that is the mean over the
    /// examples, it makes the shards' gradients add up to the gradient of the whole batch's mean (1 on one shard).
    /// </summary>
    public float Seed { get; }

    /// <summary>
    /// The buffer this shard adds <paramref name="parameter"/>'s gradient into (zeroed before the shard runs), as long
    /// as the parameter: pass it as the generated gradient's adjoint. On one thread <see cref="DataParallelGradient.Compute"/>
    /// adds into the parameter's own <see cref="Parameter.Gradient"/>; on several, each shard into buffers of its own.
    /// </summary>
    public Span<float> Gradient(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!_parameters.Contains(parameter.Name) || !ReferenceEquals(_parameters[parameter.Name], parameter))
        {
            throw new ArgumentException(
                $"{nameof(parameter)} '{parameter}' is not in the parameter set this data-parallel gradient was made for ({_parameters}).",
                nameof(parameter));
        }

        return _intoParameters ? parameter.Gradient : _flatGradient.Slice(parameter.Offset, parameter.Length);
    }
}

/// <summary>
/// Data-parallel gradients on the cores of one machine: splits each minibatch into one shard per thread, computes every
/// shard's gradient at the same time, each into a flat buffer of its own, then sums the buffers into the gradients
/// (vectorised, in shard order 0, 1, …, each thread over its own range of whole cache lines), so a given thread count gives the same bits
/// on every run, however the threads are scheduled. Against one thread the result differs only by rounding: the
/// examples' contributions are summed per shard first (docs/scale.md gives the tolerance).
/// <para>
/// Allocates the buffers once, in the constructor; a call allocates nothing. The buffers are padded to whole cache
/// lines, with a line to spare, so two threads never write the same line. Matrix products inside a shard run on the
/// shard's thread (the threads already fill the cores). One call at a time per instance.
/// </para>
/// </summary>
public sealed class DataParallelGradient
{
    /// <summary>Floats per 64-byte cache line.</summary>
    private const int LineFloats = 16;

    private readonly ParameterSet _parameters;
    private readonly float[][] _shardGradients;
    private readonly float[] _shardLosses;
    private readonly ShardWork _shardWork;
    private readonly ReductionWork _reductionWork;
    private int _busy;

    /// <summary>A data-parallel gradient of <paramref name="parameters"/> over <paramref name="threads"/> threads.</summary>
    public DataParallelGradient(ParameterSet parameters, int threads)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (threads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"{nameof(threads)} must be at least 1, but was {threads}.");
        }

        if (parameters.TotalLength == 0)
        {
            throw new ArgumentException($"{nameof(parameters)} holds no parameters: there is nothing to differentiate.", nameof(parameters));
        }

        _parameters = parameters;
        Threads = threads;
        TotalLength = parameters.TotalLength;
        // Every shard adds into a buffer of its own, shard 0 too: had it added into the parameters' gradients, its thread
        // would zero and fill lines the other threads summed into on the last step, and pull them across the cores.
        int paddedLength = (TotalLength + LineFloats - 1) / LineFloats * LineFloats + LineFloats;
        _shardGradients = new float[threads][];
        for (int shard = 0; shard < threads; shard++)
        {
            _shardGradients[shard] = new float[paddedLength];
        }

        _shardLosses = new float[threads * LineFloats];
        _shardWork = new ShardWork(this);
        _reductionWork = new ReductionWork(this);
    }

    /// <summary>The number of shards a minibatch is split into, and of threads that compute them.</summary>
    public int Threads { get; }

    /// <summary>The parameters' total length when this was made: the length of each shard's flat gradient.</summary>
    private int TotalLength { get; }

    /// <summary>
    /// The gradient of the minibatch of <paramref name="batch"/> examples: each shard's gradient from
    /// <paramref name="model"/>, summed in shard order into every <see cref="Parameter.Gradient"/> (which it
    /// overwrites). Returns the batch's loss, Σ seed · shard loss in shard order. On one thread it is one call of
    /// <paramref name="model"/> on the whole batch, with seed 1, into the parameters' gradients (zeroed first).
    /// </summary>
    public float Compute(IShardGradient model, int batch) => Run(model, batch, optimizer: null);

    /// <summary>
    /// One training step: the gradient <see cref="Compute"/> gives, then one step of <paramref name="optimizer"/>, with
    /// the bits of <see cref="Compute"/> followed by <c>optimizer.Step(parameters)</c>. On several threads each thread
    /// adds up the shards over its own range of the parameters (whole cache lines, the elements the reduction of
    /// <see cref="Compute"/> gives it) and updates those same weights straight away, block by block while the block is
    /// in its cache: no thread reads back a gradient another core has just summed, and each core writes only its part
    /// of the weights. Every <see cref="Parameter.Gradient"/> holds the batch's gradient afterwards. Returns the
    /// batch's loss, as <see cref="Compute"/> does.
    /// </summary>
    public float Step(IShardGradient model, int batch, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return Run(model, batch, optimizer);
    }

    /// <summary><see cref="Compute"/>, then, when <paramref name="optimizer"/> is given, its step (see <see cref="Step"/>).</summary>
    private float Run(IShardGradient model, int batch, Optimizer? optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (batch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"{nameof(batch)} must be at least 1 example, but was {batch}.");
        }

        if (_parameters.TotalLength != TotalLength)
        {
            throw new InvalidOperationException(
                $"The parameter set has grown from {TotalLength} to {_parameters.TotalLength} elements since this data-parallel gradient was made; make a new one.");
        }

        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("This data-parallel gradient is already computing a batch on another thread; give each thread its own.");
        }

        try
        {
            if (Threads == 1)
            {
                float batchLoss = ComputeWholeBatch(model, _parameters, batch);
                optimizer?.Step(_parameters);
                return batchLoss;
            }

            _shardWork.Begin(model, batch);
            try
            {
                RunParts(_shardWork, Threads);
            }
            finally
            {
                _shardWork.End();
            }

            // Begun here, once, on the calling thread: the learning rate, the step count and the optimizer's state
            // (allocated on its first step) are settled before any thread updates its range.
            _reductionWork.Begin(optimizer?.BeginStep(_parameters));
            try
            {
                RunParts(_reductionWork, Threads);
            }
            finally
            {
                _reductionWork.End();
            }

            double loss = 0;
            for (int shard = 0; shard < Threads; shard++)
            {
                loss += _shardLosses[shard * LineFloats];
            }

            return (float)loss;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>
    /// The examples of shard <paramref name="shard"/> of <paramref name="shards"/> in a batch of <paramref name="batch"/>:
    /// consecutive runs, as even as they can be, the first shards never larger than the later ones.
    /// </summary>
    public static (int Start, int Count) ShardRange(int shard, int shards, int batch)
    {
        if (shards < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(shards), shards, $"{nameof(shards)} must be at least 1, but was {shards}.");
        }

        if ((uint)shard >= (uint)shards)
        {
            throw new ArgumentOutOfRangeException(nameof(shard), shard, $"{nameof(shard)} must be in [0, {shards}), but was {shard}.");
        }

        if (batch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"{nameof(batch)} must be >= 0, but was {batch}.");
        }

        int start = (int)((long)shard * batch / shards);
        int end = (int)((long)(shard + 1) * batch / shards);
        return (start, end - start);
    }

    /// <summary>
    /// Zeroes <paramref name="flatGradient"/> (at least <see cref="ParameterSet.TotalLength"/> elements, in the set's
    /// flat order) and adds into it the gradient of shard <paramref name="shard"/> of <paramref name="shards"/> of a batch
    /// of <paramref name="batch"/>, exactly as <see cref="Compute"/> does on <paramref name="shards"/> threads; returns
    /// seed · the shard's loss. For splitting a batch over machines: each computes its shards with this, and
    /// <see cref="SumShards"/> adds them up to the bits <see cref="Compute"/> gives.
    /// </summary>
    public static float ComputeShard(IShardGradient model, ParameterSet parameters, int shard, int shards, int batch, Span<float> flatGradient)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parameters);
        if (batch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"{nameof(batch)} must be at least 1 example, but was {batch}.");
        }

        if (flatGradient.Length < parameters.TotalLength)
        {
            throw new ArgumentException(
                $"{nameof(flatGradient)} must hold the set's {parameters.TotalLength} elements, but has {flatGradient.Length}.", nameof(flatGradient));
        }

        (int start, int count) = ShardRange(shard, shards, batch);
        flatGradient.Clear();
        if (count == 0)
        {
            return 0;
        }

        var view = new DataShard(parameters, shard, start, count, batch, flatGradient, intoParameters: false);
        return view.Seed * model.ComputeShardGradient(view);
    }

    /// <summary>
    /// Sets every <see cref="Parameter.Gradient"/> of <paramref name="parameters"/> to the sum of
    /// <paramref name="flatGradients"/> (each in the set's flat order, at least <see cref="ParameterSet.TotalLength"/>
    /// long), added in the order given: the reduction <see cref="Compute"/> does, element for element.
    /// </summary>
    public static void SumShards(ParameterSet parameters, ReadOnlySpan<float[]> flatGradients)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (flatGradients.Length == 0)
        {
            throw new ArgumentException($"{nameof(flatGradients)} must hold at least one shard's gradient, but is empty.", nameof(flatGradients));
        }

        for (int i = 0; i < flatGradients.Length; i++)
        {
            if (flatGradients[i] is not { } flat || flat.Length < parameters.TotalLength)
            {
                throw new ArgumentException(
                    $"{nameof(flatGradients)}[{i}] must hold the set's {parameters.TotalLength} elements, but has {flatGradients[i]?.Length.ToString() ?? "null"}.",
                    nameof(flatGradients));
            }
        }

        SumRange(parameters, flatGradients, 0, parameters.TotalLength);
    }

    /// <summary>
    /// Elements [<paramref name="from"/>, <paramref name="to"/>) of the flat order: gradient = shard 0 + shard 1 + …, each
    /// element added up in shard order, so any split into ranges gives the same bits.
    /// </summary>
    private static void SumRange(ParameterSet parameters, ReadOnlySpan<float[]> flatGradients, int from, int to)
    {
        foreach (Parameter parameter in parameters)
        {
            int lo = Math.Max(from, parameter.Offset), hi = Math.Min(to, parameter.Offset + parameter.Length);
            if (lo >= hi)
            {
                continue;
            }

            Span<float> target = parameter.Gradient.AsSpan(lo - parameter.Offset, hi - lo);
            if (flatGradients.Length == 1)
            {
                flatGradients[0].AsSpan(lo, hi - lo).CopyTo(target);
                continue;
            }

            // Shards 0 and 1 in one pass (the same bits as copying shard 0 and adding shard 1), then the others.
            Vectorized.Add<float>(flatGradients[0].AsSpan(lo, hi - lo), flatGradients[1].AsSpan(lo, hi - lo), target);
            for (int shard = 2; shard < flatGradients.Length; shard++)
            {
                Vectorized.Add(target, flatGradients[shard].AsSpan(lo, hi - lo));
            }
        }
    }

    /// <summary>The one-thread path: the whole batch as one shard, with seed 1, into the parameters' gradients (zeroed first).</summary>
    private static float ComputeWholeBatch(IShardGradient model, ParameterSet parameters, int batch)
    {
        parameters.ZeroGradients();
        var view = new DataShard(parameters, 0, 0, batch, batch, default, intoParameters: true);
        return model.ComputeShardGradient(view);
    }

    private static void RunParts(ParallelWork work, int parts) => GemmWorkers.Run(work, parts);

    /// <summary>Part i computes shard i into its own buffer.</summary>
    private sealed class ShardWork(DataParallelGradient owner) : ParallelWork
    {
        private IShardGradient? _model;
        private int _batch;

        public void Begin(IShardGradient model, int batch) => (_model, _batch) = (model, batch);

        public void End() => _model = null;

        public override void RunPart(int part, int parts)
        {
            // The shards already fill the cores: a product inside one stays on its thread.
            using var oneThread = Linalg.ProductsOnThisThread();
            owner._shardLosses[part * LineFloats] = ComputeShard(_model!, owner._parameters, part, parts, _batch, owner._shardGradients[part]);
        }
    }

    /// <summary>
    /// Part i sums shards 0, 1, … into a slice of the parameters' gradients (whole cache lines), in shard order, and,
    /// during a <see cref="Step"/>, updates the same slice with the optimizer block by block, each block right after its sum.
    /// </summary>
    private sealed class ReductionWork(DataParallelGradient owner) : ParallelWork
    {
        /// <summary>
        /// Elements summed then updated at a time: 1,024 elements of the gradient, the two shards' buffers, the values
        /// and up to two state arrays (Adam's moments) are 24 KB at two threads, which stays in a 32 KB L1 data cache
        /// between the sum and the update.
        /// </summary>
        private const int BlockFloats = 1024;

        private OptimizerStep? _step;

        public void Begin(OptimizerStep? step) => _step = step;

        public void End() => _step = null;

        public override void RunPart(int part, int parts)
        {
            int lines = (owner.TotalLength + LineFloats - 1) / LineFloats;
            int from = (int)((long)part * lines / parts) * LineFloats;
            int to = Math.Min(owner.TotalLength, (int)((long)(part + 1) * lines / parts) * LineFloats);
            ReadOnlySpan<float[]> shards = owner._shardGradients;
            if (_step is not OptimizerStep step)
            {
                SumRange(owner._parameters, shards, from, to);
                return;
            }

            for (int blockStart = from; blockStart < to; blockStart += BlockFloats)
            {
                int blockEnd = Math.Min(to, blockStart + BlockFloats);
                SumRange(owner._parameters, shards, blockStart, blockEnd);
                step.Optimizer!.UpdateRangeUnchecked(step, blockStart, blockEnd - blockStart);
            }
        }
    }
}
