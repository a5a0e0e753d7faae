using BenchmarkDotNet.Attributes;

namespace SourceGrad.Benchmarks.MatMul;

/// <summary>Square products, Size³, on one and two threads (see <see cref="SgemmComparison"/>).</summary>
[Config(typeof(Config))]
public class MatMulBenchmarks : SgemmComparison
{
    [ParamsSource(nameof(Sizes))]
    public int Size { get; set; }

    /// <summary>
    /// Every size interactively; two in the quick report (the small-product overhead and the compute-bound case); the
    /// two whose scaling the report judges in its wall-clock run.
    /// </summary>
    public static IEnumerable<int> Sizes =>
        ReportMode.UsesWallClock ? ReportContract.ScalingSizes : ReportMode.IsQuick ? [128, 512] : [64, 128, 256, 512, 1024];

    protected override (int M, int K, int N, bool TransposeA, bool TransposeB) Product => (Size, Size, Size, false, false);

    private sealed class Config() : ComparisonConfig("2·Size³", benchmarkCase =>
    {
        double size = Convert.ToDouble(benchmarkCase.Parameters["Size"], System.Globalization.CultureInfo.InvariantCulture);
        return 2 * size * size * size;
    });
}
