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

    public abstract int Threads { get; set; }

    /// <summary>op(A) is M×K (stored K×M when transposed), op(B) K×N (stored N×K when transposed).</summary>
    protected abstract (int M, int K, int N, bool TransposeA, bool TransposeB) Product { get; }

    [GlobalSetup]
    public void Setup()
    {
        var (m, k, n, _, _) = Product;
        var random = new Random(42);
        _a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _c = new float[m * n];
        Linalg.MaxDegreeOfParallelism = Threads;
        OpenBlas.SetThreads(Threads);
        Console.WriteLine($"// OpenBLAS core: {OpenBlas.CoreName}; OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "(unset)"}");
    }

    [Benchmark(Baseline = true)]
    public void OpenBlasSgemm()
    {
        var (m, k, n, transposeA, transposeB) = Product;
        fixed (float* a = _a, b = _b, c = _c)
        {
            OpenBlas.Sgemm(a, b, c, m, k, n, transposeA, transposeB);
        }
    }

    [Benchmark]
    public void SourceGradMatMul()
    {
        var (m, k, n, transposeA, transposeB) = Product;
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
