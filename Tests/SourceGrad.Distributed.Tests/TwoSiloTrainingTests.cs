using Orleans;
using Orleans.Concurrency;
using SourceGrad.Data;
using SourceGrad.Samples.Distributed.Grains;
using SourceGrad.Samples.Distributed.Hosting;
using SourceGrad.Samples.Distributed.Training;

namespace SourceGrad.Distributed.Tests;

/// <summary>Two silos in this process, on localhost, started once for the tests of this class.</summary>
public sealed class TwoSilos : IAsyncLifetime
{
    public static readonly MnistDataSet Digits = MnistDataSet.LoadDefault().Slice(0, 512);

    public LocalCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await LocalCluster.StartAsync(2, Digits);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// The MLP trained over two Orleans silos equals the in-process data-parallel helper on two threads bit for bit, and
/// single-process (one-thread) training within the rounding docs/scale.md documents.
/// </summary>
public class TwoSiloTrainingTests(TwoSilos silos) : IClassFixture<TwoSilos>
{
    /// <summary>docs/scale.md: after these steps |w(two silos) − w(one thread)| ≤ this × the largest |w|, element by element.</summary>
    private const float RelativeTolerance = 1e-5f;

    // Eight steps of 64 digits, a small hidden layer: a few hundred milliseconds.
    private static readonly TrainingPlan Plan = new(Hidden: 16, BatchSize: 64, Epochs: 1, Seed: 5);

    [Fact]
    public async Task Two_silos_train_the_bits_of_two_threads_and_one_thread_within_rounding()
    {
        TrainingResult distributed = await Comparison.TrainDistributedAsync(silos.Cluster, TwoSilos.Digits, Plan);
        TrainingResult twoThreads = Comparison.TrainLocally(TwoSilos.Digits, Plan, threads: 2);
        TrainingResult oneThread = Comparison.TrainLocally(TwoSilos.Digits, Plan, threads: 1);

        Assert.Equal(8, distributed.Losses.Length);
        Assert.True(distributed.Losses[^1] < distributed.Losses[0], $"the loss went from {distributed.Losses[0]} to {distributed.Losses[^1]}");
        Assert.Equal(twoThreads.Losses, distributed.Losses);
        Assert.Equal(twoThreads.FlatWeights, distributed.FlatWeights);

        float largest = oneThread.FlatWeights.Max(MathF.Abs);
        float worst = oneThread.FlatWeights.Zip(distributed.FlatWeights, (u, v) => MathF.Abs(u - v)).Max();
        Assert.True(worst > 0, "two shards rounded exactly as one: the comparison would not show the tolerance is needed.");
        Assert.True(worst <= RelativeTolerance * largest, $"two silos moved a weight by {worst} from one thread's (largest |w| {largest}).");
    }

    [Fact]
    public async Task Each_silo_runs_one_worker()
    {
        var plan = Plan with { Epochs = 0 };
        var model = plan.NewModel(TwoSilos.Digits);
        DistributedTrainer trainer = await DistributedTrainer.CreateAsync(silos.Cluster.Grains, silos.Cluster.SiloAddresses, model, plan.NewOptimizer(), plan.BatchSize);

        Assert.Equal(["silo0", "silo1"], await trainer.WorkerSilos());
    }

    [Fact]
    public async Task A_worker_asked_before_it_is_configured_says_so()
    {
        IGradientWorker worker = silos.Cluster.Grains.GetGrain<IGradientWorker>(-1);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            worker.ComputeGradient(new Immutable<byte[]>([]), new Immutable<int[]>([0])));
        Assert.Contains("before Configure", failure.Message);
    }

    [Fact]
    public void Flat_buffers_travel_as_their_bytes_and_a_wrong_length_is_refused()
    {
        float[] values = [1.5f, -2f, float.Epsilon];
        var back = new float[3];
        FlatBytes.CopyTo(FlatBytes.From(values), back);
        Assert.Equal(values, back);

        var wrong = Assert.Throws<ArgumentException>(() => FlatBytes.CopyTo(new byte[8], back));
        Assert.Equal("bytes", wrong.ParamName);
        Assert.Contains("must hold 3 floats (12 bytes), but has 8 bytes", wrong.Message);
    }
}
