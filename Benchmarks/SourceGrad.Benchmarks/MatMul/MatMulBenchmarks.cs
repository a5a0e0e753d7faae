using BenchmarkDotNet.Attributes;

namespace SourceGrad.Benchmarks.MatMul;

/// <summary>Square products, Size³, on one and two threads (see <see cref="SgemmComparison"/>).</summary>
[Config(typeof(Config))]
public class MatMulBenchmarks : SgemmComparison
{
    [ParamsSource(nameof(Sizes))]
    public int Size { get; set; }

    /// <summary>Every size interactively; two in the quick report (the small-product overhead and the compute-bound case).</summary>
    public static IEnumerable<int> Sizes => ReportMode.IsQuick ? [128, 512] : [64, 128, 256, 512, 1024];

    [ParamsSource(nameof(ThreadCounts))]
    public override int Threads { get; set; }

    /// <summary>One and two threads interactively; one in the report, whose clock counts one thread's CPU time.</summary>
    public static IEnumerable<int> ThreadCounts => ReportMode.IsActive ? [1] : [1, 2];

    protected override (int M, int K, int N, bool TransposeA, bool TransposeB) Product => (Size, Size, Size, false, false);

    private sealed class Config() : ComparisonConfig("2·Size³", benchmarkCase =>
    {
        double size = Convert.ToDouble(benchmarkCase.Parameters["Size"], System.Globalization.CultureInfo.InvariantCulture);
        return 2 * size * size * size;
    });
}
