namespace SourceGrad.Tests.Checkpointing;

/// <summary>
/// Long loops, each written several times over: store-all (no checkpointing), binomial with a few snapshot counts, and
/// √N. The bodies are identical, so the checkpointed gradients must equal the store-all ones bit for bit.
/// </summary>
public static partial class CheckpointModels
{
    // ---- A tanh recurrence: one carried scalar (and the running loss) --------------------------------------------

    [Differentiable]
    public static double Recurrence(double w, double u, ReadOnlySpan<double> x, int steps)
    {
        double h = 0;
        double loss = 0;
        for (int t = 0; t < steps; t++)
        {
            h = Math.Tanh(w * h + u * x[t]);
            loss += (h - 0.5) * (h - 0.5);
        }

        return loss + h;
    }

    [Differentiable(Checkpoint = CheckpointMode.Binomial, Snapshots = 1)]
    public static double RecurrenceOneSnapshot(double w, double u, ReadOnlySpan<double> x, int steps)
    {
        double h = 0;
        double loss = 0;
        for (int t = 0; t < steps; t++)
        {
            h = Math.Tanh(w * h + u * x[t]);
            loss += (h - 0.5) * (h - 0.5);
        }

        return loss + h;
    }

    [Differentiable(Checkpoint = CheckpointMode.Binomial, Snapshots = 3)]
    public static double RecurrenceThreeSnapshots(double w, double u, ReadOnlySpan<double> x, int steps)
    {
        double h = 0;
        double loss = 0;
        for (int t = 0; t < steps; t++)
        {
            h = Math.Tanh(w * h + u * x[t]);
            loss += (h - 0.5) * (h - 0.5);
        }

        return loss + h;
    }

    [Differentiable(Checkpoint = CheckpointMode.Binomial, Snapshots = 100)]
    public static double RecurrenceManySnapshots(double w, double u, ReadOnlySpan<double> x, int steps)
    {
        double h = 0;
        double loss = 0;
        for (int t = 0; t < steps; t++)
        {
            h = Math.Tanh(w * h + u * x[t]);
            loss += (h - 0.5) * (h - 0.5);
        }

        return loss + h;
    }

    [Differentiable(Checkpoint = CheckpointMode.SqrtN)]
    public static double RecurrenceSqrtN(double w, double u, ReadOnlySpan<double> x, int steps)
    {
        double h = 0;
        double loss = 0;
        for (int t = 0; t < steps; t++)
        {
            h = Math.Tanh(w * h + u * x[t]);
            loss += (h - 0.5) * (h - 0.5);
        }

        return loss + h;
    }

    /// <summary>Checkpointed, with split mode and a Hessian-vector product too: those two are generated from the store-all program.</summary>
    [Differentiable(Checkpoint = CheckpointMode.Binomial, Snapshots = 3, Split = true, HessianVector = true)]
    public static double RecurrenceAllModes(double w, double u, ReadOnlySpan<double> x, int steps)
    {
        double h = 0;
        double loss = 0;
        for (int t = 0; t < steps; t++)
        {
            h = Math.Tanh(w * h + u * x[t]);
            loss += (h - 0.5) * (h - 0.5);
        }

        return loss + h;
    }

    // ---- An RNN with span state: a stackalloc'd hidden vector, a scratch vector, nested loops, a branch ------------

    [Differentiable]
    public static float Rnn(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> inputs, int n, int steps)
    {
        Span<float> h = stackalloc float[n];
        Span<float> next = stackalloc float[n];
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < n; i++)
            {
                float z = bias[i] + inputs[t * n + i];
                for (int j = 0; j < n; j++)
                {
                    z += weights[i * n + j] * h[j];
                }

                next[i] = z > 0 ? MathF.Tanh(z) : 0.5f * MathF.Tanh(z);
            }

