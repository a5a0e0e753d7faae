using BenchmarkDotNet.Attributes;

namespace SourceGrad.Benchmarks.Generated;

/// <summary>
/// Loop checkpointing on a 100,000-step tanh recurrence (issue 17's targets: binomial with 32 snapshots holds ≥ 100×
/// less saved memory than store-all at ≤ 3× its time; √N at ≤ 2.2×; 0 B per call). GlobalSetup checks the checkpointed
/// gradients equal the store-all one bit for bit, that none allocates in steady state, and logs each one's saved bytes
/// (<see cref="SavedBytesMarker"/>), which the report reads beside the times.
/// </summary>
[MemoryDiagnoser]
public class CheckpointBenchmarks
{
    /// <summary>The start of the log line the report looks for, followed by "Type.Method: bytes B".</summary>
    public const string SavedBytesMarker = "// saved bytes:";

    private readonly double[] _x = LongRecurrence.Sequence();
    private readonly double[] _dX = new double[LongRecurrence.Steps];
    private double _dW;
    private double _dU;

    [GlobalSetup]
    public void Setup()
    {
        StoreAll();
        (double dW, double dU, double[] dX) = (_dW, _dU, (double[])_dX.Clone());
        foreach ((string name, Func<double> run) in new (string, Func<double>)[] { (nameof(Binomial), Binomial), (nameof(SqrtN), SqrtN) })
        {
            Reset();
            run();
            if (_dW != dW || _dU != dU || !dX.AsSpan().SequenceEqual(_dX))
            {
                throw new InvalidOperationException($"{nameof(CheckpointBenchmarks)}.{name}: the checkpointed gradient differs from the store-all one");
            }
        }

        foreach ((string name, Action run) in new (string, Action)[] { (nameof(StoreAll), () => StoreAll()), (nameof(Binomial), () => Binomial()), (nameof(SqrtN), () => SqrtN()) })
        {
            AllocationCheck.RunExpectingNone($"{nameof(CheckpointBenchmarks)}.{name}", run, calls: 8);
            Console.WriteLine($"{SavedBytesMarker} {nameof(CheckpointBenchmarks)}.{name}: {LongRecurrence.SavedBytes(name, LongRecurrence.Steps)} B");
        }
    }

    private void Reset()
    {
        _dW = 0;
        _dU = 0;
        Array.Clear(_dX);
    }

    [Benchmark(Baseline = true)]
    public double StoreAll() => LongRecurrence.StoreAllGradient(0.9, 0.7, _x, LongRecurrence.Steps, ref _dW, ref _dU, _dX);

    [Benchmark]
    public double Binomial() => LongRecurrence.BinomialGradient(0.9, 0.7, _x, LongRecurrence.Steps, ref _dW, ref _dU, _dX);

    [Benchmark]
    public double SqrtN() => LongRecurrence.SqrtNGradient(0.9, 0.7, _x, LongRecurrence.Steps, ref _dW, ref _dU, _dX);
}
