using System.Diagnostics;

namespace SourceGrad.Benchmarks.DataParallel;

/// <summary>
/// The ceiling of a data-parallel step on this machine: every shard's gradient computed at the same time, one per
/// thread, each into a buffer of its own, and nothing else (no sum, no update, so no data crosses the cores). Shard 0
/// runs on the calling thread, the others on threads of their own that spin for a millisecond after each shard, as the
/// runtime's workers do between products, so back-to-back calls cost no wake-up, and then sleep, so an idle instance
/// leaves the cores to the other benchmarks. Products stay on their thread as long as
/// <c>Linalg.MaxDegreeOfParallelism</c> is 1.
/// </summary>
public sealed class ConcurrentShards : IDisposable
{
    private readonly IShardGradient _model;
    private readonly ParameterSet _parameters;
    private readonly int _batch;
    private readonly float[][] _buffers;
    private readonly Thread[] _threads;
    private int _generation;
    private int _finished;
    private volatile bool _stopping;
    private readonly object _gate = new();
    private int _sleeping;

    public ConcurrentShards(IShardGradient model, ParameterSet parameters, int shards, int batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        (_model, _parameters, _batch) = (model, parameters, batch);
        // Padded by a cache line on either side, as DataParallelGradient pads its own.
        _buffers = Enumerable.Range(0, shards).Select(_ => new float[parameters.TotalLength + 32]).ToArray();
        _threads = Enumerable.Range(1, shards - 1).Select(shard => new Thread(() => Worker(shard)) { IsBackground = true }).ToArray();
        foreach (Thread thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>Computes every shard's gradient at once; returns shard 0's seeded loss.</summary>
    public float Run()
    {
        Volatile.Write(ref _finished, 0);
        Interlocked.Increment(ref _generation);
        Wake();
        float loss = Shard(0);
        var spinner = new SpinWait();
        while (Volatile.Read(ref _finished) < _threads.Length)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        return loss;
    }

    private float Shard(int shard) =>
        DataParallelGradient.ComputeShard(_model, _parameters, shard, _buffers.Length, _batch, _buffers[shard].AsSpan(16, _parameters.TotalLength));

    private void Worker(int shard)
    {
        int seen = 0;
        while (true)
        {
            var spinner = new SpinWait();
            long spinUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 1_000;
            while (Volatile.Read(ref _generation) == seen && !_stopping)
            {
                if (Stopwatch.GetTimestamp() > spinUntil)
                {
                    lock (_gate)
                    {
                        // A full fence before re-reading the generation pairs with Run's increment, so no call is missed.
                        Interlocked.Exchange(ref _sleeping, 1);
                        while (Volatile.Read(ref _generation) == seen && !_stopping)
                        {
                            Monitor.Wait(_gate);
                        }

                        Volatile.Write(ref _sleeping, 0);
                    }

                    break;
                }

                spinner.SpinOnce(sleep1Threshold: -1);
            }

            if (_stopping)
            {
                return;
            }

            seen = Volatile.Read(ref _generation);
            Shard(shard);
            Interlocked.Increment(ref _finished);
        }
    }

    private void Wake()
    {
        if (Volatile.Read(ref _sleeping) != 0)
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        Interlocked.MemoryBarrier();
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }

        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
    }
}
