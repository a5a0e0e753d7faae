using BenchmarkDotNet.Attributes;
using SourceGrad.Kernels;
using SourceGrad.Tape;

namespace SourceGrad.Benchmarks.DataParallel;

/// <summary>
/// Suite 5: one SGD step of the 784-128-10 MLP at batch 256 with <see cref="DataParallelGradient"/> on one and two
/// threads, for the loop-written and the kernel-based model, each as <see cref="DataParallelGradient.Step"/> takes it.
/// Products stay on one thread (on one thread by <c>Linalg.MaxDegreeOfParallelism = 1</c>, inside a shard always), so
/// the threads are the shards alone. Two threads need the wall clock: the CPU-time report runs one.
/// </summary>
[MemoryDiagnoser]
public class DataParallelStepBenchmarks
{
    public const int Batch = 256;

    private MlpShards? _loopWritten, _kernelBased;
    private DataParallelGradient? _loopGradient, _kernelGradient;
    private ConcurrentShards? _loopShards, _kernelShards;
    private readonly Sgd _loopOptimizer = new(MlpProblem.LearningRate), _kernelOptimizer = new(MlpProblem.LearningRate);

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    public static IEnumerable<int> ThreadCounts => ReportMode.CountsThreadTime ? [1] : [1, 2];

    [GlobalSetup]
    public void Setup()
    {
        Linalg.MaxDegreeOfParallelism = 1;
        var problem = new MlpProblem(Batch);
        _loopWritten = new MlpShards(problem, loopWritten: true);
        _kernelBased = new MlpShards(problem, loopWritten: false);
        _loopGradient = new DataParallelGradient(_loopWritten.Parameters, Threads);
        _kernelGradient = new DataParallelGradient(_kernelBased.Parameters, Threads);
        _loopShards = new ConcurrentShards(_loopWritten, _loopWritten.Parameters, Threads, Batch);
        _kernelShards = new ConcurrentShards(_kernelBased, _kernelBased.Parameters, Threads, Batch);
        // The calling thread's bytes and the worker threads' (BenchmarkDotNet's column counts the whole process, the
        // JIT's tiering included); the report's Allocated column reads these.
        static long WorkerBytes() => GemmWorkers.WorkerTotals().AllocatedBytes;
        AllocationCheck.Run($"{nameof(DataParallelStepBenchmarks)}.{nameof(LoopWritten)}[Threads={Threads}]", () => LoopWritten(), otherThreads: WorkerBytes);
        AllocationCheck.Run($"{nameof(DataParallelStepBenchmarks)}.{nameof(KernelBased)}[Threads={Threads}]", () => KernelBased(), otherThreads: WorkerBytes);
    }


    /// <summary>
    /// The step as a trainer takes it: <see cref="DataParallelGradient.Step"/>, which on one thread is the gradient then
    /// <see cref="Optimizer.Step"/>, and on more updates each thread's range of the weights on that thread.
    /// </summary>
    [Benchmark]
    public float LoopWritten() => _loopGradient!.Step(_loopWritten!, Batch, _loopOptimizer);

    [Benchmark]
    public float KernelBased() => _kernelGradient!.Step(_kernelBased!, Batch, _kernelOptimizer);

    /// <summary>
    /// The kernel-based step with the update apart, on the calling thread after the whole gradient (the bits of
    /// <see cref="KernelBased"/>): what the range-by-range update saves on two threads (docs/scale.md).
    /// </summary>
    [Benchmark]
    public float KernelBasedUpdateApart()
    {
        float loss = _kernelGradient!.Compute(_kernelBased!, Batch);
        _kernelOptimizer.Step(_kernelBased!.Parameters);
        return loss;
    }

    /// <summary>
    /// The kernel-based step without its SGD update (the gradient alone, which Compute zeroes first): beside
    /// <see cref="KernelBased"/> it shows what the update costs on each thread count (docs/scale.md).
    /// </summary>
    [Benchmark]
    public float KernelBasedGradient() => _kernelGradient!.Compute(_kernelBased!, Batch);

    /// <summary>
    /// The ceiling beside <see cref="LoopWritten"/>: the shards' gradients alone, all at once, each into a buffer of its
    /// own (no sum, no update, no weights or gradients crossing the cores). One-thread <see cref="LoopWritten"/> ÷ this
    /// on two threads is the best scaling any reduction and update could leave.
    /// </summary>
    [Benchmark]
    public float LoopWrittenShardsAlone() => _loopShards!.Run();

    /// <summary>The same ceiling beside <see cref="KernelBased"/>.</summary>
    [Benchmark]
    public float KernelBasedShardsAlone() => _kernelShards!.Run();
}
