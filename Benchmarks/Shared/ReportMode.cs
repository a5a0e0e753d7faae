using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace SourceGrad.Benchmarks;

/// <summary>
/// The job every benchmark program here runs (this file is linked into each of them); the suites declare no job.
/// <list type="bullet">
/// <item>Interactive (no <c>--report</c>): BenchmarkDotNet's ShortRun, in-process, unless the arguments choose a job
/// (<c>--job</c>).</item>
/// <item><c>--report quick|full</c> (Benchmarks/report.sh): in-process, timed by <see cref="ThreadCpuClock"/> (the
/// benchmark thread's CPU time, so other work on a shared machine is not counted), with allocations and
/// BenchmarkDotNet's full JSON report, which Benchmarks/SourceGrad.Benchmarks.Report turns into docs/benchmarks.md.
/// Quick: a few short iterations per benchmark; full: more and longer ones. Multi-threaded cases are left out
/// (their CPU time is not their duration).</item>
/// <item><c>--report quick|full --wall-clock</c>: the same job timed by the wall clock (job id <c>quick-wallclock</c> or
/// <c>full-wallclock</c>), for the multi-threaded cases: report.sh runs the matrix-product suite this way too, on one
/// and two threads, to measure how it scales.</item>
/// </list>
/// </summary>
public static class ReportMode
{
    /// <summary>True under <c>--report</c>: only single-threaded cases run.</summary>
    public static bool IsActive { get; private set; }

    /// <summary>True under <c>--report … --wall-clock</c>: multi-threaded cases run, timed by the wall clock.</summary>
    public static bool UsesWallClock { get; private set; }

    /// <summary>True when the clock counts only the benchmark thread's CPU time: then only single-threaded cases mean anything.</summary>
    public static bool CountsThreadTime => IsActive && !UsesWallClock;

    /// <summary>True under <c>--report quick</c>: suites with many sizes time fewer of them.</summary>
    public static bool IsQuick { get; private set; }

    /// <summary>True when the BenchmarkDotNet arguments name a job (<c>--job</c>, <c>-j</c>).</summary>
    public static bool ChoosesJob(string[] args) =>
        args.Any(arg => arg is "--job" or "-j" || arg.StartsWith("--job=", StringComparison.Ordinal));

    /// <summary>Removes <c>--report quick|full</c> from <paramref name="args"/> and returns the configuration to run with.</summary>
    public static IConfig Parse(ref string[] args)
    {
        int index = Array.IndexOf(args, "--report");
        if (index < 0)
        {
            ManualConfig interactive = ManualConfig.Create(DefaultConfig.Instance).AddDiagnoser(MemoryDiagnoser.Default);
            return ChoosesJob(args) ? interactive : interactive.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("short"));
        }

        string mode = index + 1 < args.Length ? args[index + 1] : "";
        if (mode is not ("quick" or "full"))
        {
            throw new ArgumentException($"--report takes 'quick' or 'full', but was given '{mode}'.", nameof(args));
        }

        IsActive = true;
        IsQuick = mode == "quick";
        args = [.. args[..index], .. args[(index + 2)..]];
        UsesWallClock = args.Contains("--wall-clock");
        args = [.. args.Where(arg => arg != "--wall-clock")];
        // The wall-clock job takes more, shorter iterations. The host steals its vCPUs in bursts, which the wall clock
        // counts: more windows give each case more chances of one the host left alone, and the report reads the
        // minimum. 100 ms still holds several 1024³ products, so a worker waking at an iteration's start costs little.
        (int iterations, int iterationMs) = (UsesWallClock, IsQuick) switch
        {
            (false, true) => (5, 50),
            (false, false) => (15, 200),
            (true, true) => (10, 50),
            (true, false) => (40, 100),
        };
        Job job = new Job(UsesWallClock ? mode + ReportContract.WallClockJobSuffix : mode)
            .WithLaunchCount(1)
            .WithWarmupCount(IsQuick ? 2 : 3)
            .WithIterationCount(iterations)
            .WithIterationTime(TimeInterval.FromMilliseconds(iterationMs))
            .WithToolchain(InProcessEmitToolchain.Instance);
        if (!UsesWallClock && ThreadCpuClock.Instance.IsAvailable)
        {
            job = job.WithClock(ThreadCpuClock.Instance);
        }

        return ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min)
            .AddExporter(JsonExporter.Full);
    }
}
