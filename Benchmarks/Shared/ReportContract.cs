namespace SourceGrad.Benchmarks;

/// <summary>What the benchmark programs write and the report program reads (linked into both).</summary>
public static class ReportContract
{
    /// <summary>The suffix of the wall-clock job's id (<c>full-wallclock</c>), which tells the report the two runs of a suite apart.</summary>
    public const string WallClockJobSuffix = "-wallclock";

    /// <summary>The square sizes the wall-clock run times on one and two threads, whose scaling the report judges.</summary>
    public static readonly int[] ScalingSizes = [512, 1024];
}
