using SourceGrad.Benchmarks.Generated;
using SourceGrad.Benchmarks.Mlp;
using SourceGrad.Tape;

namespace SourceGrad.Benchmarks.DataParallel;

/// <summary>
/// The 784-128-10 MLP of <see cref="MlpProblem"/> as shards for <see cref="DataParallelGradient"/>, in its two forms:
/// the kernel-based <see cref="GeneratedMlp"/> and the loop-written <see cref="LoopMlp"/> (which reads W1 as
/// hidden × inputs: the same number of weights, so the same work).
/// </summary>
public sealed class MlpShards : IShardGradient
{
    private readonly MlpProblem _problem;
    private readonly bool _loopWritten;
    private readonly Parameter _w1, _b1, _w2, _b2;

    public MlpShards(MlpProblem problem, bool loopWritten)
    {
        ArgumentNullException.ThrowIfNull(problem);
        _problem = problem;
        _loopWritten = loopWritten;
        Parameters = problem.CreateParameters();
        (_w1, _b1, _w2, _b2) = (Parameters["w1"], Parameters["b1"], Parameters["w2"], Parameters["b2"]);
    }

    public ParameterSet Parameters { get; }

    public float ComputeShardGradient(DataShard shard)
    {
        ReadOnlySpan<float> x = _problem.X.AsSpan(shard.Start * MlpProblem.Inputs, shard.Count * MlpProblem.Inputs);
        ReadOnlySpan<int> labels = _problem.Labels.AsSpan(shard.Start, shard.Count);
        return _loopWritten
            ? LoopMlp.LossGradient(
                _w1.Value, _b1.Value, _w2.Value, _b2.Value, x, labels, shard.Count, MlpProblem.Inputs, MlpProblem.Hidden, MlpProblem.Classes,
                shard.Gradient(_w1), shard.Gradient(_b1), shard.Gradient(_w2), shard.Gradient(_b2), shard.Seed)
            : GeneratedMlp.LossGradient(
                _w1.Value, _b1.Value, _w2.Value, _b2.Value, x, labels, shard.Count,
                shard.Gradient(_w1), shard.Gradient(_b1), shard.Gradient(_w2), shard.Gradient(_b2), shard.Seed);
    }
}
