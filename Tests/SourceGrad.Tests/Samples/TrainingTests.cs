using SourceGrad.Data;
using SourceGrad.Samples.Digits.Cli;
using SourceGrad.Samples.Digits.Models;
using SourceGrad.Samples.Digits.Training;

namespace SourceGrad.Tests.Samples;

public class TrainingTests
{
    internal static readonly Lazy<MnistDataSet> Shipped = new(() => MnistDataSet.LoadDefault());

    private static Mlp TrainMlp(MnistDataSet data, long seed, int epochs, List<EpochSummary>? epochsSeen = null, int? threads = null,
        Func<IOptimizer, IOptimizer>? wrap = null)
    {
        var model = new Mlp(hidden: 16);
        model.Initialize(Seeds.Initialization(seed));
        var settings = new TrainingSettings(epochs, BatchSize: 32, Seeds.Shuffling(seed), MaxShift: 2, Seeds.Shifting(seed), threads);
        var optimizer = new Sgd(new CosineSchedule(0.05, Trainer.TotalSteps(settings, data.Count)), momentum: 0.9);
        Trainer.Run(model, data, wrap is null ? optimizer : wrap(optimizer), settings, Report.Plain(TextWriter.Null), epoch => epochsSeen?.Add(epoch));
        return model;
    }

    /// <summary>An optimizer the trainer cannot update range by range: it counts its whole steps.</summary>
    private sealed class WholeSteps(IOptimizer inner) : IOptimizer
    {
        public int Steps { get; private set; }

        public long StepCount => inner.StepCount;

        public double LearningRate => inner.LearningRate;

        public void Step(ParameterSet parameters)
        {
            Steps++;
            inner.Step(parameters);
        }
    }

