using Orleans;
using Orleans.Runtime;
using Orleans.Concurrency;
using SourceGrad.Data;
using SourceGrad.Samples.Distributed.Training;

namespace SourceGrad.Samples.Distributed.Grains;

/// <inheritdoc cref="IGradientWorker"/>
internal sealed class GradientWorker(MnistDataSet data, ILocalSiloDetails silo) : Grain, IGradientWorker
{
    private WorkerSetup? _setup;
    private MlpReplica? _replica;
    private float[] _flatGradient = [];

    public Task Configure(WorkerSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        DataParallelGradient.ShardRange(setup.Shard, setup.Shards, setup.BatchSize); // checks the shard numbers
        _setup = setup;
        _replica = new MlpReplica(data, setup.Hidden, setup.BatchSize);
        _flatGradient = new float[_replica.Parameters.TotalLength];
        return Task.CompletedTask;
    }

    public Task<ShardGradient> ComputeGradient(Immutable<byte[]> flatWeights, Immutable<int[]> batch)
    {
        if (_setup is not { } setup || _replica is not { } replica)
            throw new InvalidOperationException($"Worker {this.GetPrimaryKeyLong()} was asked for a gradient before {nameof(Configure)}.");
        replica.Parameters.CopyValuesFrom(FlatBytes.AsFloats(flatWeights.Value));
        int[] indices = batch.Value;
        (int start, int count) = DataParallelGradient.ShardRange(setup.Shard, setup.Shards, indices.Length);
        replica.Gather(indices, start, count);
        float weightedLoss = DataParallelGradient.ComputeShard(replica.Model, replica.Parameters, setup.Shard, setup.Shards, indices.Length, _flatGradient);
        // A new byte array each step: the answer is sent (or, on this silo, handed over uncopied) after the call returns.
        return Task.FromResult(new ShardGradient(FlatBytes.From(_flatGradient.AsSpan(0, replica.Parameters.TotalLength)), weightedLoss));
    }

    public Task<string> SiloName() => Task.FromResult(silo.Name);
}
