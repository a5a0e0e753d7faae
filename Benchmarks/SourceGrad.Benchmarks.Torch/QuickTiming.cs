using System.Diagnostics;
using SourceGrad.Benchmarks.Mlp;
using SourceGrad.Tape;
using TorchSharp;

namespace SourceGrad.Benchmarks.Torch;

/// <summary>
/// A quick side-by-side without BenchmarkDotNet: the contenders' steps alternate, so all see the same machine,
/// and the minimum over many steps is the least disturbed one.
/// </summary>
public static class QuickTiming
{
    private const int Warmup = 20, Steps = 200;

    public static void Run()
    {
        torch.set_num_threads(1);
        Linalg.MaxDegreeOfParallelism = 1;
        Console.WriteLine("batch | min / median of each step (us): generated | TorchSharp | tensor tape | torch/generated (min)");
        foreach (int batch in new[] { 1, 64, 256 })
        {
            var problem = new MlpProblem(batch);
            GradientAgreement.Check(problem);
            using var torchMlp = new TorchMlp(problem);
            var generated = new GeneratedMlp(problem);
            var tape = new TapeMlp(problem);
            Action[] steps = [() => generated.Step(), torchMlp.Step, () => tape.Step()];
            double[][] times = [new double[Steps], new double[Steps], new double[Steps]];
            for (int i = 0; i < Warmup; i++)
            {
                Array.ForEach(steps, step => step());
            }

            for (int i = 0; i < Steps; i++)
            {
                for (int contender = 0; contender < steps.Length; contender++)
                {
                    times[contender][i] = Time(steps[contender]);
                }
            }

            Array.ForEach(times, Array.Sort);
            string cells = string.Join(" | ", times.Select(t => $"{t[0],8:F1} / {t[Steps / 2],8:F1}"));
            Console.WriteLine($"{batch,5} | {cells} | {times[1][0] / times[0][0]:F2}");
        }
    }

    private static double Time(Action step)
    {
        long start = Stopwatch.GetTimestamp();
        step();
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }
}
