namespace SourceGrad.Benchmarks.Report;

/// <summary>
/// The derived numbers of a result set. Every time is the minimum over a benchmark's iterations (the least disturbed
/// one on a shared machine) and every ratio is contender ÷ generated, both from the same run.
/// </summary>
public sealed class Measurements(ResultSet results)
{
    public BenchmarkResult? Scalar(Problem problem, string method) => results.Find(problem.Type, method, problem.Parameters);

    /// <summary>(problem title, contender ÷ generated) for each suite-1 problem, null where either is missing.</summary>
    public IEnumerable<(string Problem, double? Ratio)> ScalarRatios(string method) =>
        Suites.ScalarProblems.Select(problem => (problem.Title, ScalarRatio(problem, method)));

    public double? ScalarRatio(Problem problem, string method) => RatioOf(Scalar(problem, method), Scalar(problem, Suites.Generated));

    /// <summary>A checkpointed gradient's time ÷ the store-all one's (<see cref="Suites.CheckpointType"/>).</summary>
    public double? CheckpointRatio(string method) =>
        RatioOf(results.Find(Suites.CheckpointType, method), results.Find(Suites.CheckpointType, Suites.CheckpointStoreAll));

    /// <summary>The split pair's time ÷ the gradient's (<see cref="Suites.SplitType"/>).</summary>
    public double? SplitRatio() =>
        RatioOf(results.Find(Suites.SplitType, Suites.SplitForwardThenBackward), results.Find(Suites.SplitType, Suites.SplitGradient));

    public BenchmarkResult? Mlp(string method, int batch) => results.Find(Suites.MlpType, method, $"Batch={batch}");

    public double? MlpRatio(string method, int batch) => RatioOf(Mlp(method, batch), Mlp(Suites.Generated, batch));

    public BenchmarkResult? Torch(string method, int batch) => results.Find(Suites.TorchType, method, $"Batch={batch}");

    /// <summary>TorchSharp ÷ generated, both from the TorchSharp program's run.</summary>
    public double? TorchRatio(int batch) => RatioOf(Torch("TorchSharp", batch), Torch(Suites.Generated, batch));

    /// <summary>The best sgemm rate this run measured (GFLOP/s) and what measured it: a 512³ product on one thread.</summary>
    public (double Rate, string Source)? BestSgemm()
    {
        var candidates = new List<(double, string)>();
        if (results.Find("SgemmRateBenchmarks", "MatMul512") is { } rate)
        {
            candidates.Add((Gflops(Suites.SgemmSize, rate.MinNs), "SourceGrad MatMul 512³ (MLP suite)"));
        }

        if (MatMulRate("SourceGradMatMul", Suites.SgemmSize) is { } ours)
        {
            candidates.Add((ours, "SourceGrad MatMul 512³ (MatMul suite)"));
        }

        if (MatMulRate("OpenBlasSgemm", Suites.SgemmSize) is { } theirs)
        {
            candidates.Add((theirs, $"OpenBLAS sgemm 512³ ({results.OpenBlasCore ?? "kernel unknown"})"));
        }

        return candidates.Count == 0 ? null : candidates.MaxBy(candidate => candidate.Item1);
    }

    /// <summary>The MLP step's product FLOPs at the best measured sgemm rate, in nanoseconds.</summary>
    public double? FloorTimeNs(int batch) => BestSgemm() is { } best ? Suites.MlpStepFlops(batch) / best.Rate : null;

    /// <summary>GFLOP/s of a square one-thread product in the MatMul suite.</summary>
    public double? MatMulRate(string method, int size) =>
        results.Find(Suites.MatMulType, method, $"Size={size}&Threads=1") is { } result ? Gflops(size, result.MinNs) : null;

    /// <summary>GFLOP/s of a square product on two threads ÷ on one, both from the wall-clock run of the MatMul suite.</summary>
    public double? TwoThreadScaling(string method, int size) =>
        results.Find(Suites.MatMulType + ResultSet.WallClockTypeSuffix, method, $"Size={size}&Threads=1") is { } one
        && results.Find(Suites.MatMulType + ResultSet.WallClockTypeSuffix, method, $"Size={size}&Threads=2") is { } two
            ? one.MinNs / two.MinNs
            : null;

    /// <summary>A data-parallel MLP step (suite 5) on <paramref name="threads"/> threads, from the wall-clock run.</summary>
    public BenchmarkResult? DataParallel(string method, int threads) =>
        results.Find(Suites.DataParallelType + ResultSet.WallClockTypeSuffix, method, $"Threads={threads}");

    /// <summary>One-thread time ÷ two-thread time of a data-parallel MLP step.</summary>
    public double? DataParallelScaling(string method) =>
        DataParallel(method, 1) is { } one && DataParallel(method, 2) is { } two ? one.MinNs / two.MinNs : null;

    /// <summary>A step of the Orleans sample or of its in-process reference (suite 5), from the wall-clock run.</summary>
    public BenchmarkResult? Distributed(string method) => results.Find(Suites.DistributedType + ResultSet.WallClockTypeSuffix, method);

    public static double Gflops(int size, double nanoseconds) => 2.0 * size * size * size / nanoseconds;

    private static double? RatioOf(BenchmarkResult? contender, BenchmarkResult? generated) =>
        contender is null || generated is null ? null : contender.MinNs / generated.MinNs;
}
