using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using SourceGrad.Samples.Distributed.Grains;

namespace SourceGrad.Samples.Distributed.Training;

/// <summary>
/// The coordinator: owns the model's parameters and the optimiser, and each step sends the weights and the minibatch's
/// indices to one worker grain per silo, waits for every shard's flat gradient, all-reduces them in shard order with
/// <see cref="DataParallelGradient.SumShards"/> (the reduction the in-process helper does) and takes the optimiser
/// step. The same shards, summed in the same order, give the bits of <see cref="DataParallelGradient"/> on as many
/// threads as there are workers. Flat buffers travel as bytes (<see cref="FlatBytes"/>).
/// </summary>
internal sealed class DistributedTrainer
{
    private readonly MlpReplica _coordinator;
    private readonly IOptimizer _optimizer;
    private readonly IGradientWorker[] _workers;
    private readonly float[] _flatWeights;
    private readonly float[][] _shardGradients;

    private DistributedTrainer(MlpReplica coordinator, IOptimizer optimizer, IGradientWorker[] workers)
    {
        _coordinator = coordinator;
        _optimizer = optimizer;
        _workers = workers;
        _flatWeights = new float[coordinator.Parameters.TotalLength];
        _shardGradients = [.. workers.Select(_ => new float[coordinator.Parameters.TotalLength])];
    }

    public ParameterSet Parameters => _coordinator.Parameters;

    /// <summary>
    /// Places worker i on silo i (an Orleans placement hint) and configures it for shard i of as many shards as silos.
    /// <paramref name="model"/> holds the initial weights, which the trainer updates.
    /// </summary>
    public static async Task<DistributedTrainer> CreateAsync(
        IGrainFactory grains, IReadOnlyList<SiloAddress> silos, MlpReplica model, IOptimizer optimizer, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(silos);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (silos.Count < 1)
            throw new ArgumentException($"{nameof(silos)} must name at least one silo, but is empty.", nameof(silos));
        // A fresh key per trainer, so two trainers on one cluster never share a worker.
        long firstKey = Random.Shared.NextInt64(long.MaxValue / 2);
        var workers = new IGradientWorker[silos.Count];
        for (int shard = 0; shard < workers.Length; shard++)
        {
            workers[shard] = grains.GetGrain<IGradientWorker>(firstKey + shard);
            // The hint places the activation the first call creates; after it the grain stays where it is.
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silos[shard]);
            try
            {
                await workers[shard].Configure(new WorkerSetup(model.Model.Hidden, batchSize, shard, workers.Length));
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }
        }

        return new DistributedTrainer(model, optimizer, workers);
    }

    /// <summary>The silo each worker runs on, in shard order.</summary>
    public Task<string[]> WorkerSilos() => Task.WhenAll(_workers.Select(worker => worker.SiloName()));

    /// <summary>One step on the digits <paramref name="batch"/>: every shard's gradient, their sum, an optimiser step. Returns the batch's loss.</summary>
    public async Task<float> StepAsync(int[] batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Parameters.CopyValuesTo(_flatWeights);
        // Immutable: a worker on this silo reads the arrays uncopied (none of them writes them).
        var weights = new Immutable<byte[]>(FlatBytes.From(_flatWeights));
        var indices = new Immutable<int[]>(batch);
        var calls = new Task<ShardGradient>[_workers.Length];
        for (int shard = 0; shard < calls.Length; shard++)
            calls[shard] = _workers[shard].ComputeGradient(weights, indices);
        ShardGradient[] shards = await Task.WhenAll(calls);

        double loss = 0;
        for (int shard = 0; shard < shards.Length; shard++)
        {
            FlatBytes.CopyTo(shards[shard].FlatGradient, _shardGradients[shard]);
            loss += shards[shard].WeightedLoss;
        }

        DataParallelGradient.SumShards(Parameters, _shardGradients);
        _optimizer.Step(Parameters);
        return (float)loss;
    }
}
