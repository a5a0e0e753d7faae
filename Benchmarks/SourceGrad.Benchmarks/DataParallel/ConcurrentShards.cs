using SourceGrad.Kernels;

namespace SourceGrad.Benchmarks.DataParallel;

/// <summary>
/// The ceiling of a data-parallel step on this machine: every shard's gradient computed at the same time, one per
/// thread, each into a buffer of its own, and nothing else (no sum, no update, so no data crosses the cores). The shards
/// run on the workers <see cref="DataParallelGradient"/> uses (<see cref="GemmWorkers"/>), so the step and its ceiling
/// differ by the sum and the update alone. Products stay on their thread as long as <c>Linalg.MaxDegreeOfParallelism</c>
/// is 1.
/// </summary>
internal sealed class ConcurrentShards : ParallelWork
{
    private readonly IShardGradient _model;
    private readonly ParameterSet _parameters;
    private readonly int _batch;
    private readonly float[][] _buffers;
    private readonly float[] _losses;

    public ConcurrentShards(IShardGradient model, ParameterSet parameters, int shards, int batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        (_model, _parameters, _batch) = (model, parameters, batch);
        // Padded by a cache line on either side, as DataParallelGradient pads its own.
        _buffers = Enumerable.Range(0, shards).Select(_ => new float[parameters.TotalLength + 32]).ToArray();
        _losses = new float[shards * 16];
    }

    /// <summary>Computes every shard's gradient at once; returns shard 0's seeded loss.</summary>
    public float Run()
    {
        if (_buffers.Length == 1)
        {
            RunPart(0, 1);
        }
        else
        {
            GemmWorkers.Run(this, _buffers.Length);
        }

        return _losses[0];
    }

    public override void RunPart(int part, int parts) =>
        _losses[part * 16] = DataParallelGradient.ComputeShard(_model, _parameters, part, parts, _batch, _buffers[part].AsSpan(16, _parameters.TotalLength));
}
