using BenchmarkDotNet.Attributes;
using SourceGrad.Tape;

namespace SourceGrad.Benchmarks.Mlp;

/// <summary>
/// Suite 2: one SGD step of the 784-128-10 ReLU MLP with softmax cross-entropy (<see cref="MlpProblem"/>), on one
/// thread: the generated gradient (baseline), the same kernels with a hand-written backward pass, and the tensor
/// tape. TorchSharp runs in Benchmarks/SourceGrad.Benchmarks.Torch beside the same generated step.
/// </summary>
[MemoryDiagnoser]
public class MlpStepBenchmarks
{
    private GeneratedMlp? _generated;
    private HandWrittenMlp? _handWritten;
    private TapeMlp? _tape;

    [Params(1, 64, 256)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Linalg.MaxDegreeOfParallelism = 1;
        var problem = new MlpProblem(Batch);
        _generated = new GeneratedMlp(problem);
        _handWritten = new HandWrittenMlp(problem);
        _tape = new TapeMlp(problem);
        var agreement = new MlpGradientAgreement(Batch, _generated.LossAndGradients(), _generated.Parameters);
        agreement.Check("hand-written", _handWritten.LossAndGradients(), _handWritten.Parameters);
        agreement.Check("tensor tape", _tape.LossAndGradients(), _tape.Parameters);
        Console.WriteLine($"// batch {Batch}: gradients agree (max |difference| {agreement.WorstDifference:g3})");
        AllocationCheck.Run($"{nameof(MlpStepBenchmarks)}.{nameof(Generated)}[Batch={Batch}]", () => Generated());
    }

    [Benchmark(Baseline = true)]
    public float Generated() => _generated!.Step();

    [Benchmark]
    public float HandWritten() => _handWritten!.Step();

    [Benchmark]
    public float TensorTape() => _tape!.Step();
}

/// <summary>
/// The sgemm rate the MLP's FLOP floor is measured against: a 512³ float product on one thread, in the same run.
/// GFLOP/s = 2·512³ / time.
/// </summary>
public class SgemmRateBenchmarks
{
    public const int Size = 512;

    private readonly float[] _a = SeededMatrix(1), _b = SeededMatrix(2), _c = new float[Size * Size];

    [GlobalSetup]
    public void Setup() => Linalg.MaxDegreeOfParallelism = 1;

    [Benchmark]
    public void MatMul512() => Linalg.MatMul(_a, _b, _c, Size, Size, Size);

    private static float[] SeededMatrix(long seed)
    {
        var values = new float[Size * Size];
        new SeededRandom(seed).Fill(values);
        return values;
    }
}
