namespace SourceGrad;

/// <summary>The learning rate an optimizer uses at each step.</summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate of the step that follows <paramref name="step"/> completed steps (the first step is step 0).</summary>
    double LearningRateAt(long step);
}

/// <summary>The same learning rate at every step.</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    public ConstantSchedule(double learningRate)
    {
        Require.NonNegative(learningRate);
        LearningRate = learningRate;
    }

    public double LearningRate { get; }

    public double LearningRateAt(long step) => LearningRate;

    public override string ToString() => $"constant {LearningRate}";
}

/// <summary>
/// Multiplies the learning rate by <see cref="Gamma"/> every <see cref="StepSize"/> steps (PyTorch's StepLR, counted in
/// optimizer steps): lr(t) = initial · gamma^⌊t / stepSize⌋.
/// </summary>
public sealed class StepSchedule : ILearningRateSchedule
{
    public StepSchedule(double initialLearningRate, long stepSize, double gamma = 0.1)
    {
        Require.NonNegative(initialLearningRate);
        Require.Positive(stepSize);
        Require.NonNegative(gamma);
        InitialLearningRate = initialLearningRate;
        StepSize = stepSize;
        Gamma = gamma;
    }

    public double InitialLearningRate { get; }

    public long StepSize { get; }

    public double Gamma { get; }

    public double LearningRateAt(long step) => InitialLearningRate * Math.Pow(Gamma, Math.Max(step, 0) / StepSize);

    public override string ToString() => $"step {InitialLearningRate} × {Gamma} every {StepSize} steps";
}

/// <summary>
/// Cosine annealing (PyTorch's CosineAnnealingLR without restarts) after an optional linear warm-up:
/// for t &lt; warmup, lr(t) = max · (t + 1) / warmup; then, with T = totalSteps − warmup and τ = t − warmup,
/// lr(t) = min + (max − min) · (1 + cos(π · τ / T)) / 2; from <see cref="TotalSteps"/> on it stays at the minimum.
/// </summary>
public sealed class CosineSchedule : ILearningRateSchedule
{
    public CosineSchedule(double maxLearningRate, long totalSteps, double minLearningRate = 0, long warmupSteps = 0)
    {
        Require.NonNegative(maxLearningRate);
        Require.Positive(totalSteps);
        Require.NonNegative(minLearningRate);
        if (minLearningRate > maxLearningRate)
            throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, $"minLearningRate must be <= maxLearningRate ({maxLearningRate}), but was {minLearningRate}.");
        if (warmupSteps < 0 || warmupSteps >= totalSteps)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, $"warmupSteps must be in [0, totalSteps = {totalSteps}), but was {warmupSteps}.");
        MaxLearningRate = maxLearningRate;
        MinLearningRate = minLearningRate;
        TotalSteps = totalSteps;
        WarmupSteps = warmupSteps;
    }

    public double MaxLearningRate { get; }

    public double MinLearningRate { get; }

    public long TotalSteps { get; }

    public long WarmupSteps { get; }

    public double LearningRateAt(long step)
    {
        step = Math.Max(step, 0);
        if (step < WarmupSteps)
            return MaxLearningRate * (step + 1) / WarmupSteps;
        if (step >= TotalSteps)
            return MinLearningRate;
        double progress = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
        return MinLearningRate + (MaxLearningRate - MinLearningRate) * (1 + Math.Cos(Math.PI * progress)) / 2;
    }

    public override string ToString() =>
        $"cosine {MaxLearningRate} → {MinLearningRate} over {TotalSteps} steps" + (WarmupSteps > 0 ? $", {WarmupSteps} warm-up" : "");
}
