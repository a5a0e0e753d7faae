using BenchmarkDotNet.Attributes;

namespace SourceGrad.Benchmarks.Generated;

/// <summary>
/// Recompute at calls (issue 17): a gradient that keeps its callee's internals (the default for a callee with split
/// mode) against one that recomputes them (<c>Recompute = true</c>), on <see cref="RecomputeAtCalls"/>: 64 calls of a
/// 256-unit tanh chain. Keeping saves one forward of the callee per call and holds its saved state (here 64 × the chain's
/// 2 KiB of saved values) until the reverse sweep; recomputing holds none. GlobalSetup checks the two give the same
/// gradient bit for bit and that both allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class RecomputeAtCallsBenchmarks
{
    private readonly double[] _w = RecomputeAtCalls.Weights();
    private readonly double[] _x = RecomputeAtCalls.Weights().AsSpan().ToArray().Select(v => v * 0.5).ToArray();
    private readonly double[] _dW = new double[RecomputeAtCalls.Length];
    private readonly double[] _dX = new double[RecomputeAtCalls.Length];

    [GlobalSetup]
    public void Setup()
    {
        Saved();
        double[] saved = _dW.Concat(_dX).ToArray();
        Array.Clear(_dW);
        Array.Clear(_dX);
        Recomputed();
        if (!saved.AsSpan().SequenceEqual(_dW.Concat(_dX).ToArray()))
        {
            throw new InvalidOperationException("recompute at calls: the kept and the recomputed gradients differ");
        }

        AllocationCheck.Run($"{nameof(RecomputeAtCallsBenchmarks)}.{nameof(Saved)}", () => Saved());
        AllocationCheck.Run($"{nameof(RecomputeAtCallsBenchmarks)}.{nameof(Recomputed)}", () => Recomputed());
    }

    [Benchmark(Baseline = true)]
    public double Recomputed() => RecomputeAtCalls.LossRecomputedGradient(_w, _x, RecomputeAtCalls.Steps, _dW, _dX);

    [Benchmark]
    public double Saved() => RecomputeAtCalls.LossGradient(_w, _x, RecomputeAtCalls.Steps, _dW, _dX);
}
