using System.CommandLine;
using System.Globalization;
using SourceGrad.Data;
using SourceGrad.Samples.Distributed.Hosting;
using SourceGrad.Samples.Distributed.Training;

namespace SourceGrad.Samples.Distributed;

/// <summary>
/// Trains the digits MLP data-parallel over Orleans silos started in this process, then the same plan in-process with
/// DataParallelGradient on as many threads, and prints both runs' step times and how far their weights are apart.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var silos = new Option<int>("--silos") { Description = "Silos to start on localhost, one worker grain each (at least 1).", DefaultValueFactory = _ => 2 };
        var hidden = new Option<int>("--hidden") { Description = "Hidden ReLU units of the 784-H-10 MLP.", DefaultValueFactory = _ => 128 };
        var batchSize = new Option<int>("--batch-size") { Description = "Digits per minibatch, split evenly over the workers.", DefaultValueFactory = _ => 256 };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training digits.", DefaultValueFactory = _ => 1 };
        var trainSize = new Option<int>("--train-size") { Description = "Shipped digits to train on (at most 10,000).", DefaultValueFactory = _ => 8000 };
        var seed = new Option<long>("--seed") { Description = "Seed of the initial weights and of the minibatches.", DefaultValueFactory = _ => 1 };
        var root = new RootCommand("Data-parallel training of the digits MLP over Microsoft Orleans grains (docs/scale.md).") { silos, hidden, batchSize, epochs, trainSize, seed };
        foreach ((Option<int> option, int min, int max) in new[] { (silos, 1, 64), (hidden, 1, 65_536), (batchSize, 1, 65_536), (epochs, 1, 1000), (trainSize, 1, 10_000) })
        {
            option.Validators.Add(result =>
            {
                int value = result.GetValueOrDefault<int>();
                if (value < min || value > max)
                    result.AddError($"{option.Name} must be between {min} and {max}, but was {value}.");
            });
        }

        root.SetAction(async (parse, cancellation) =>
        {
            MnistDataSet data = MnistDataSet.LoadDefault().Slice(0, parse.GetValue(trainSize));
            var plan = new TrainingPlan(parse.GetValue(hidden), parse.GetValue(batchSize), parse.GetValue(epochs), parse.GetValue(seed));
            int siloCount = parse.GetValue(silos);
            Console.WriteLine($"Training 784-{plan.Hidden}-10 on {data.Count} digits, minibatches of {plan.BatchSize}, {plan.Epochs} epoch(s), over {siloCount} silo(s) on localhost.");
            TrainingResult distributed;
            await using (LocalCluster cluster = await LocalCluster.StartAsync(siloCount, data, cancellation))
                distributed = await Comparison.TrainDistributedAsync(cluster, data, plan);
            TrainingResult local = Comparison.TrainLocally(data, plan, siloCount);
            TrainingResult oneThread = Comparison.TrainLocally(data, plan, 1);

            string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms";
            float Farthest(float[] a, float[] b) => a.Zip(b, (u, v) => MathF.Abs(u - v)).Max();
            Console.WriteLine($"Final loss {distributed.Losses[^1].ToString("0.0000", CultureInfo.InvariantCulture)} after {distributed.Losses.Length} steps.");
            Console.WriteLine($"Median step: {Ms(distributed.MedianStep)} over Orleans, {Ms(local.MedianStep)} in-process on {siloCount} thread(s), {Ms(oneThread.MedianStep)} on one.");
            Console.WriteLine($"Weights: largest difference {Farthest(distributed.FlatWeights, local.FlatWeights):g3} from the in-process run on {siloCount} thread(s) " +
                              $"(0: the same bits), {Farthest(distributed.FlatWeights, oneThread.FlatWeights):g3} from one thread (rounding).");
            return 0;
        });
        return await root.Parse(args).InvokeAsync();
    }
}
