using BenchmarkDotNet.Attributes;
using SourceGrad.Data;
using SourceGrad.Samples.Distributed.Hosting;
using SourceGrad.Samples.Distributed.Training;

namespace SourceGrad.Benchmarks.DataParallel;

/// <summary>
/// The per-step cost of Samples/Distributed: one SGD step of the digits MLP (784-128-10, batch 256) over two Orleans
/// silos in this process (localhost TCP between them, one worker grain each), against the same step in-process with
/// <see cref="DataParallelGradient"/> on two threads (the baseline) and on one. Wall clock only: the report runs it in
/// the wall-clock pass.
/// </summary>
public class DistributedStepBenchmarks
{
    private const int Batch = 256;
    private static readonly TrainingPlan Plan = new(Hidden: 128, BatchSize: Batch, Epochs: 1, Seed: 1, LearningRate: 0.01, Momentum: 0);

    private LocalCluster? _cluster;
    private DistributedTrainer? _orleans;
    private LocalTrainer? _twoThreads, _oneThread;
    private int[] _batch = [];

    [GlobalSetup]
    public void Setup()
    {
        Linalg.MaxDegreeOfParallelism = 1;
        MnistDataSet data = MnistDataSet.LoadDefault().Slice(0, 2048);
        _batch = Plan.Batches(data).First();
        _cluster = LocalCluster.StartAsync(2, data).GetAwaiter().GetResult();
        _orleans = DistributedTrainer.CreateAsync(_cluster.Grains, _cluster.SiloAddresses, Plan.NewModel(data), Plan.NewOptimizer(), Batch).GetAwaiter().GetResult();
        _twoThreads = new LocalTrainer(Plan.NewModel(data), Plan.NewOptimizer(), threads: 2);
        _oneThread = new LocalTrainer(Plan.NewModel(data), Plan.NewOptimizer(), threads: 1);
    }

    [GlobalCleanup]
    public void Cleanup() => _cluster?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public float InProcessTwoThreads() => _twoThreads!.Step(_batch);

    [Benchmark]
    public float InProcessOneThread() => _oneThread!.Step(_batch);

    [Benchmark]
    public Task<float> OrleansTwoSilos() => _orleans!.StepAsync(_batch);
}
