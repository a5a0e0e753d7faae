using System.Numerics;
using System.Runtime.InteropServices;

namespace SourceGrad;

/// <summary>
/// Adam (Kingma and Ba) with bias correction, as PyTorch's <c>torch.optim.Adam</c>; <c>weightDecay</c> is L2
/// regularisation added to the gradient. Per element, at step t = 1, 2, …, with m and v starting at 0:
/// <code>
/// g ← g + weightDecay · p
/// m ← β1 · m + (1 − β1) · g
/// v ← β2 · v + (1 − β2) · g²
/// p ← p − lr · (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε)
/// </code>
/// For decoupled weight decay use <see cref="AdamW"/>.
/// </summary>
public sealed class Adam : AdamOptimizer
{
    public Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
        : this(new ConstantSchedule(learningRate), beta1, beta2, epsilon, weightDecay)
    {
    }

    public Adam(ILearningRateSchedule schedule, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
        : base(schedule, beta1, beta2, epsilon, weightDecay, decoupledWeightDecay: false)
    {
    }
}

/// <summary>
/// AdamW (Loshchilov and Hutter): Adam with decoupled weight decay, as PyTorch's <c>torch.optim.AdamW</c>. Each step first
/// shrinks the values, p ← p · (1 − lr · weightDecay), then applies the <see cref="Adam"/> update without L2 term.
/// </summary>
public sealed class AdamW : AdamOptimizer
{
    public AdamW(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 1e-2)
        : this(new ConstantSchedule(learningRate), beta1, beta2, epsilon, weightDecay)
    {
    }

    public AdamW(ILearningRateSchedule schedule, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 1e-2)
        : base(schedule, beta1, beta2, epsilon, weightDecay, decoupledWeightDecay: true)
    {
    }
}

/// <summary>What <see cref="Adam"/> and <see cref="AdamW"/> share: the moment estimates and the update; they differ only in how weight decay enters.</summary>
public abstract class AdamOptimizer : Optimizer
{
    private float[] _mean = [];
    private float[] _variance = [];

    private protected AdamOptimizer(ILearningRateSchedule schedule, double beta1, double beta2, double epsilon, double weightDecay, bool decoupledWeightDecay)
        : base(schedule)
    {
        Require.UnitInterval(beta1);
        Require.UnitInterval(beta2);
        Require.Positive(epsilon);
        Require.NonNegative(weightDecay);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        DecoupledWeightDecay = decoupledWeightDecay;
    }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Epsilon { get; }

    public double WeightDecay { get; }

    /// <summary>True for AdamW (the values shrink apart from the gradient), false for Adam (L2 added to the gradient).</summary>
    public bool DecoupledWeightDecay { get; }

    private protected override void AllocateState(int totalLength)
    {
        _mean = new float[totalLength];
        _variance = new float[totalLength];
    }

    private protected override void ReleaseState() => _mean = _variance = [];

    private protected override void Update(Parameter parameter, int start, int count, double learningRate, long step)
    {
        // PyTorch's arrangement: lr / (1 − β1ᵗ) as one step size, and √v / √(1 − β2ᵗ) + ε as the denominator.
        double biasCorrection1 = 1 - Math.Pow(Beta1, step);
        double biasCorrection2 = 1 - Math.Pow(Beta2, step);
        var c = new Coefficients(
            DecayFactor: (float)(DecoupledWeightDecay ? 1 - learningRate * WeightDecay : 1),
            L2: (float)(DecoupledWeightDecay ? 0 : WeightDecay),
            Beta1: (float)Beta1,
            OneMinusBeta1: (float)(1 - Beta1),
            Beta2: (float)Beta2,
            OneMinusBeta2: (float)(1 - Beta2),
            StepSize: (float)(learningRate / biasCorrection1),
            InverseSqrtBiasCorrection2: (float)(1 / Math.Sqrt(biasCorrection2)),
            Epsilon: (float)Epsilon);

        Span<float> value = parameter.Value.AsSpan(start, count);
        ReadOnlySpan<float> gradient = parameter.Gradient.AsSpan(start, count);
        Span<float> mean = _mean.AsSpan(parameter.Offset + start, count);
        Span<float> variance = _variance.AsSpan(parameter.Offset + start, count);

        Span<Vector<float>> values = MemoryMarshal.Cast<float, Vector<float>>(value);
        ReadOnlySpan<Vector<float>> gradients = MemoryMarshal.Cast<float, Vector<float>>(gradient);
        Span<Vector<float>> means = MemoryMarshal.Cast<float, Vector<float>>(mean);
        Span<Vector<float>> variances = MemoryMarshal.Cast<float, Vector<float>>(variance);
        for (int k = 0; k < values.Length; k++)
            values[k] = Apply(values[k], gradients[k], ref means[k], ref variances[k], c);

        int done = values.Length * Vector<float>.Count;
        if (done < value.Length)
        {
            Vector<float> tailMean = VectorTail.Load(mean[done..]);
            Vector<float> tailVariance = VectorTail.Load(variance[done..]);
            Vector<float> tailValue = Apply(VectorTail.Load(value[done..]), VectorTail.Load(gradient[done..]), ref tailMean, ref tailVariance, c);
            VectorTail.Store(tailValue, value[done..]);
            VectorTail.Store(tailMean, mean[done..]);
            VectorTail.Store(tailVariance, variance[done..]);
        }
    }

    /// <summary>p ← p · decayFactor; g ← g + l2 · p; then the moments and the bias-corrected step (see <see cref="Adam"/>).</summary>
    private static Vector<float> Apply(Vector<float> p, Vector<float> g, ref Vector<float> m, ref Vector<float> v, in Coefficients c)
    {
        p *= c.DecayFactor;
        g += c.L2 * p;
        m = c.Beta1 * m + c.OneMinusBeta1 * g;
        v = c.Beta2 * v + c.OneMinusBeta2 * (g * g);
        Vector<float> denominator = Vector.SquareRoot(v) * c.InverseSqrtBiasCorrection2 + new Vector<float>(c.Epsilon);
        return p - c.StepSize * m / denominator;
    }

    private readonly record struct Coefficients(
        float DecayFactor,
        float L2,
        float Beta1,
        float OneMinusBeta1,
        float Beta2,
        float OneMinusBeta2,
        float StepSize,
        float InverseSqrtBiasCorrection2,
        float Epsilon);

    public override string ToString() =>
        $"{(DecoupledWeightDecay ? "AdamW" : "Adam")}(lr: {Schedule}, β1 {Beta1}, β2 {Beta2}, ε {Epsilon}, weight decay {WeightDecay})";
}
