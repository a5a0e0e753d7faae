using System.Diagnostics;
using System.Globalization;

namespace SourceGrad.Samples.LongHorizon;

/// <summary>What one mode's gradient holds and costs, and whether it equals the store-all gradient bit for bit.</summary>
public sealed record ModeReport(string Mode, long SavedBytes, double Milliseconds, bool SameGradient);

/// <summary>The run: the three modes side by side on the untrained network, then gradient descent with the binomial one.</summary>
public static class LongHorizonRun
{
    /// <summary>
    /// What the store-all gradient saves per step, read off its generated code: the hidden state h and the z, tanh and
    /// next values of each of the <see cref="Rnn.Hidden"/> units, and the step's error.
    /// </summary>
    public const int StepSaveBytes = (4 * Rnn.Hidden + 1) * sizeof(double);

    /// <summary>The loop-carried state a snapshot holds, as the generated code names it: the loss, h and next.</summary>
    public const int StateBytes = (2 * Rnn.Hidden + 1) * sizeof(double);

    private delegate double Gradient(ReadOnlySpan<double> p, ReadOnlySpan<double> x, ReadOnlySpan<double> y, int steps, Span<double> dP, double seed);

    /// <summary>A sine wave to read and the same wave 20 steps ahead to predict.</summary>
    public static (double[] X, double[] Y) Sequence(int steps)
    {
        var random = new SeededRandom(5);
        double[] x = new double[steps], y = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            x[t] = Math.Sin(0.01 * t) + 0.05 * (random.NextDouble() * 2 - 1);
            y[t] = Math.Sin(0.01 * (t + 20));
        }

        return (x, y);
    }

    public static double[] InitialParameters()
    {
        var random = new SeededRandom(9);
        return Enumerable.Range(0, Rnn.ParameterCount).Select(_ => 0.3 * (random.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>Bytes held for the reverse sweep: store-all, every step's saves; checkpointed, the snapshots and one record's saves.</summary>
    public static long SavedBytes(string mode, int steps)
    {
        switch (mode)
        {
            case "store-all":
                return (long)steps * StepSaveBytes;
            case "binomial":
            {
                int run = Checkpointing.Revolve.BinomialRecordLength(steps, Rnn.Snapshots);
                using var schedule = Checkpointing.Revolve.Binomial(steps, Rnn.Snapshots, run);
                return (long)schedule.SnapshotCount * StateBytes + (long)run * StepSaveBytes;
            }

            default:
            {
                using var schedule = Checkpointing.Revolve.SqrtN(steps);
                return (long)schedule.SnapshotCount * StateBytes + (long)Checkpointing.Revolve.SegmentLength(steps) * StepSaveBytes;
            }
        }
    }

    public static (IReadOnlyList<ModeReport> Modes, IReadOnlyList<double> Losses) Run(int steps, int epochs, double learningRate, TextWriter output)
    {
        (double[] x, double[] y) = Sequence(steps);
        double[] p = InitialParameters();
        double[] reference = new double[p.Length];
        Rnn.StoreAllGradient(p, x, y, steps, reference);

        output.WriteLine($"tanh RNN, {Rnn.Hidden} units, one sequence of {steps:N0} steps ({Rnn.ParameterCount} parameters)");
        output.WriteLine();
        output.WriteLine($"{"mode",-22} {"held for the reverse sweep",28} {"gradient",12}  same bits as store-all");
        var modes = new List<ModeReport>();
        foreach ((string mode, string label, Gradient gradient) in new (string, string, Gradient)[]
                 {
                     ("store-all", "store-all", Rnn.StoreAllGradient),
                     ("sqrt-n", "√N segments", Rnn.SqrtNGradient),
                     ("binomial", $"binomial ({Rnn.Snapshots} snapshots)", Rnn.BinomialGradient),
                 })
        {
            double[] dP = new double[p.Length];
            gradient(p, x, y, steps, dP, 1);
            bool same = dP.AsSpan().SequenceEqual(reference);
            int calls = Math.Max(1, 200_000 / steps);
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < calls; i++)
            {
                Array.Clear(dP);
                gradient(p, x, y, steps, dP, 1);
            }

            double milliseconds = clock.Elapsed.TotalMilliseconds / calls;
            long bytes = SavedBytes(mode, steps);
            modes.Add(new ModeReport(mode, bytes, milliseconds, same));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label,-22} {bytes,22:N0} bytes {milliseconds,9:F2} ms  {(same ? "yes" : "NO")}"));
        }

        output.WriteLine();
        output.WriteLine($"training with the binomial gradient, learning rate {learningRate}:");
        var losses = new List<double>();
        double[] g = new double[p.Length];
        for (int epoch = 0; epoch <= epochs; epoch++)
        {
            Array.Clear(g);
            double loss = Rnn.BinomialGradient(p, x, y, steps, g);
            losses.Add(loss);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  epoch {epoch,3}: mean squared error {loss:F6}"));
            if (epoch < epochs)
            {
                for (int i = 0; i < p.Length; i++)
                {
                    p[i] -= learningRate * g[i];
                }
            }
        }

        return (modes, losses);
    }
}
