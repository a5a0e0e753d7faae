using BenchmarkDotNet.Attributes;
using SourceGrad;
using SourceGrad.Benchmarks.Mlp;
using SourceGrad.Tape;
using TorchSharp;

namespace SourceGrad.Benchmarks.Torch;

/// <summary>
/// One SGD step of the 784→128→10 MLP on one thread: TorchSharp beside the generated step (the baseline), the
/// hand-written backward pass and the project's tensor tape.
/// </summary>
/// <remarks>Min and median beside the mean: the machine is shared, and the minimum is the least disturbed run.</remarks>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class MlpStepBenchmark
{
    private TorchMlp? _torch;
    private TapeMlp? _tape;
    private GeneratedMlp? _generated;
    private HandWrittenMlp? _handWritten;

    [Params(1, 64, 256)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // One thread each: libtorch's intra-op pool and the runtime's GEMM.
        torch.set_num_threads(1);
        Linalg.MaxDegreeOfParallelism = 1;
        var problem = new MlpProblem(Batch);
        double difference = GradientAgreement.Check(problem);
        Console.WriteLine($"// batch {Batch}: TorchSharp, tape, hand-written and generated gradients agree (max |difference| {difference:g3})");
        _torch = new TorchMlp(problem);
        _tape = new TapeMlp(problem);
        _generated = new GeneratedMlp(problem);
        _handWritten = new HandWrittenMlp(problem);
    }

    [GlobalCleanup]
    public void Cleanup() => _torch?.Dispose();

    [Benchmark(Baseline = true)]
    public float Generated() => _generated!.Step();

    [Benchmark]
    public float HandWritten() => _handWritten!.Step();

    [Benchmark]
    public void TorchSharp() => _torch!.Step();

    [Benchmark]
    public float TensorTape() => _tape!.Step();
}
