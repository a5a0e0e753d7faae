using System.Numerics.Tensors;

namespace SourceGrad.Benchmarks.Generated;

using SourceGrad.Benchmarks.Scalar;
using SourceGrad.Benchmarks.Vectorized;
using SourceGrad.Tape;

/// <summary>
/// A tanh RNN cell run over a sequence, hₜ₊₁ = tanh(W·hₜ + U·xₜ + b) from h₀ = 0, with the L2 loss
/// ½ Σₜ ‖hₜ₊₁ − yₜ‖² against a target per step: nested loops over a state updated in place. W is
/// <see cref="Hidden"/>×<see cref="Hidden"/>, U <see cref="Hidden"/>×<see cref="Inputs"/> (both row-major), b has
/// <see cref="Hidden"/> entries; they are the active inputs. The sequence x and the targets y are data.
/// </summary>
public static partial class TanhRnn
{
    public const int Hidden = 32;
    public const int Inputs = 16;
    public const int Steps = 50;

    /// <summary>W, U and b, in that order, in one vector (the benchmark's point and gradient).</summary>
    public const int ParameterCount = Hidden * Hidden + Hidden * Inputs + Hidden;

    /// <summary>Seeded W, U and b, small enough that the state neither saturates nor dies out over the sequence.</summary>
    public static double[] Parameters() =>
    [
        .. SeededPoint.Uniform(Hidden * Hidden, seed: 21, low: -0.15, high: 0.15),
        .. SeededPoint.Uniform(Hidden * Inputs, seed: 24, low: -0.25, high: 0.25),
        .. SeededPoint.Uniform(Hidden, seed: 25, low: -0.1, high: 0.1),
    ];

    /// <summary>The sequence, <see cref="Steps"/> inputs of <see cref="Inputs"/> values in [−1, 1].</summary>
    public static double[] Sequence() => SeededPoint.Uniform(Steps * Inputs, seed: 22, low: -1, high: 1);

    /// <summary>The target state of every step, in [−0.5, 0.5].</summary>
    public static double[] Targets() => SeededPoint.Uniform(Steps * Hidden, seed: 23, low: -0.5, high: 0.5);

    [Differentiable(Tangent = true, Split = true, HessianVector = true)]
    public static double Loss(
        ReadOnlySpan<double> w, ReadOnlySpan<double> u, ReadOnlySpan<double> b,
        [NoGrad] ReadOnlySpan<double> x, [NoGrad] ReadOnlySpan<double> targets, int steps, int hidden, int inputs)
    {
        Span<double> h = stackalloc double[hidden];
        Span<double> z = stackalloc double[hidden];
        double loss = 0;
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < hidden; i++)
            {
                double s = b[i];
                for (int j = 0; j < hidden; j++)
                {
                    s += w[i * hidden + j] * h[j];
                }

                for (int k = 0; k < inputs; k++)
                {
                    s += u[i * inputs + k] * x[t * inputs + k];
                }

                z[i] = s;
            }

