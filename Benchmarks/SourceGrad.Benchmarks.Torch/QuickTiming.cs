using System.Diagnostics;
using SourceGrad.Tape;
using TorchSharp;

namespace SourceGrad.Benchmarks.Torch;

/// <summary>
/// A quick side-by-side without BenchmarkDotNet: the contenders' steps alternate, so both see the same machine,
/// and the minimum over many steps is the least disturbed one.
/// </summary>
public static class QuickTiming
{
    private const int Warmup = 20, Steps = 200;

    public static void Run()
    {
        torch.set_num_threads(1);
        Linalg.MaxDegreeOfParallelism = 1;
        Console.WriteLine("batch | TorchSharp min / median (us) | tensor tape min / median (us) | tape/torch (min)");
        foreach (int batch in new[] { 1, 64, 256 })
        {
            var problem = new MlpProblem(batch);
            GradientAgreement.Check(problem);
            using var torchMlp = new TorchMlp(problem);
            var tapeMlp = new TapeMlp(problem);
            var torchTimes = new double[Steps];
            var tapeTimes = new double[Steps];
            for (int i = 0; i < Warmup; i++)
            {
                torchMlp.Step();
                tapeMlp.Step();
            }

            for (int i = 0; i < Steps; i++)
            {
                torchTimes[i] = Time(torchMlp.Step);
                tapeTimes[i] = Time(() => tapeMlp.Step());
            }

            Array.Sort(torchTimes);
            Array.Sort(tapeTimes);
            Console.WriteLine(
                $"{batch,5} | {torchTimes[0],8:F1} / {torchTimes[Steps / 2],8:F1} | {tapeTimes[0],8:F1} / {tapeTimes[Steps / 2],8:F1} | {tapeTimes[0] / torchTimes[0]:F2}");
        }
    }

    private static double Time(Action step)
    {
        long start = Stopwatch.GetTimestamp();
        step();
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }
}
