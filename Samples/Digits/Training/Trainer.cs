using System.Diagnostics;
using SourceGrad.Data;
using SourceGrad.Samples.Digits.Cli;
using SourceGrad.Samples.Digits.Models;

namespace SourceGrad.Samples.Digits.Training;

/// <summary>
/// How long and in what order to train: epochs, minibatch size, the seed of the shuffling, the random shifts (0: none),
/// and the data-parallel threads each minibatch is split over (null: the model's own gradient call, unsplit).
/// </summary>
internal sealed record TrainingSettings(int Epochs, int BatchSize, long ShuffleSeed, int MaxShift = 0, long ShiftSeed = 0, int? DataParallelThreads = null);

/// <summary>What one epoch of training did: its number, the mean minibatch loss, and the time spent on training.</summary>
internal readonly record struct EpochSummary(int Epoch, double MeanBatchLoss, TimeSpan TrainingTime);

/// <summary>The training loop every digit model shares: shuffled minibatches, the model's generated gradient, an optimizer step.</summary>
internal static class Trainer
{
    /// <summary>The number of optimizer steps <paramref name="settings"/> take on <paramref name="trainingCount"/> digits.</summary>
    public static long TotalSteps(TrainingSettings settings, int trainingCount) =>
        (long)settings.Epochs * ((trainingCount + settings.BatchSize - 1) / settings.BatchSize);

    /// <summary>
    /// Trains <paramref name="model"/> for <see cref="TrainingSettings.Epochs"/> epochs and calls
    /// <paramref name="afterEpoch"/> after each (to evaluate and print). The same settings, model initialisation and
    /// optimizer give the same parameters, bit for bit (with <see cref="TrainingSettings.DataParallelThreads"/>, for each
    /// thread count: one thread gives the unsplit bits, more differ from them by rounding).
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite (the learning rate is too large).</exception>
    public static void Run(ITrainable model, MnistDataSet training, IOptimizer optimizer, TrainingSettings settings, Report report, Action<EpochSummary> afterEpoch)
    {
        var batches = new MinibatchIterator(training, settings.BatchSize, new SeededRandom(settings.ShuffleSeed));
        var images = new float[settings.BatchSize * MnistDataSet.PixelsPerImage];
        var labels = new int[settings.BatchSize];
        ShiftAugmentation? shifts = settings.MaxShift > 0 ? new ShiftAugmentation(settings.MaxShift, new SeededRandom(settings.ShiftSeed)) : null;
        Func<int, float> trainOn = StepOf(model, optimizer, settings, images, labels);
        for (int epoch = 1; epoch <= settings.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            int seen = 0;
            report.Progress($"epoch {epoch}/{settings.Epochs}", batches.BatchesPerEpoch, step =>
            {
                while (batches.NextBatch(images, labels, out int count))
                {
                    shifts?.Apply(images, count);
                    float loss = trainOn(count);
                    if (!float.IsFinite(loss))
                        throw new TrainingDivergedException($"The training loss became {loss} in epoch {epoch}; try a smaller --learning-rate.");
                    lossSum += (double)loss * count;
                    seen += count;
                    step($"loss {Format.Number(loss, 3)}");
                }
            });
            afterEpoch(new EpochSummary(epoch, lossSum / seen, clock.Elapsed));
        }
    }

    /// <summary>
    /// One training step on the first count digits of the minibatch arrays, returning their loss: the model's own
    /// gradient then the optimizer's step, or split over threads. There an <see cref="Optimizer"/> updates each thread's
    /// range of the weights on that thread (<see cref="DataParallelGradient.Step"/>, the same bits as the gradient then a
    /// whole step); any other <see cref="IOptimizer"/> steps after the threads' gradient.
    /// </summary>
    private static Func<int, float> StepOf(ITrainable model, IOptimizer optimizer, TrainingSettings settings, float[] images, int[] labels)
    {
        if (settings.DataParallelThreads is not int threads)
        {
            return count =>
            {
                float loss = model.ComputeGradient(images, labels, count);
                optimizer.Step(model.Parameters);
                return loss;
            };
        }

        if (model is not IShardedTrainable sharded)
            throw new ArgumentException($"The {model.Kind} model cannot be trained data-parallel (--threads); it computes its gradient only whole.", nameof(model));
        sharded.UseBatch(images, labels);
        var parallel = new DataParallelGradient(model.Parameters, threads);
        if (optimizer is Optimizer byRange)
            return count => parallel.Step(sharded, count, byRange);
        return count =>
        {
            float loss = parallel.Compute(sharded, count);
            optimizer.Step(model.Parameters);
            return loss;
        };
    }
}

/// <summary>The loss stopped being a finite number: the parameters diverged.</summary>
internal sealed class TrainingDivergedException(string message) : Exception(message);
