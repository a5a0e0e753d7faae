using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using SourceGrad.Benchmarks;
using SourceGrad.Benchmarks.Torch;
using SourceGrad.Tape;
using TorchSharp;

// check: load TorchSharp, run one MLP step, compare the 784-128-10 gradients of every contender with the generated ones.
// quick: interleaved Stopwatch timing, min and median of many steps (robust on a busy machine).
// anything else: the BenchmarkDotNet run (arguments go to BenchmarkSwitcher, e.g. --filter '*' --job short;
// Benchmarks/report.sh adds --report quick|full, see ReportMode).
if (args is ["check"])
{
    return Check();
}

if (args is ["quick"])
{
    QuickTiming.Run();
    return 0;
}

// Always in-process: BenchmarkDotNet's own build of a host project would copy an unpatched libLibTorchSharp.so.
// ReportMode's jobs are in-process; a job chosen on the command line (--job) is made so by --inProcess.
IConfig config = ReportMode.Parse(ref args);
string[] benchmarkArgs = !ReportMode.ChoosesJob(args) || args.Contains("--inProcess") || args.Contains("-i") ? args : [.. args, "--inProcess"];
BenchmarkSwitcher.FromAssembly(typeof(MlpStepBenchmark).Assembly).Run(benchmarkArgs, config);
return 0;

static int Check()
{
    torch.set_num_threads(1);
    Console.WriteLine($"TorchSharp loaded: libtorch {torch.__version__}, {torch.get_num_threads()} thread");
    var tiny = new MlpProblem(batch: 2); // small, so any load failure shows before real work
    using (var mlp = new TorchMlp(tiny))
    {
        float before = mlp.LossAndGradients();
        mlp.Step();
        float after = mlp.LossAndGradients();
        Console.WriteLine($"one SGD step inside a dispose scope: loss {before:F6} -> {after:F6}");
    }

    foreach (int batch in new[] { 1, 64, 256 })
    {
        double difference = GradientAgreement.Check(new MlpProblem(batch));
        Console.WriteLine($"batch {batch,3}: TorchSharp, tape, hand-written and generated gradients agree, max |difference| {difference:g3}");
    }

    return 0;
}
