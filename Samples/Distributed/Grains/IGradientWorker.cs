using Orleans;
using Orleans.Concurrency;

namespace SourceGrad.Samples.Distributed.Grains;

/// <summary>What a worker needs to know once: the model's size, the largest batch, and which shard of each batch is its own.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerSetup(
    [property: Id(0)] int Hidden,
    [property: Id(1)] int BatchSize,
    [property: Id(2)] int Shard,
    [property: Id(3)] int Shards);

/// <summary>
/// A worker's answer for one step: its shard's gradient of the batch's mean loss, flat (the parameters one after the
/// other, <see cref="ParameterSet"/> order, as bytes: <see cref="FlatBytes"/>), and its part of the batch's loss
/// (count / batch × the shard's mean loss).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ShardGradient(
    [property: Id(0)] byte[] FlatGradient,
    [property: Id(1)] float WeightedLoss);

/// <summary>
/// A worker grain: holds a replica of the MLP and computes one shard of each minibatch with the generated gradient.
/// One per silo (the coordinator places it there); it reads the digits from its silo's own copy of the data.
/// </summary>
public interface IGradientWorker : IGrainWithIntegerKey
{
    Task Configure(WorkerSetup setup);

    /// <summary>
    /// The gradient of this worker's shard of the minibatch <paramref name="batch"/> (indices into the data set) at the
    /// weights <paramref name="flatWeights"/> (flat, <see cref="ParameterSet"/> order, as <see cref="FlatBytes"/>).
    /// </summary>
    Task<ShardGradient> ComputeGradient(Immutable<byte[]> flatWeights, Immutable<int[]> batch);

    /// <summary>The silo the worker runs on, so a test can see that each silo computes a shard.</summary>
    Task<string> SiloName();
}
