using System.Diagnostics;
using SourceGrad.Data;
using SourceGrad.Samples.Distributed.Hosting;

namespace SourceGrad.Samples.Distributed.Training;

/// <summary>What one training run did: its final flat weights, the loss of each step, and the median time of a step.</summary>
public sealed record TrainingResult(float[] FlatWeights, float[] Losses, TimeSpan MedianStep);

/// <summary>How to train: the MLP's hidden units, the minibatch, how long, and the seed of the weights and the batches.</summary>
public sealed record TrainingPlan(int Hidden, int BatchSize, int Epochs, long Seed, double LearningRate = 0.05, double Momentum = 0.9)
{
    /// <summary>A replica of the MLP at its seeded initial weights.</summary>
    internal MlpReplica NewModel(MnistDataSet data)
    {
        var model = new MlpReplica(data, Hidden, BatchSize);
        model.Model.Initialize(new SeededRandom(Seed));
        return model;
    }

    internal IOptimizer NewOptimizer() => new Sgd(LearningRate, Momentum);

    internal IEnumerable<int[]> Batches(MnistDataSet data) => BatchPlan.Batches(data.Count, BatchSize, Epochs, Seed + 1);
}

/// <summary>The same plan trained over the cluster's silos and in this process, for the sample, its test and its benchmark.</summary>
public static class Comparison
{
    /// <summary>Trains <paramref name="plan"/> with one worker grain per silo of <paramref name="cluster"/>.</summary>
    public static async Task<TrainingResult> TrainDistributedAsync(LocalCluster cluster, MnistDataSet data, TrainingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(plan);
        DistributedTrainer trainer = await DistributedTrainer.CreateAsync(cluster.Grains, cluster.SiloAddresses, plan.NewModel(data), plan.NewOptimizer(), plan.BatchSize);
        var losses = new List<float>();
        var steps = new List<TimeSpan>();
        foreach (int[] batch in plan.Batches(data))
        {
            long start = Stopwatch.GetTimestamp();
            losses.Add(await trainer.StepAsync(batch));
            steps.Add(Stopwatch.GetElapsedTime(start));
        }

        return Result(trainer.Parameters, losses, steps);
    }

    /// <summary>Trains <paramref name="plan"/> in this process with <see cref="DataParallelGradient"/> on <paramref name="threads"/> threads.</summary>
    public static TrainingResult TrainLocally(MnistDataSet data, TrainingPlan plan, int threads)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var trainer = new LocalTrainer(plan.NewModel(data), plan.NewOptimizer(), threads);
        var losses = new List<float>();
        var steps = new List<TimeSpan>();
        foreach (int[] batch in plan.Batches(data))
        {
            long start = Stopwatch.GetTimestamp();
            losses.Add(trainer.Step(batch));
            steps.Add(Stopwatch.GetElapsedTime(start));
        }

        return Result(trainer.Parameters, losses, steps);
    }

    private static TrainingResult Result(ParameterSet parameters, List<float> losses, List<TimeSpan> steps)
    {
        var weights = new float[parameters.TotalLength];
        parameters.CopyValuesTo(weights);
        steps.Sort();
        return new TrainingResult(weights, [.. losses], steps.Count == 0 ? TimeSpan.Zero : steps[steps.Count / 2]);
    }
}