    [Fact]
    public void Data_parallel_training_updates_each_threads_range_with_the_bits_of_a_whole_step()
    {
        MnistDataSet data = Shipped.Value.Slice(0, 256);
        WholeSteps? whole = null;

        Mlp byRange = TrainMlp(data, seed: 7, epochs: 2, threads: 2);
        Mlp byWholeSteps = TrainMlp(data, seed: 7, epochs: 2, threads: 2, wrap: inner => whole = new WholeSteps(inner));

        // 256 digits in batches of 32 for two epochs: the wrapped optimizer took every step whole.
        Assert.Equal(16, whole!.Steps);
        foreach (Parameter parameter in byRange.Parameters)
        {
            Assert.Equal(byWholeSteps.Parameters[parameter.Name].Value, parameter.Value);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_parameters_bit_for_bit()
    {
        MnistDataSet data = Shipped.Value.Slice(0, 256);

        Mlp first = TrainMlp(data, seed: 7, epochs: 2);
        Mlp second = TrainMlp(data, seed: 7, epochs: 2);
        Mlp other = TrainMlp(data, seed: 8, epochs: 2);

        foreach (Parameter parameter in first.Parameters)
        {
            Assert.Equal(parameter.Value, second.Parameters[parameter.Name].Value);
            Assert.NotEqual(parameter.Value, other.Parameters[parameter.Name].Value);
        }
    }

    [Fact]
    public void Data_parallel_training_gives_the_same_bits_per_thread_count_and_one_thread_the_unsplit_bits()
    {
        MnistDataSet data = Shipped.Value.Slice(0, 256);

        Mlp unsplit = TrainMlp(data, seed: 7, epochs: 2);
        Mlp oneThread = TrainMlp(data, seed: 7, epochs: 2, threads: 1);
        Mlp twoThreads = TrainMlp(data, seed: 7, epochs: 2, threads: 2);
        Mlp twoThreadsAgain = TrainMlp(data, seed: 7, epochs: 2, threads: 2);

        foreach (Parameter parameter in unsplit.Parameters)
        {
            Assert.Equal(parameter.Value, oneThread.Parameters[parameter.Name].Value);
            float[] split = twoThreads.Parameters[parameter.Name].Value;
            Assert.Equal(split, twoThreadsAgain.Parameters[parameter.Name].Value);
            // 16 steps apart, the two trainings differ only by the rounding of the shards' sums.
            float largest = parameter.Value.Max(MathF.Abs);
            float worst = parameter.Value.Zip(split, (u, v) => MathF.Abs(u - v)).Max();
            Assert.True(worst <= 1e-4f * largest, $"{parameter}: two threads moved an element by {worst} (largest |value| {largest}).");
        }
    }

    [Fact]
    public void A_few_epochs_of_the_mlp_on_a_small_subset_lower_the_loss()
    {
        MnistDataSet data = Shipped.Value.Slice(0, 500);
        var untrained = new Mlp(hidden: 16);
        untrained.Initialize(Seeds.Initialization(3));
        Evaluation before = ClassifierEvaluation.Evaluate(untrained, data);
        var epochs = new List<EpochSummary>();

        Mlp trained = TrainMlp(data, seed: 3, epochs: 4, epochs);
        Evaluation after = ClassifierEvaluation.Evaluate(trained, data);

        Assert.True(after.Loss < 0.5 * before.Loss, $"the training loss went from {before.Loss} to {after.Loss}");
        Assert.True(after.Accuracy > before.Accuracy + 0.4, $"training accuracy went from {before.Accuracy} to {after.Accuracy}");
        Assert.Equal([1, 2, 3, 4], epochs.Select(e => e.Epoch));
        Assert.True(epochs[^1].MeanBatchLoss < epochs[0].MeanBatchLoss, string.Join(", ", epochs.Select(e => e.MeanBatchLoss)));
    }

    [Fact]
    public void Evaluation_matches_the_differentiable_loss()
    {
        MnistDataSet data = Shipped.Value.Slice(0, 40);
        var model = new Mlp(hidden: 8);
        model.Initialize(new SeededRandom(4));
        int[] labels = data.Labels.Select(l => (int)l).ToArray();
        ParameterSet p = model.Parameters;

        float loss = Mlp.Loss(p["w1"].Value, p["b1"].Value, p["w2"].Value, p["b2"].Value, data.Images, labels, data.Count, 784, 8, 10);

        Assert.Equal(loss, ClassifierEvaluation.Evaluate(model, data).Loss, 5);
    }

    [Fact]
    public void Shifts_move_a_digit_without_changing_its_ink()
    {
        float[] image = Shipped.Value.GetImage(0).ToArray();
        float[] shifted = (float[])image.Clone();

        new ShiftAugmentation(2, new SeededRandom(1)).Apply(shifted, 1);

        // MNIST digits sit inside the central 20×20 pixels, so a shift of 2 loses no ink.
        Assert.Equal(image.Sum(), shifted.Sum(), 3);
        (int dx, int dy) = Enumerable.Range(-2, 5).SelectMany(x => Enumerable.Range(-2, 5).Select(y => (x, y)))
            .Single(d => Enumerable.Range(0, 784).All(i => shifted[i] == Pixel(image, i % 28 - d.x, i / 28 - d.y)));
        Assert.InRange(dx, -2, 2);
        Assert.InRange(dy, -2, 2);
    }

    private static float Pixel(float[] image, int x, int y) => x is >= 0 and < 28 && y is >= 0 and < 28 ? image[y * 28 + x] : 0;

    [Fact]
    public void Masks_are_reproducible_and_hide_what_they_say()
    {
        float[] images = Shipped.Value.Slice(0, 3).Images;
        var square = new MaskSettings(MaskKind.Square, 12, 0);

        MaskedDigits first = MaskedDigits.Create(images, new MaskGenerator(square, new SeededRandom(9)));
        MaskedDigits again = MaskedDigits.Create(images, new MaskGenerator(square, new SeededRandom(9)));
        MaskedDigits pixels = MaskedDigits.Create(Shipped.Value.Slice(0, 100).Images, new MaskGenerator(new MaskSettings(MaskKind.Pixels, 0, 0.75), new SeededRandom(9)));

        Assert.Equal(first.NetworkInput, again.NetworkInput);
        for (int n = 0; n < 3; n++)
            Assert.Equal(144, first.Visible.AsSpan(n * 784, 784).ToArray().Count(v => v == 0));
        Assert.InRange(pixels.Visible.Count(v => v == 0) / (double)pixels.Visible.Length, 0.73, 0.77);
        Assert.All(Enumerable.Range(0, images.Length), i => Assert.Equal(images[i] * first.Visible[i], first.Masked[i]));
        // The network input of each digit is its masked pixels, then its mask.
        Assert.Equal(first.Masked.AsSpan(784, 784).ToArray(), first.NetworkInput.AsSpan(1568, 784).ToArray());
        Assert.Equal(first.Visible.AsSpan(784, 784).ToArray(), first.NetworkInput.AsSpan(1568 + 784, 784).ToArray());
    }

    [Fact]
    public void Inpainting_keeps_the_visible_pixels_and_fills_the_hidden_ones()
    {
        float[] images = Shipped.Value.Slice(0, 2).Images;
        MaskedDigits masked = MaskedDigits.Create(images, new MaskGenerator(new MaskSettings(MaskKind.Square, 8, 0), new SeededRandom(1)));
        float[] prediction = Enumerable.Repeat(0.5f, images.Length).ToArray();

        float[] inpainted = masked.Inpaint(prediction);

        Assert.All(Enumerable.Range(0, images.Length), i => Assert.Equal(masked.Visible[i] != 0 ? images[i] : 0.5f, inpainted[i]));
    }

    [Fact]
    public void Psnr_is_ten_log10_of_one_over_the_mean_squared_error()
    {
        float[] reference = [0, 0, 1, 1];
        float[] image = [0.1f, 0, 1, 0.9f]; // MSE = 2·0.01/4 = 0.005

        Assert.Equal(10 * Math.Log10(1 / 0.005), Psnr.Compute(image, reference), 4);
    }
}
