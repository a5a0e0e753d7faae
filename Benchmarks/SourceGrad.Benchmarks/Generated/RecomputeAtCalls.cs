namespace SourceGrad.Benchmarks.Generated;

/// <summary>
/// A caller that calls an expensive [Differentiable] callee in a loop: a chain of <see cref="Length"/> tanh units over
/// its weights, once per step. <see cref="Loss"/> calls <see cref="Chain"/>, whose internals its gradient keeps (the
/// callee has split mode: CForward per step, its state on a pooled stack, CBackward in the reverse sweep);
/// <see cref="LossRecomputed"/> calls <see cref="ChainRecomputed"/>, the same body marked Recompute = true, whose
/// gradient the reverse sweep calls, running the chain's forward again.
/// </summary>
public static partial class RecomputeAtCalls
{
    public const int Length = 256;
    public const int Steps = 64;

    [Differentiable(Split = true)]
    public static double Chain(ReadOnlySpan<double> w, ReadOnlySpan<double> x, double h)
    {
        double s = h;
        for (int i = 0; i < w.Length; i++)
        {
            s = Math.Tanh(w[i] * s + x[i]);
        }

        return s;
    }

    [Differentiable(Split = true, Recompute = true)]
    public static double ChainRecomputed(ReadOnlySpan<double> w, ReadOnlySpan<double> x, double h)
    {
        double s = h;
        for (int i = 0; i < w.Length; i++)
        {
            s = Math.Tanh(w[i] * s + x[i]);
        }

        return s;
    }

    [Differentiable]
    public static double Loss(ReadOnlySpan<double> w, ReadOnlySpan<double> x, int steps)
    {
        double h = 0, loss = 0;
        for (int t = 0; t < steps; t++)
        {
            h = Chain(w, x, h + 0.001 * t);
            loss += h * h;
        }

        return loss;
    }

    [Differentiable]
    public static double LossRecomputed(ReadOnlySpan<double> w, ReadOnlySpan<double> x, int steps)
    {
        double h = 0, loss = 0;
        for (int t = 0; t < steps; t++)
        {
            h = ChainRecomputed(w, x, h + 0.001 * t);
            loss += h * h;
        }

        return loss;
    }

    public static double[] Weights()
    {
        var random = new Random(17);
        var w = new double[Length];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = random.NextDouble() * 1.5 - 0.75;
        }

        return w;
    }
}
