using BenchmarkDotNet.Attributes;

namespace SourceGrad.Benchmarks.Generated;

/// <summary>
/// Split mode against the gradient it is cut from (issue 17's target: <c>MForward</c> + <c>MBackward</c> within 1.1× of
/// <c>MGradient</c>, 0 bytes per call): the tanh RNN's <c>LossGradient</c> (the baseline) and <c>LossForward</c> then
/// <c>LossBackward</c> on one saved state. GlobalSetup checks the two give the same gradient bit for bit and that the
/// split allocates nothing.
/// </summary>
[MemoryDiagnoser]
public class SplitBenchmarks
{
    private const int WLength = TanhRnn.Hidden * TanhRnn.Hidden, ULength = TanhRnn.Hidden * TanhRnn.Inputs;

    private readonly double[] _parameters = TanhRnn.Parameters();
    private readonly double[] _x = TanhRnn.Sequence();
    private readonly double[] _targets = TanhRnn.Targets();
    private readonly double[] _dParameters = new double[TanhRnn.ParameterCount];

    [GlobalSetup]
    public void Setup()
    {
        Gradient();
        double[] gradient = (double[])_dParameters.Clone();
        Array.Clear(_dParameters);
        ForwardThenBackward();
        if (!gradient.AsSpan().SequenceEqual(_dParameters))
        {
            throw new InvalidOperationException("tanh RNN: LossForward + LossBackward differ from LossGradient");
        }

        AllocationCheck.Run($"{nameof(SplitBenchmarks)}.{nameof(ForwardThenBackward)}", () => ForwardThenBackward());
    }

    private ReadOnlySpan<double> W => _parameters.AsSpan(0, WLength);

    private ReadOnlySpan<double> U => _parameters.AsSpan(WLength, ULength);

    private ReadOnlySpan<double> B => _parameters.AsSpan(WLength + ULength);

    private Span<double> DW => _dParameters.AsSpan(0, WLength);

    private Span<double> DU => _dParameters.AsSpan(WLength, ULength);

    private Span<double> DB => _dParameters.AsSpan(WLength + ULength);

    [Benchmark(Baseline = true)]
    public double Gradient() =>
        TanhRnn.LossGradient(W, U, B, _x, _targets, TanhRnn.Steps, TanhRnn.Hidden, TanhRnn.Inputs, DW, DU, DB);

    [Benchmark]
    public double ForwardThenBackward()
    {
        double loss = TanhRnn.LossForward(W, U, B, _x, _targets, TanhRnn.Steps, TanhRnn.Hidden, TanhRnn.Inputs, out TanhRnn.LossSaved saved);
        TanhRnn.LossBackward(W, U, B, _x, _targets, TanhRnn.Steps, TanhRnn.Hidden, TanhRnn.Inputs, ref saved, DW, DU, DB);
        return loss;
    }
}
