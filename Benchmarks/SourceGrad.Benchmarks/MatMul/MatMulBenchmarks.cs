using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SourceGrad.Benchmarks.MatMul;

/// <summary>
/// Square float products, SourceGrad's <see cref="Linalg.MatMul(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool)"/>
/// against OpenBLAS sgemm (the baseline, so BenchmarkDotNet's Ratio column is SourceGrad ÷ OpenBLAS time), on one
/// and two threads. Run without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE so OpenBLAS picks its best kernel; see docs/matmul.md.
/// </summary>
[Config(typeof(Config))]
public unsafe class MatMulBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    [ParamsSource(nameof(Sizes))]
    public int Size { get; set; }

    /// <summary>Every size interactively; two in the quick report (the small-product overhead and the compute-bound case).</summary>
    public static IEnumerable<int> Sizes => ReportMode.IsQuick ? [128, 512] : [64, 128, 256, 512, 1024];

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    /// <summary>One and two threads interactively; one in the report, whose clock counts one thread's CPU time.</summary>
    public static IEnumerable<int> ThreadCounts => ReportMode.IsActive ? [1] : [1, 2];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _a = Enumerable.Range(0, Size * Size).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _b = Enumerable.Range(0, Size * Size).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _c = new float[Size * Size];
        Linalg.MaxDegreeOfParallelism = Threads;
        OpenBlas.SetThreads(Threads);
        Console.WriteLine($"// OpenBLAS core: {OpenBlas.CoreName}; OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "(unset)"}");
    }

    [Benchmark(Baseline = true)]
    public void OpenBlasSgemm()
    {
        fixed (float* a = _a, b = _b, c = _c)
        {
            OpenBlas.Sgemm(a, b, c, Size, Size, Size);
        }
    }

    [Benchmark]
    public void SourceGradMatMul() => Linalg.MatMul(_a, _b, _c, Size, Size, Size);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // The job comes from Program (ReportMode): a short one unless the command line chooses.
            AddColumn(new GigaflopsColumn());
            HideColumns(Column.Error, Column.StdDev);
            WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
        }
    }

    /// <summary>2·Size³ floating-point operations over the mean time.</summary>
    private sealed class GigaflopsColumn : IColumn
    {
        public string Id => nameof(GigaflopsColumn);

        public string ColumnName => "GFLOP/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Billions of floating-point operations per second: 2·Size³ / mean time";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            double? meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
            if (meanNanoseconds is not > 0)
            {
                return "NA";
            }

            double size = Convert.ToDouble(benchmarkCase.Parameters["Size"], System.Globalization.CultureInfo.InvariantCulture);
            return (2 * size * size * size / meanNanoseconds.Value).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
