using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace SourceGrad.Benchmarks.MatMul;

/// <summary>
/// One float product C = op(A)·op(B), SourceGrad's <see cref="Linalg.MatMul(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool)"/>
/// against OpenBLAS sgemm (the baseline, so BenchmarkDotNet's Ratio column is SourceGrad ÷ OpenBLAS time), with both
/// libraries on <see cref="Threads"/> threads. Run without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE so OpenBLAS picks its
/// best kernel; see docs/matmul.md. Subclasses choose the shapes.
/// </summary>
public abstract unsafe class SgemmComparison
{
    private float[] _a = [], _b = [], _c = [];
    private (int M, int K, int N, bool TransposeA, bool TransposeB) _product;

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    /// <summary>One and two threads, except under the report's CPU-time clock, which counts one thread.</summary>
    public static IEnumerable<int> ThreadCounts => ReportMode.CountsThreadTime ? [1] : [1, 2];

    /// <summary>op(A) is M×K (stored K×M when transposed), op(B) K×N (stored N×K when transposed).</summary>
    protected abstract (int M, int K, int N, bool TransposeA, bool TransposeB) Product { get; }

    [GlobalSetup]
    public void Setup()
    {
        _product = Product;
        var (m, k, n, _, _) = _product;
        var random = new SeededRandom(42);
        _a = new float[m * k];
        _b = new float[k * n];
        random.Fill(_a);
        random.Fill(_b);
        _c = new float[m * n];
        Linalg.MaxDegreeOfParallelism = Threads;
        OpenBlas.SetThreads(Threads);
        Console.WriteLine($"// OpenBLAS core: {OpenBlas.CoreName}; OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "(unset)"}");
    }

    /// <summary>
    /// OpenBLAS's threads keep spinning for a while after its last call (in a probe here: about 300 ms), on the cores the
    /// next benchmark case needs; in-process, that case would share its cores with them. Waiting until they sleep
    /// gives every case the machine as it found it.
    /// </summary>
    [GlobalCleanup(Target = nameof(OpenBlasSgemm))]
    public void LetOpenBlasThreadsSleep() => Thread.Sleep(TimeSpan.FromSeconds(1));

    [Benchmark(Baseline = true)]
    public void OpenBlasSgemm()
    {
        var (m, k, n, transposeA, transposeB) = _product;
        fixed (float* a = _a, b = _b, c = _c)
        {
            OpenBlas.Sgemm(a, b, c, m, k, n, transposeA, transposeB);
        }
    }

    [Benchmark]
    public void SourceGradMatMul()
    {
        var (m, k, n, transposeA, transposeB) = _product;
        Linalg.MatMul(_a, _b, _c, m, k, n, transposeA, transposeB);
    }

    /// <summary>The shared columns: GFLOP/s (from <paramref name="operations"/>, spelled <paramref name="formula"/>), no error columns, declared order.</summary>
    protected class ComparisonConfig : ManualConfig
    {
        protected ComparisonConfig(string formula, Func<BenchmarkCase, double> operations)
        {
            // The job comes from Program (ReportMode): a short one unless the command line chooses.
            AddColumn(new GigaflopsColumn(formula, operations));
            HideColumns(Column.Error, Column.StdDev);
            WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
        }
    }
}
