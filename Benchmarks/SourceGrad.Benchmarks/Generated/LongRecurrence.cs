namespace SourceGrad.Benchmarks.Generated;

/// <summary>
/// A tanh recurrence over <see cref="Steps"/> steps, hₜ₊₁ = tanh(w·hₜ + u·xₜ), with a running loss Σ (hₜ − ½)²: the
/// same body three times, stored whole, with binomial checkpointing (32 snapshots) and with √N segments.
/// </summary>
public static partial class LongRecurrence
{
    public const int Steps = 100_000;
    public const int Snapshots = 32;

    /// <summary>The loop-carried state: h and the loss, one double each.</summary>
    public const int StateBytes = 2 * sizeof(double);

    /// <summary>What one iteration saves for its reverse: the state h it overwrites.</summary>
    public const int IterationSaveBytes = sizeof(double);

    public static double[] Sequence() => SeededSequence(Steps);

    public static double[] SeededSequence(int steps)
    {
        var random = new Random(17);
        return Enumerable.Range(0, steps).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    [Differentiable]
    public static double StoreAll(double w, double u, ReadOnlySpan<double> x, int steps)
    {
        double h = 0;
        double loss = 0;
        for (int t = 0; t < steps; t++)
        {
            h = Math.Tanh(w * h + u * x[t]);
            loss += (h - 0.5) * (h - 0.5);
        }

        return loss;
    }

    [Differentiable(Checkpoint = CheckpointMode.Binomial, Snapshots = Snapshots)]
    public static double Binomial(double w, double u, ReadOnlySpan<double> x, int steps)
    {
        double h = 0;
        double loss = 0;
        for (int t = 0; t < steps; t++)
        {
            h = Math.Tanh(w * h + u * x[t]);
            loss += (h - 0.5) * (h - 0.5);
        }

        return loss;
    }

    [Differentiable(Checkpoint = CheckpointMode.SqrtN)]
    public static double SqrtN(double w, double u, ReadOnlySpan<double> x, int steps)
    {
        double h = 0;
        double loss = 0;
        for (int t = 0; t < steps; t++)
        {
            h = Math.Tanh(w * h + u * x[t]);
            loss += (h - 0.5) * (h - 0.5);
        }

        return loss;
    }

    /// <summary>
    /// The bytes each gradient holds for its reverse sweep, from what the generated code keeps (docs/contract.md, "Loop
    /// checkpointing"): store-all, every iteration's save; binomial, its snapshots of the state and one recorded run's saves;
    /// √N, its snapshots and one segment's saves. The schedule's own counts come from the runtime.
    /// </summary>
    public static long SavedBytes(string mode, int steps)
    {
        switch (mode)
        {
            case nameof(StoreAll):
                return (long)steps * IterationSaveBytes;
            case nameof(Binomial):
            {
                int run = SourceGrad.Checkpointing.Revolve.BinomialRecordLength(steps, Snapshots);
                using var schedule = SourceGrad.Checkpointing.Revolve.Binomial(steps, Snapshots, run);
                return (long)schedule.SnapshotCount * StateBytes + (long)run * IterationSaveBytes;
            }

            default:
            {
                using var schedule = SourceGrad.Checkpointing.Revolve.SqrtN(steps);
                return (long)schedule.SnapshotCount * StateBytes + (long)SourceGrad.Checkpointing.Revolve.SegmentLength(steps) * IterationSaveBytes;
            }
        }
    }
}
