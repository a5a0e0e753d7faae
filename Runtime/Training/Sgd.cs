using System.Numerics;
using System.Runtime.InteropServices;

namespace SourceGrad;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, as PyTorch's
/// <c>torch.optim.SGD</c> with dampening 0. Per element, with g the gradient, p the value, b the momentum buffer (starting at 0):
/// <code>
/// g ← g + weightDecay · p
/// b ← momentum · b + g                 (when momentum &gt; 0)
/// g ← nesterov ? g + momentum · b : b  (when momentum &gt; 0)
/// p ← p − lr · g
/// </code>
/// </summary>
public sealed class Sgd : Optimizer
{
    private float[] _velocity = [];

    public Sgd(double learningRate, double momentum = 0, bool nesterov = false, double weightDecay = 0)
        : this(new ConstantSchedule(learningRate), momentum, nesterov, weightDecay)
    {
    }

    public Sgd(ILearningRateSchedule schedule, double momentum = 0, bool nesterov = false, double weightDecay = 0)
        : base(schedule)
    {
        Require.UnitInterval(momentum);
        Require.NonNegative(weightDecay);
        if (nesterov && momentum == 0)
            throw new ArgumentException("Nesterov momentum needs momentum > 0, but momentum is 0.", nameof(nesterov));
        Momentum = momentum;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
    }

    public double Momentum { get; }

    public bool Nesterov { get; }

    public double WeightDecay { get; }

    private protected override void AllocateState(int totalLength) => _velocity = Momentum > 0 ? new float[totalLength] : [];

    private protected override void ReleaseState() => _velocity = [];

    private protected override void Update(Parameter parameter, int start, int count, double learningRate, long step)
    {
        var c = new Coefficients((float)learningRate, (float)Momentum, (float)WeightDecay, Momentum > 0, Nesterov);
        Span<float> value = parameter.Value.AsSpan(start, count);
        ReadOnlySpan<float> gradient = parameter.Gradient.AsSpan(start, count);
        Span<float> velocity = c.HasMomentum ? _velocity.AsSpan(parameter.Offset + start, count) : default;

        Span<Vector<float>> values = MemoryMarshal.Cast<float, Vector<float>>(value);
        ReadOnlySpan<Vector<float>> gradients = MemoryMarshal.Cast<float, Vector<float>>(gradient);
        Span<Vector<float>> velocities = MemoryMarshal.Cast<float, Vector<float>>(velocity);
        Vector<float> unused = default;
        for (int k = 0; k < values.Length; k++)
            values[k] = Apply(values[k], gradients[k], ref c.HasMomentum ? ref velocities[k] : ref unused, c);

        int done = values.Length * Vector<float>.Count;
        if (done < value.Length)
        {
            Vector<float> tailVelocity = c.HasMomentum ? VectorTail.Load(velocity[done..]) : default;
            Vector<float> tailValue = Apply(VectorTail.Load(value[done..]), VectorTail.Load(gradient[done..]), ref tailVelocity, c);
            VectorTail.Store(tailValue, value[done..]);
            if (c.HasMomentum)
                VectorTail.Store(tailVelocity, velocity[done..]);
        }
    }

    private static Vector<float> Apply(Vector<float> p, Vector<float> g, ref Vector<float> b, in Coefficients c)
    {
        g += c.WeightDecay * p;
        if (c.HasMomentum)
        {
            b = c.Momentum * b + g;
            g = c.Nesterov ? g + c.Momentum * b : b;
        }
        return p - c.LearningRate * g;
    }

    private readonly record struct Coefficients(float LearningRate, float Momentum, float WeightDecay, bool HasMomentum, bool Nesterov);

    public override string ToString() =>
        $"SGD(lr: {Schedule}, momentum {Momentum}{(Nesterov ? ", Nesterov" : "")}, weight decay {WeightDecay})";
}