            for (int i = 0; i < hidden; i++)
            {
                h[i] = Math.Tanh(z[i]);
                double e = h[i] - targets[t * hidden + i];
                loss += 0.5 * e * e;
            }
        }

        return loss;
    }

    /// <summary>
    /// By hand, backpropagation through time as a careful person writes it in scalar C#: the forward pass keeps every
    /// state (so tanh runs once per unit and step); the backward pass walks the steps in reverse over row slices,
    /// taking each step's loss with its error, and makes one pass over each row of W and U per step for dW, dU and
    /// the gradient flowing into the previous state together.
    /// </summary>
    public static double HandWrittenGradient(
        ReadOnlySpan<double> w, ReadOnlySpan<double> u, ReadOnlySpan<double> b,
        ReadOnlySpan<double> x, ReadOnlySpan<double> targets, int steps, int hidden, int inputs,
        Span<double> dW, Span<double> dU, Span<double> dB)
    {
        // states[t·hidden ..] = hₜ; h₀ = 0.
        int stateLength = (steps + 1) * hidden;
        Span<double> states = stateLength <= StackStates ? stackalloc double[stateLength] : new double[stateLength];
        states[..hidden].Clear();
        for (int t = 0; t < steps; t++)
        {
            ReadOnlySpan<double> previous = states.Slice(t * hidden, hidden);
            Span<double> next = states.Slice((t + 1) * hidden, hidden);
            ReadOnlySpan<double> xt = x.Slice(t * inputs, inputs);
            for (int i = 0; i < hidden; i++)
            {
                double s = b[i];
                ReadOnlySpan<double> wRow = w.Slice(i * hidden, hidden);
                for (int j = 0; j < hidden; j++)
                {
                    s += wRow[j] * previous[j];
                }

                ReadOnlySpan<double> uRow = u.Slice(i * inputs, inputs);
                for (int k = 0; k < inputs; k++)
                {
                    s += uRow[k] * xt[k];
                }

                next[i] = Math.Tanh(s);
            }
        }

        // dNext = ∂loss/∂hₜ₊₁ through the steps after t; dPrevious collects ∂loss/∂hₜ through W.
        Span<double> dNext = stackalloc double[hidden];
        Span<double> dPrevious = stackalloc double[hidden];
        dNext.Clear();
        double loss = 0;
        for (int t = steps - 1; t >= 0; t--)
        {
            ReadOnlySpan<double> previous = states.Slice(t * hidden, hidden);
            ReadOnlySpan<double> next = states.Slice((t + 1) * hidden, hidden);
            ReadOnlySpan<double> xt = x.Slice(t * inputs, inputs);
            ReadOnlySpan<double> target = targets.Slice(t * hidden, hidden);
            dPrevious.Clear();
            for (int i = 0; i < hidden; i++)
            {
                double h = next[i];
                double e = h - target[i];
                loss += 0.5 * e * e;
                double dZ = (dNext[i] + e) * (1 - h * h);
                dB[i] += dZ;
                ReadOnlySpan<double> wRow = w.Slice(i * hidden, hidden);
                Span<double> dWRow = dW.Slice(i * hidden, hidden);
                for (int j = 0; j < hidden; j++)
                {
                    dWRow[j] += dZ * previous[j];
                    dPrevious[j] += dZ * wRow[j];
                }

                Span<double> dURow = dU.Slice(i * inputs, inputs);
                for (int k = 0; k < inputs; k++)
                {
                    dURow[k] += dZ * xt[k];
                }
            }

            Span<double> swap = dNext;
            dNext = dPrevious;
            dPrevious = swap;
        }

        return loss;
    }

    /// <summary>
    /// <see cref="HandWrittenGradient"/> vectorised by hand: the same passes, with the work on rows of W and U (the
    /// dot products forward, the multiply-adds backward) in SIMD (<see cref="ShortRows"/>) and each step's tanh by
    /// <see cref="TensorPrimitives.Tanh{T}(ReadOnlySpan{T}, Span{T})"/>. The per-unit arithmetic of the backward
    /// pass stays scalar: one value per unit, against a row of work per unit around it.
    /// </summary>
    public static double HandWrittenVectorizedGradient(
        ReadOnlySpan<double> w, ReadOnlySpan<double> u, ReadOnlySpan<double> b,
        ReadOnlySpan<double> x, ReadOnlySpan<double> targets, int steps, int hidden, int inputs,
        Span<double> dW, Span<double> dU, Span<double> dB)
    {
        int stateLength = (steps + 1) * hidden;
        Span<double> states = stateLength <= StackStates ? stackalloc double[stateLength] : new double[stateLength];
        Span<double> z = stackalloc double[hidden];
        states[..hidden].Clear();
        for (int t = 0; t < steps; t++)
        {
            ReadOnlySpan<double> previous = states.Slice(t * hidden, hidden);
            ReadOnlySpan<double> xt = x.Slice(t * inputs, inputs);
            for (int i = 0; i < hidden; i++)
            {
                z[i] = b[i] + ShortRows.Dot(w.Slice(i * hidden, hidden), previous) + ShortRows.Dot(u.Slice(i * inputs, inputs), xt);
            }

            TensorPrimitives.Tanh<double>(z, states.Slice((t + 1) * hidden, hidden));
        }

        Span<double> dNext = stackalloc double[hidden];
        Span<double> dPrevious = stackalloc double[hidden];
        dNext.Clear();
        double loss = 0;
        for (int t = steps - 1; t >= 0; t--)
        {
            ReadOnlySpan<double> previous = states.Slice(t * hidden, hidden);
            ReadOnlySpan<double> next = states.Slice((t + 1) * hidden, hidden);
            ReadOnlySpan<double> xt = x.Slice(t * inputs, inputs);
            ReadOnlySpan<double> target = targets.Slice(t * hidden, hidden);
            dPrevious.Clear();
            for (int i = 0; i < hidden; i++)
            {
                double h = next[i];
                double e = h - target[i];
                loss += 0.5 * e * e;
                double dZ = (dNext[i] + e) * (1 - h * h);
                dB[i] += dZ;
                ShortRows.MultiplyAdd(previous, dZ, dW.Slice(i * hidden, hidden));
                ShortRows.MultiplyAdd(w.Slice(i * hidden, hidden), dZ, dPrevious);
                ShortRows.MultiplyAdd(xt, dZ, dU.Slice(i * inputs, inputs));
            }

            Span<double> swap = dNext;
            dNext = dPrevious;
            dPrevious = swap;
        }

        return loss;
    }

    /// <summary>The same loops on the scalar tape; <paramref name="state"/> and <paramref name="preActivation"/> hold <see cref="Hidden"/> nodes each.</summary>
    public static double TapeGradient(
        Tape tape, ReadOnlySpan<double> point, ReadOnlySpan<double> x, ReadOnlySpan<double> targets,
        Span<Var> variables, Span<Var> state, Span<Var> preActivation, Span<double> gradient)
    {
        tape.Reset();
        tape.Variables(point, variables);
        ReadOnlySpan<Var> w = variables[..(Hidden * Hidden)];
        ReadOnlySpan<Var> u = variables.Slice(Hidden * Hidden, Hidden * Inputs);
        ReadOnlySpan<Var> b = variables[^Hidden..];
        state.Fill(tape.Constant(0));
        Var loss = tape.Constant(0);
        for (int t = 0; t < Steps; t++)
        {
            for (int i = 0; i < Hidden; i++)
            {
                Var s = b[i];
                for (int j = 0; j < Hidden; j++)
                {
                    s += w[i * Hidden + j] * state[j];
                }

                for (int k = 0; k < Inputs; k++)
                {
                    s += u[i * Inputs + k] * x[t * Inputs + k];
                }

                preActivation[i] = s;
            }

            for (int i = 0; i < Hidden; i++)
            {
                state[i] = Var.Tanh(preActivation[i]);
                Var e = state[i] - targets[t * Hidden + i];
                loss += 0.5 * e * e;
            }
        }

        tape.Backward(loss);
        tape.Gradients(variables, gradient);
        return loss.Value;
    }

    /// <summary>The loss as a function of the flat parameter vector, for central differences.</summary>
    public readonly struct Objective(double[] x, double[] targets) : IObjective
    {
        public double Evaluate(ReadOnlySpan<double> p) =>
            Loss(p[..(Hidden * Hidden)], p.Slice(Hidden * Hidden, Hidden * Inputs), p[^Hidden..], x, targets, Steps, Hidden, Inputs);
    }

    /// <summary>The hand-written adjoints keep states up to this many values (16 KB) on the stack.</summary>
    private const int StackStates = 2048;
}
