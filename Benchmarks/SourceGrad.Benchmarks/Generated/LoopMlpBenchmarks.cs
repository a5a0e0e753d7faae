using BenchmarkDotNet.Attributes;

namespace SourceGrad.Benchmarks.Generated;

/// <summary>
/// The loop-written MLP (784-32-10, a small batch): the generated gradient (the baseline), the primal, the
/// hand-written adjoint and the same adjoint vectorised by hand, side by side, with allocations.
/// </summary>
[MemoryDiagnoser]
public class LoopMlpBenchmarks
{
    private const int Inputs = 784;
    private const int Classes = 10;
    private float[] _w1 = [];
    private float[] _b1 = [];
    private float[] _w2 = [];
    private float[] _b2 = [];
    private float[] _x = [];
    private int[] _labels = [];
    private float[] _dW1 = [];
    private float[] _dB1 = [];
    private float[] _dW2 = [];
    private float[] _dB2 = [];
    private float[] _tW1 = [];
    private float[] _tB1 = [];
    private float[] _tW2 = [];
    private float[] _tB2 = [];

    [Params(32)]
    public int Hidden { get; set; }

    [Params(1, 16)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new SeededRandom(42);
        _w1 = Filled(Hidden * Inputs, 0.05f, random);
        _b1 = Filled(Hidden, 0.05f, random);
        _w2 = Filled(Classes * Hidden, 0.2f, random);
        _b2 = Filled(Classes, 0.1f, random);
        _x = Filled(Batch * Inputs, 1f, random);
        _labels = new int[Batch];
        for (int i = 0; i < Batch; i++)
        {
            _labels[i] = random.NextInt(Classes);
        }

        _dW1 = new float[_w1.Length];
        _dB1 = new float[_b1.Length];
        _dW2 = new float[_w2.Length];
        _dB2 = new float[_b2.Length];
        _tW1 = Filled(_w1.Length, 1f, random);
        _tB1 = Filled(_b1.Length, 1f, random);
        _tW2 = Filled(_w2.Length, 1f, random);
        _tB2 = Filled(_b2.Length, 1f, random);

        // Stop before timing if the gradients differ.
        Generated();
        double[] generated = Gradients();
        ClearGradients();
        HandWritten();
        Scalar.GradientAgreement.Check($"loop MLP, batch {Batch}", "hand-written", generated, Gradients(), 1e-5);
        ClearGradients();
        HandWrittenVectorized();
        Scalar.GradientAgreement.Check($"loop MLP, batch {Batch}", "hand-written vectorised", generated, Gradients(), 1e-5);
        LoopMlp.LossTangent(_w1, _b1, _w2, _b2, _x, _labels, Batch, Inputs, Hidden, Classes, _tW1, _tB1, _tW2, _tB2, out float tangent);
        Scalar.GradientAgreement.CheckTangent($"loop MLP, batch {Batch}", tangent, generated, [.. _tW1, .. _tB1, .. _tW2, .. _tB2]);
        AllocationCheck.Run($"{nameof(LoopMlpBenchmarks)}.{nameof(Generated)}[Hidden={Hidden}&Batch={Batch}]", () => Generated());
        AllocationCheck.Run($"{nameof(LoopMlpBenchmarks)}.{nameof(Tangent)}[Hidden={Hidden}&Batch={Batch}]", () => Tangent());
    }

    private double[] Gradients() => [.. _dW1, .. _dB1, .. _dW2, .. _dB2];

    private void ClearGradients()
    {
        foreach (float[] gradient in new[] { _dW1, _dB1, _dW2, _dB2 })
        {
            Array.Clear(gradient);
        }
    }

    [Benchmark(Baseline = true)]
    public float Generated() =>
        LoopMlp.LossGradient(_w1, _b1, _w2, _b2, _x, _labels, Batch, Inputs, Hidden, Classes, _dW1, _dB1, _dW2, _dB2);

    [Benchmark]
    public float Primal() => LoopMlp.Loss(_w1, _b1, _w2, _b2, _x, _labels, Batch, Inputs, Hidden, Classes);

    /// <summary>Forward mode along a seeded direction in the weights and biases.</summary>
    [Benchmark]
    public float Tangent() =>
        LoopMlp.LossTangent(_w1, _b1, _w2, _b2, _x, _labels, Batch, Inputs, Hidden, Classes, _tW1, _tB1, _tW2, _tB2, out _);

    [Benchmark]
    public float HandWritten() =>
        LoopMlp.HandWrittenGradient(_w1, _b1, _w2, _b2, _x, _labels, Batch, Inputs, Hidden, Classes, _dW1, _dB1, _dW2, _dB2);

    [Benchmark]
    public float HandWrittenVectorized() =>
        LoopMlp.HandWrittenVectorizedGradient(_w1, _b1, _w2, _b2, _x, _labels, Batch, Inputs, Hidden, Classes, _dW1, _dB1, _dW2, _dB2);

    private static float[] Filled(int length, float scale, SeededRandom random)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        }

        return values;
    }
}
