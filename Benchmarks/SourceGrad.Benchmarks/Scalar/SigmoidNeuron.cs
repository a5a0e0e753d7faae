namespace SourceGrad.Benchmarks.Scalar;

using SourceGrad.Tape;

/// <summary>One sigmoid neuron of two inputs, f = 1/(1 + exp(−(w0 + w1·x1 + w2·x2))): five scalar inputs, all active.</summary>
public static partial class SigmoidNeuron
{
    public const int InputCount = 5;

    /// <summary>The point the benchmark differentiates at: w0, w1, w2, x1, x2.</summary>
    public static double[] Point() => [0.3, -0.7, 1.1, 0.9, -0.4];

    [Differentiable(Tangent = true, HessianVector = true)]
    public static double F(double w0, double w1, double w2, double x1, double x2)
        => 1 / (1 + Math.Exp(-(w0 + w1 * x1 + w2 * x2)));

    /// <summary>By hand: df/dz = f(1 − f) for z = w0 + w1·x1 + w2·x2, then the product rule.</summary>
    public static double HandWrittenGradient(
        double w0, double w1, double w2, double x1, double x2,
        ref double dW0, ref double dW1, ref double dW2, ref double dX1, ref double dX2)
    {
        double f = 1 / (1 + Math.Exp(-(w0 + w1 * x1 + w2 * x2)));
        double dZ = f * (1 - f);
        dW0 += dZ;
        dW1 += dZ * x1;
        dW2 += dZ * x2;
        dX1 += dZ * w1;
        dX2 += dZ * w2;
        return f;
    }

    /// <summary>The same expression on the scalar tape, the way an operator-overloading user writes it.</summary>
    public static double TapeGradient(Tape tape, ReadOnlySpan<double> point, Span<Var> variables, Span<double> gradient)
    {
        tape.Reset();
        tape.Variables(point, variables);
        Var w0 = variables[0], w1 = variables[1], w2 = variables[2], x1 = variables[3], x2 = variables[4];
        Var f = 1 / (1 + Var.Exp(-(w0 + w1 * x1 + w2 * x2)));
        tape.Backward(f);
        tape.Gradients(variables, gradient);
        return f.Value;
    }

    public readonly struct Objective : IObjective
    {
        public double Evaluate(ReadOnlySpan<double> p) => F(p[0], p[1], p[2], p[3], p[4]);
    }
}
