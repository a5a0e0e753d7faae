using BenchmarkDotNet.Attributes;

namespace SourceGrad.Benchmarks.Generated;

using SourceGrad.Benchmarks.Scalar;
using SourceGrad.Tape;

/// <summary>
/// The tanh RNN over a sequence (<see cref="TanhRnn"/>): the generated gradient (the baseline), the primal, the
/// hand-written adjoint in scalar C#, the same adjoint vectorised by hand and the scalar tape, with allocations.
/// GlobalSetup checks every gradient against the generated one, and that one against central differences.
/// </summary>
[MemoryDiagnoser]
public class TanhRnnBenchmarks() : ScalarBenchmark(TanhRnn.Parameters())
{
    private const int WLength = TanhRnn.Hidden * TanhRnn.Hidden, ULength = TanhRnn.Hidden * TanhRnn.Inputs;

    private readonly double[] _x = TanhRnn.Sequence();
    private readonly double[] _targets = TanhRnn.Targets();
    private readonly double[] _dParameters = new double[TanhRnn.ParameterCount];
    private readonly double[] _hvParameters = new double[TanhRnn.ParameterCount];
    private readonly double[] _plus = new double[TanhRnn.ParameterCount], _minus = new double[TanhRnn.ParameterCount];
    private readonly double[] _gradientPlus = new double[TanhRnn.ParameterCount], _gradientMinus = new double[TanhRnn.ParameterCount];
    private readonly Var[] _state = new Var[TanhRnn.Hidden];
    private readonly Var[] _preActivation = new Var[TanhRnn.Hidden];

    [GlobalSetup]
    public void Setup()
    {
        Generated();
        double[] generated = Copy(_dParameters);
        Array.Clear(_dParameters);
        HandWritten();
        double[] handWritten = Copy(_dParameters);
        Array.Clear(_dParameters);
        HandWrittenVectorized();
        double[] vectorized = Copy(_dParameters);
        ScalarTape();
        double[] tape = Copy(Gradient);
        CentralDifferences.Gradient(new TanhRnn.Objective(_x, _targets), Point, Gradient);
        GradientAgreement.CheckAll("tanh RNN", generated, handWritten, tape, Gradient, vectorized);
        TanhRnn.LossTangent(W, U, B, _x, _targets, TanhRnn.Steps, TanhRnn.Hidden, TanhRnn.Inputs, TW, TU, TB, out double tangent);
        GradientAgreement.CheckTangent("tanh RNN", tangent, generated, Direction);
        AllocationCheck.Run($"{nameof(TanhRnnBenchmarks)}.{nameof(Generated)}", () => Generated());
        AllocationCheck.Run($"{nameof(TanhRnnBenchmarks)}.{nameof(Tangent)}", () => Tangent());
        Array.Clear(_dParameters);
        HessianVector();
        double[] product = Copy(_hvParameters), gradientAdded = Copy(_dParameters);
        NaiveHessianVector();
        Scalar.NaiveHessianVector.Check("tanh RNN", product, _hvParameters, gradientAdded, generated);
        AllocationCheck.RunExpectingNone($"{nameof(TanhRnnBenchmarks)}.{nameof(HessianVector)}", () => HessianVector());
    }

    [Benchmark]
    public double HessianVector() =>
        TanhRnn.LossHessianVector(W, U, B, _x, _targets, TanhRnn.Steps, TanhRnn.Hidden, TanhRnn.Inputs, TW, TU, TB, DW, DU, DB,
            _hvParameters.AsSpan(0, WLength), _hvParameters.AsSpan(WLength, ULength), _hvParameters.AsSpan(WLength + ULength));

    [Benchmark]
    public double NaiveHessianVector()
    {
        Scalar.NaiveHessianVector.Shift<double>(Point, Direction, _plus, _minus);
        Array.Clear(_gradientPlus);
        Array.Clear(_gradientMinus);
        double value = GradientAt(_plus, _gradientPlus) + GradientAt(_minus, _gradientMinus);
        Scalar.NaiveHessianVector.Difference<double>(_gradientPlus, _gradientMinus, _hvParameters);
        return value;
    }

    /// <summary>The generated gradient at a flat parameter vector, into a flat gradient.</summary>
    private double GradientAt(double[] parameters, double[] gradient) =>
        TanhRnn.LossGradient(parameters.AsSpan(0, WLength), parameters.AsSpan(WLength, ULength), parameters.AsSpan(WLength + ULength),
            _x, _targets, TanhRnn.Steps, TanhRnn.Hidden, TanhRnn.Inputs,
            gradient.AsSpan(0, WLength), gradient.AsSpan(WLength, ULength), gradient.AsSpan(WLength + ULength));

    private ReadOnlySpan<double> W => Point.AsSpan(0, WLength);

    private ReadOnlySpan<double> U => Point.AsSpan(WLength, ULength);

    private ReadOnlySpan<double> B => Point.AsSpan(WLength + ULength);

    private ReadOnlySpan<double> TW => Direction.AsSpan(0, WLength);

    private ReadOnlySpan<double> TU => Direction.AsSpan(WLength, ULength);

    private ReadOnlySpan<double> TB => Direction.AsSpan(WLength + ULength);

    private Span<double> DW => _dParameters.AsSpan(0, WLength);

    private Span<double> DU => _dParameters.AsSpan(WLength, ULength);

    private Span<double> DB => _dParameters.AsSpan(WLength + ULength);

    [Benchmark(Baseline = true)]
    public double Generated() =>
        TanhRnn.LossGradient(W, U, B, _x, _targets, TanhRnn.Steps, TanhRnn.Hidden, TanhRnn.Inputs, DW, DU, DB);

    [Benchmark]
    public double Primal() => TanhRnn.Loss(W, U, B, _x, _targets, TanhRnn.Steps, TanhRnn.Hidden, TanhRnn.Inputs);

    [Benchmark]
    public double Tangent() =>
        TanhRnn.LossTangent(W, U, B, _x, _targets, TanhRnn.Steps, TanhRnn.Hidden, TanhRnn.Inputs, TW, TU, TB, out _);

    [Benchmark]
    public double HandWritten() =>
        TanhRnn.HandWrittenGradient(W, U, B, _x, _targets, TanhRnn.Steps, TanhRnn.Hidden, TanhRnn.Inputs, DW, DU, DB);

    [Benchmark]
    public double HandWrittenVectorized() =>
        TanhRnn.HandWrittenVectorizedGradient(W, U, B, _x, _targets, TanhRnn.Steps, TanhRnn.Hidden, TanhRnn.Inputs, DW, DU, DB);

    [Benchmark]
    public double ScalarTape() => TanhRnn.TapeGradient(Tape, Point, _x, _targets, Variables, _state, _preActivation, Gradient);
}