            for (int i = 0; i < n; i++)
            {
                h[i] = next[i];
            }
        }

        float s = 0;
        for (int i = 0; i < n; i++)
        {
            s += h[i] * h[i];
        }

        return s;
    }

    [Differentiable(Checkpoint = CheckpointMode.Binomial, Snapshots = 2, CheckpointLoop = "t")]
    public static float RnnBinomial(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> inputs, int n, int steps)
    {
        Span<float> h = stackalloc float[n];
        Span<float> next = stackalloc float[n];
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < n; i++)
            {
                float z = bias[i] + inputs[t * n + i];
                for (int j = 0; j < n; j++)
                {
                    z += weights[i * n + j] * h[j];
                }

                next[i] = z > 0 ? MathF.Tanh(z) : 0.5f * MathF.Tanh(z);
            }

            for (int i = 0; i < n; i++)
            {
                h[i] = next[i];
            }
        }

        float s = 0;
        for (int i = 0; i < n; i++)
        {
            s += h[i] * h[i];
        }

        return s;
    }

    [Differentiable(Checkpoint = CheckpointMode.SqrtN, CheckpointLoop = "t")]
    public static float RnnSqrtN(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> inputs, int n, int steps)
    {
        Span<float> h = stackalloc float[n];
        Span<float> next = stackalloc float[n];
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < n; i++)
            {
                float z = bias[i] + inputs[t * n + i];
                for (int j = 0; j < n; j++)
                {
                    z += weights[i * n + j] * h[j];
                }

                next[i] = z > 0 ? MathF.Tanh(z) : 0.5f * MathF.Tanh(z);
            }

            for (int i = 0; i < n; i++)
            {
                h[i] = next[i];
            }
        }

        float s = 0;
        for (int i = 0; i < n; i++)
        {
            s += h[i] * h[i];
        }

        return s;
    }

    // ---- A pendulum integrated in place: the state is a span parameter; a start other than 0 and a '<=' bound ----

    [Differentiable]
    public static void Pendulum(Span<double> q, double k, double dt, int first, int last)
    {
        for (int t = first; t <= last; t++)
        {
            double a = -k * Math.Sin(q[0]);
            q[1] += dt * a;
            q[0] += dt * q[1];
        }
    }

    [Differentiable(Checkpoint = CheckpointMode.Binomial, Snapshots = 4)]
    public static void PendulumBinomial(Span<double> q, double k, double dt, int first, int last)
    {
        for (int t = first; t <= last; t++)
        {
            double a = -k * Math.Sin(q[0]);
            q[1] += dt * a;
            q[0] += dt * q[1];
        }
    }

    [Differentiable(Checkpoint = CheckpointMode.SqrtN)]
    public static void PendulumSqrtN(Span<double> q, double k, double dt, int first, int last)
    {
        for (int t = first; t <= last; t++)
        {
            double a = -k * Math.Sin(q[0]);
            q[1] += dt * a;
            q[0] += dt * q[1];
        }
    }

    // ---- A running maximum and an int counter carried through the loop, a continue-free branch ----------------------

    [Differentiable]
    public static double Peaks(ReadOnlySpan<double> x, double c, int steps)
    {
        double m = -1e9;
        double y = 1;
        int flips = 0;
        for (int t = 0; t < steps; t++)
        {
            y = Math.Sin(c * y + x[t]);
            m = Math.Max(m, y);
            if (y < 0)
            {
                flips++;
                y = -y * 0.5;
            }
        }

        return m + y * flips;
    }

    [Differentiable(Checkpoint = CheckpointMode.Binomial, Snapshots = 2)]
    public static double PeaksBinomial(ReadOnlySpan<double> x, double c, int steps)
    {
        double m = -1e9;
        double y = 1;
        int flips = 0;
        for (int t = 0; t < steps; t++)
        {
            y = Math.Sin(c * y + x[t]);
            m = Math.Max(m, y);
            if (y < 0)
            {
                flips++;
                y = -y * 0.5;
            }
        }

        return m + y * flips;
    }

    // ---- A loop that saves nothing per iteration: its reverse reads no record, so its record length goes unused ----
    // (The fuzzer's seed 20250601, programs 73, 79, 108, …: the record length was assigned to a local whose declaration
    // dead code had removed, and the checkpointed gradient did not compile.)

    [Differentiable]
    public static double Shift(double x, Span<double> a, int n)
    {
        double h = 0;
        for (int i = 0; i < n; i++)
        {
            h = 0.5 * h + x;
        }

        Activations.Relu(a, a);
        return Reductions.Sum(a) * h;
    }

    [Differentiable(Checkpoint = CheckpointMode.Binomial, Snapshots = 2)]
    public static double ShiftBinomial(double x, Span<double> a, int n)
    {
        double h = 0;
        for (int i = 0; i < n; i++)
        {
            h = 0.5 * h + x;
        }

        Activations.Relu(a, a);
        return Reductions.Sum(a) * h;
    }

    [Differentiable(Checkpoint = CheckpointMode.SqrtN)]
    public static double ShiftSqrtN(double x, Span<double> a, int n)
    {
        double h = 0;
        for (int i = 0; i < n; i++)
        {
            h = 0.5 * h + x;
        }

        Activations.Relu(a, a);
        return Reductions.Sum(a) * h;
    }

    // ---- A span parameter of the state whose old elements the reverse sweep never reads, so store-all keeps no copy ----
    // of its final contents (the fuzzer's seed 20250601, program 301: the snapshots restored left it as it was before
    // the loop).

    [Differentiable]
    public static double Halving(double x, Span<double> a, int n)
    {
        for (int t = 0; t < n; t++)
        {
            a[0] = 0.5 * a[0] + x;
        }

        return a[0] * x;
    }

    [Differentiable(Checkpoint = CheckpointMode.Binomial, Snapshots = 1)]
    public static double HalvingBinomial(double x, Span<double> a, int n)
    {
        for (int t = 0; t < n; t++)
        {
            a[0] = 0.5 * a[0] + x;
        }

        return a[0] * x;
    }

    [Differentiable(Checkpoint = CheckpointMode.SqrtN)]
    public static double HalvingSqrtN(double x, Span<double> a, int n)
    {
        for (int t = 0; t < n; t++)
        {
            a[0] = 0.5 * a[0] + x;
        }

        return a[0] * x;
    }

    // ---- A local array of the state that only a callee writes, passed whole (the fuzzer's seed 20261211, program 595:
    // the snapshots did not hold it, so iterations ran again from its final contents) ---------------------------------

    [Differentiable]
    public static double Biased(double x, Span<double> a, int n)
    {
        double[] y = new double[a.Length];
        double h = 0;
        for (int t = 0; t < n; t++)
        {
            h = Math.Tanh(x * h + y[0]);
            Linalg.AddBias(y, a, 1, a.Length);
        }

        return h;
    }

    [Differentiable(Checkpoint = CheckpointMode.Binomial, Snapshots = 1)]
    public static double BiasedBinomial(double x, Span<double> a, int n)
    {
        double[] y = new double[a.Length];
        double h = 0;
        for (int t = 0; t < n; t++)
        {
            h = Math.Tanh(x * h + y[0]);
            Linalg.AddBias(y, a, 1, a.Length);
        }

        return h;
    }

    [Differentiable(Checkpoint = CheckpointMode.SqrtN)]
    public static double BiasedSqrtN(double x, Span<double> a, int n)
    {
        double[] y = new double[a.Length];
        double h = 0;
        for (int t = 0; t < n; t++)
        {
            h = Math.Tanh(x * h + y[0]);
            Linalg.AddBias(y, a, 1, a.Length);
        }

        return h;
    }

    // ---- A span the loop only reads, overwritten after it (the fuzzer's seed 20261211, program 1766: the iterations ran
    // again from its new contents) -------------------------------------------------------------------------------------

    [Differentiable]
    public static double Rescaled(double x, Span<double> a, int n)
    {
        double h = 0;
        for (int t = 0; t < n; t++)
        {
            h = Math.Tanh(h * x + a[t % a.Length]);
        }

        a[0] = 2 * a[0];
        return h;
    }

    [Differentiable(Checkpoint = CheckpointMode.Binomial, Snapshots = 1)]
    public static double RescaledBinomial(double x, Span<double> a, int n)
    {
        double h = 0;
        for (int t = 0; t < n; t++)
        {
            h = Math.Tanh(h * x + a[t % a.Length]);
        }

        a[0] = 2 * a[0];
        return h;
    }

    [Differentiable(Checkpoint = CheckpointMode.SqrtN)]
    public static double RescaledSqrtN(double x, Span<double> a, int n)
    {
        double h = 0;
        for (int t = 0; t < n; t++)
        {
            h = Math.Tanh(h * x + a[t % a.Length]);
        }

        a[0] = 2 * a[0];
        return h;
    }
}
