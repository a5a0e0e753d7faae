using BenchmarkDotNet.Attributes;

namespace SourceGrad.Benchmarks.Generated;

/// <summary>
/// The loop-written MLP (784-32-10, a small batch): the generated gradient (the baseline), the primal, the
/// hand-written adjoint and the same adjoint vectorised by hand, side by side, with allocations; and the generated
/// Hessian-vector product beside the naive one (two generated gradients and their central difference), both along the
/// tangent's direction.
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
    private float[] _hvW1 = [];
    private float[] _hvB1 = [];
    private float[] _hvW2 = [];
    private float[] _hvB2 = [];

    // The naive product's flat vectors, in the order w1, b1, w2, b2: the point, the direction, the two shifted points,
    // the gradients there and their central difference; and its step, which KinkFreeStep sets.
    private float[] _parameters = [];
    private float[] _direction = [];
    private float[] _plus = [];
    private float[] _minus = [];
    private float[] _gradientPlus = [];
    private float[] _gradientMinus = [];
    private float[] _naive = [];
    private float _step;

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
        _hvW1 = new float[_w1.Length];
        _hvB1 = new float[_b1.Length];
        _hvW2 = new float[_w2.Length];
        _hvB2 = new float[_b2.Length];
        _parameters = [.. _w1, .. _b1, .. _w2, .. _b2];
        _direction = [.. _tW1, .. _tB1, .. _tW2, .. _tB2];
        _plus = new float[_parameters.Length];
        _minus = new float[_parameters.Length];
        _gradientPlus = new float[_parameters.Length];
        _gradientMinus = new float[_parameters.Length];
        _naive = new float[_parameters.Length];
        _step = KinkFreeStep();

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
        ClearGradients();
        HessianVector();
        double[] product = [.. _hvW1, .. _hvB1, .. _hvW2, .. _hvB2], gradientAdded = Gradients();
        NaiveHessianVector();
        double[] naive = [.. _naive];

        // Block by block, each against its own largest entry: w1's entries are far smaller than w2's, and a check
        // relative to the largest of all would let an error in w1 through.
        int offset = 0;
        foreach ((string name, int length) in new[] { ("w1", _w1.Length), ("b1", _b1.Length), ("w2", _w2.Length), ("b2", _b2.Length) })
        {
            Scalar.NaiveHessianVector.Check($"loop MLP, batch {Batch}, {name}", product.AsSpan(offset, length), naive.AsSpan(offset, length),
                gradientAdded.AsSpan(offset, length), generated.AsSpan(offset, length), single: true);
            offset += length;
        }

        AllocationCheck.RunExpectingNone($"{nameof(LoopMlpBenchmarks)}.{nameof(HessianVector)}[Hidden={Hidden}&Batch={Batch}]", () => HessianVector());
    }

    /// <summary>
    /// The naive product's ε: <see cref="Scalar.NaiveHessianVector.Step{T}"/> for float (1e-2), or less, so that no
    /// ReLU switches between x − εv and x + εv. A pre-activation s = b1[j] + Σₖ w1[j, k]·x[b, k] is linear in the
    /// parameters, with derivative ṡ along the direction, so it keeps its sign on the whole segment when ε·|ṡ| &lt; |s|;
    /// half the smallest |s| / |ṡ| over every unit and sample leaves a margin for float rounding. Across a kink the
    /// difference of gradients measures the jump, not H·v, and the setup check would compare the product with nonsense.
    /// </summary>
    private float KinkFreeStep()
    {
        double step = Scalar.NaiveHessianVector.Step<float>();
        for (int b = 0; b < Batch; b++)
        {
            for (int j = 0; j < Hidden; j++)
            {
                double s = _b1[j], rate = _tB1[j];
                for (int k = 0; k < Inputs; k++)
                {
                    s += (double)_w1[j * Inputs + k] * _x[b * Inputs + k];
                    rate += (double)_tW1[j * Inputs + k] * _x[b * Inputs + k];
                }

                if (rate != 0)
                {
                    step = Math.Min(step, 0.5 * Math.Abs(s) / Math.Abs(rate));
                }
            }
        }

        Console.WriteLine($"// Hessian-vector check: loop MLP, batch {Batch}: the naive product's step ε = {step:E2}");
        return (float)step;
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

    /// <summary>The generated Hessian-vector product along the tangent's direction, with the gradient.</summary>
    [Benchmark]
    public float HessianVector() =>
        LoopMlp.LossHessianVector(_w1, _b1, _w2, _b2, _x, _labels, Batch, Inputs, Hidden, Classes, _tW1, _tB1, _tW2, _tB2,
            _dW1, _dB1, _dW2, _dB2, _hvW1, _hvB1, _hvW2, _hvB2);

    /// <summary>Two generated gradients at x ± εv (ε from <see cref="KinkFreeStep"/>) and their central difference.</summary>
    [Benchmark]
    public float NaiveHessianVector()
    {
        Scalar.NaiveHessianVector.Shift<float>(_parameters, _direction, _plus, _minus, _step);
        Array.Clear(_gradientPlus);
        Array.Clear(_gradientMinus);
        float value = GradientAt(_plus, _gradientPlus) + GradientAt(_minus, _gradientMinus);
        Scalar.NaiveHessianVector.Difference<float>(_gradientPlus, _gradientMinus, _naive, _step);
        return value;
    }

    /// <summary>The generated gradient at a flat parameter vector (w1, b1, w2, b2), into a flat gradient.</summary>
    private float GradientAt(float[] parameters, float[] gradient)
    {
        int w1 = _w1.Length, b1 = _b1.Length, w2 = _w2.Length;
        return LoopMlp.LossGradient(parameters.AsSpan(0, w1), parameters.AsSpan(w1, b1), parameters.AsSpan(w1 + b1, w2), parameters.AsSpan(w1 + b1 + w2),
            _x, _labels, Batch, Inputs, Hidden, Classes,
            gradient.AsSpan(0, w1), gradient.AsSpan(w1, b1), gradient.AsSpan(w1 + b1, w2), gradient.AsSpan(w1 + b1 + w2));
    }

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
