using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SourceGrad.Benchmarks.MatMul;

/// <summary>Billions of floating-point operations per second: a benchmark's operation count over its mean time.</summary>
internal sealed class GigaflopsColumn(string formula, Func<BenchmarkCase, double> operations) : IColumn
{
    public string Id => nameof(GigaflopsColumn);

    public string ColumnName => "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"Billions of floating-point operations per second: {formula} / mean time";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return meanNanoseconds is > 0
            ? (operations(benchmarkCase) / meanNanoseconds.Value).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)
            : "NA";
    }
}
