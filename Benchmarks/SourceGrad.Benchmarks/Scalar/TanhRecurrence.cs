namespace SourceGrad.Benchmarks.Scalar;

using SourceGrad.Tape;

/// <summary>
/// A one-unit recurrent network over <see cref="Steps"/> inputs, hₜ₊₁ = tanh(w·hₜ + u·xₜ + b) from h₀ = 0, returning
/// the last state: every step overwrites h, so a reverse sweep needs each step's state back.
/// The inputs are w, u, b and the sequence x, all active.
/// </summary>
public static partial class TanhRecurrence
{
    public const int Steps = 100;
    public const int InputCount = 3 + Steps;

    /// <summary>w, u, b, then the sequence (seeded, in [−1, 1]).</summary>
    public static double[] Point() => [0.5, 0.8, 0.1, .. SeededPoint.Uniform(Steps, seed: 12, low: -1, high: 1)];

    [Differentiable(Tangent = true, HessianVector = true)]
    public static double F(double w, double u, double b, ReadOnlySpan<double> x)
    {
        double h = 0;
        for (int t = 0; t < x.Length; t++)
        {
            h = Math.Tanh(w * h + u * x[t] + b);
        }

        return h;
    }

    /// <summary>By hand: the forward pass keeps every state on the stack, the backward pass walks them in reverse.</summary>
    public static double HandWrittenGradient(
        double w, double u, double b, ReadOnlySpan<double> x, ref double dW, ref double dU, ref double dB, Span<double> dX)
    {
        // states[t] = hₜ; states[0] = h₀ = 0.
        Span<double> states = x.Length <= 1024 ? stackalloc double[x.Length + 1] : new double[x.Length + 1];
        states[0] = 0;
        for (int t = 0; t < x.Length; t++)
        {
            states[t + 1] = Math.Tanh(w * states[t] + u * x[t] + b);
        }

        double dH = 1;
        for (int t = x.Length - 1; t >= 0; t--)
        {
            double next = states[t + 1];
            double dZ = dH * (1 - next * next);
            dW += dZ * states[t];
            dU += dZ * x[t];
            dB += dZ;
            dX[t] += dZ * u;
            dH = dZ * w;
        }

        return states[x.Length];
    }

    public static double TapeGradient(Tape tape, ReadOnlySpan<double> point, Span<Var> variables, Span<double> gradient)
    {
        tape.Reset();
        tape.Variables(point, variables);
        Var w = variables[0], u = variables[1], b = variables[2];
        Var h = tape.Variable(0);
        for (int t = 3; t < variables.Length; t++)
        {
            h = Var.Tanh(w * h + u * variables[t] + b);
        }

        tape.Backward(h);
        tape.Gradients(variables, gradient);
        return h.Value;
    }

    public readonly struct Objective : IObjective
    {
        public double Evaluate(ReadOnlySpan<double> p) => F(p[0], p[1], p[2], p[3..]);
    }
}
