using System.Diagnostics;
using System.Globalization;
using SourceGrad.Data;

namespace SourceGrad.Samples.Sequential;

/// <summary>What to train: the network's shape and the run's settings.</summary>
public sealed record TrainingSettings(int Hidden = 64, int Depth = 2, bool Tanh = false, int Epochs = 3, int Batch = 32,
    float LearningRate = 0.1f, int TrainSize = MnistDataSet.DefaultTrainingCount, int Seed = 1);

/// <summary>The outcome of a run: the test accuracy after each epoch.</summary>
public sealed record TrainingResult(string Network, IReadOnlyList<double> TestAccuracy, IReadOnlyList<float> MeanLoss, TimeSpan Elapsed);

/// <summary>Trains a <see cref="Network"/> on the shipped digits (8,000 to train, 2,000 to test) with plain SGD.</summary>
public static class Trainer
{
    public static TrainingResult Train(TrainingSettings settings, TextWriter? log = null)
    {
        var (training, test) = MnistDataSet.LoadDefault().Split();
        training = training.Slice(0, Math.Min(settings.TrainSize, training.Count));
        Network network = Network.Mlp(MnistDataSet.PixelsPerImage, settings.Hidden, settings.Depth, MnistDataSet.ClassCount, settings.Tanh, settings.Batch, settings.Seed);
        log?.WriteLine(network.Describe());

        var order = Enumerable.Range(0, training.Count).ToArray();
        var random = new Random(settings.Seed);
        float[] images = new float[settings.Batch * MnistDataSet.PixelsPerImage];
        byte[] labels = new byte[settings.Batch];
        var accuracy = new List<double>();
        var losses = new List<float>();
        var clock = Stopwatch.StartNew();
        for (int epoch = 1; epoch <= settings.Epochs; epoch++)
        {
            random.Shuffle(order);
            double total = 0;
            int batches = 0;
            for (int start = 0; start + settings.Batch <= order.Length; start += settings.Batch)
            {
                for (int n = 0; n < settings.Batch; n++)
                {
                    training.GetImage(order[start + n]).CopyTo(images.AsSpan(n * MnistDataSet.PixelsPerImage));
                    labels[n] = training.Labels[order[start + n]];
                }

                total += network.TrainStep(images, labels, settings.LearningRate);
                batches++;
            }

            accuracy.Add(network.Accuracy(test.Images, test.Labels, test.Count));
            losses.Add((float)(total / Math.Max(1, batches)));
            log?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch}: mean loss {losses[^1]:F4}, test accuracy {accuracy[^1]:P2} ({clock.Elapsed.TotalSeconds:F1} s)"));
        }

        return new TrainingResult(network.Describe(), accuracy, losses, clock.Elapsed);
    }
}
