using SourceGrad.Data;
using SourceGrad.Samples.Digits.Models;

namespace SourceGrad.Samples.Digits.Training;

/// <summary>The mean cross-entropy and the accuracy of a classifier on a data set.</summary>
internal readonly record struct Evaluation(double Loss, int Correct, int Count)
{
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
}

/// <summary>Evaluates a classifier with its primal (forward) code only.</summary>
internal static class ClassifierEvaluation
{
    private const int ChunkSize = 500;

    public static Evaluation Evaluate(IClassifier model, MnistDataSet data)
    {
        var logits = new float[ChunkSize * model.Classes];
        var labels = new int[ChunkSize];
        double lossSum = 0;
        int correct = 0;
        for (int start = 0; start < data.Count; start += ChunkSize)
        {
            int count = Math.Min(ChunkSize, data.Count - start);
            for (int i = 0; i < count; i++)
                labels[i] = data.Labels[start + i];
            Span<float> chunkLogits = logits.AsSpan(0, count * model.Classes);
            model.ComputeLogits(data.Images.AsSpan(start * MnistDataSet.PixelsPerImage, count * MnistDataSet.PixelsPerImage), count, chunkLogits);
            lossSum += (double)Losses.SoftmaxCrossEntropy(chunkLogits, labels.AsSpan(0, count), count, model.Classes) * count;
            for (int i = 0; i < count; i++)
            {
                if (ArgMax(chunkLogits.Slice(i * model.Classes, model.Classes)) == labels[i])
                    correct++;
            }
        }
        return new Evaluation(data.Count == 0 ? 0 : lossSum / data.Count, correct, data.Count);
    }

    /// <summary>The index of the largest value (the first one on a tie).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
                best = i;
        }
        return best;
    }
}
