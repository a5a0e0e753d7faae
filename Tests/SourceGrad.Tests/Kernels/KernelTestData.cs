using SourceGrad.Kernels;

namespace SourceGrad.Tests.Kernels;

/// <summary>Seeded inputs and the naive references the kernels are checked against.</summary>
internal static class KernelTestData
{
    public static double[] Uniform(int seed, int length, double low = -1, double high = 1)
    {
        var random = new Random(seed);
        var values = new double[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = low + (high - low) * random.NextDouble();
        }

        return values;
    }

    /// <summary>Uniform values whose magnitude is at least <paramref name="gap"/>: away from the kinks of Relu at 0.</summary>
    public static double[] AwayFromZero(int seed, int length, double gap = 0.1)
    {
        double[] values = Uniform(seed, length);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Math.CopySign(gap + Math.Abs(values[i]), values[i]);
        }

        return values;
    }

    public static float[] ToSingle(double[] values) => Array.ConvertAll(values, v => (float)v);

    public static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);

    /// <summary>C = op(A)·op(B), accumulated in double, element by element from the definition.</summary>
    public static double[] NaiveProduct(double[] a, double[] b, int m, int k, int n, bool transposeA, bool transposeB)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    double left = transposeA ? a[p * m + i] : a[i * k + p];
                    double right = transposeB ? b[j * k + p] : b[p * n + j];
                    sum += left * right;
                }

                c[i * n + j] = sum;
            }
        }

        return c;
    }

    public static double Dot(double[] u, double[] v)
    {
        double sum = 0;
        for (int i = 0; i < u.Length; i++)
        {
            sum += u[i] * v[i];
        }

        return sum;
    }

    /// <summary>Fails with the first index where |actual − expected| exceeds absolute + relative·|expected|.</summary>
    public static void AssertClose(
        ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double absolute, double relative, string context)
    {
        Assert.True(expected.Length == actual.Length, $"{context}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = absolute + relative * Math.Abs(expected[i]);
            if (!(Math.Abs(actual[i] - expected[i]) <= tolerance) && !(double.IsNaN(expected[i]) && double.IsNaN(actual[i])))
            {
                Assert.Fail($"{context}: element {i} is {actual[i]:R}, expected {expected[i]:R} (tolerance {tolerance:G3})");
            }
        }
    }

    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double absolute, double relative, string context)
        => AssertClose(expected, ToDouble(actual.ToArray()), absolute, relative, context);

    /// <summary>Puts <see cref="Linalg.MaxDegreeOfParallelism"/> back as it was when disposed; the test sets it freely meanwhile.</summary>
    public static IDisposable KeepThreadCount() => new ThreadCountRestorer(Linalg.MaxDegreeOfParallelism);

    /// <summary>
    /// The bytes the GEMM workers have allocated so far, for <see cref="Allocations.AssertSteadyStateAllocatesNothing(Action, int, int, int, Func{long}?)"/>
    /// to count besides the caller's.
    /// </summary>
    public static long WorkerBytes() => GemmWorkers.WorkerTotals().AllocatedBytes;

    /// <summary>Restores the GEMM path a test sets (<see cref="GemmPaths.Current"/>) when disposed.</summary>
    public static IDisposable KeepPath() => new PathRestorer(GemmPaths.Current);

    private sealed class PathRestorer(GemmPath saved) : IDisposable
    {
        public void Dispose() => GemmPaths.Current = saved;
    }

    private sealed class ThreadCountRestorer(int saved) : IDisposable
    {
        public void Dispose() => Linalg.MaxDegreeOfParallelism = saved;
    }

    /// <summary>Checks MatMulAdd (onto seeded values) and MatMul in float against the naive product, on the current GEMM path.</summary>
    public static void CheckFloat(int m, int k, int n, bool transposeA, bool transposeB, int seed)
    {
        double[] a = Uniform(seed, m * k), b = Uniform(seed + 1, k * n), initial = Uniform(seed + 2, m * n);
        float[] c = ToSingle(initial);
        string context = $"float {m}x{k}x{n} transposeA={transposeA} transposeB={transposeB} path={GemmPaths.Current}";
        double[] product = NaiveProduct(a, b, m, k, n, transposeA, transposeB);
        double tolerance = 2e-6 * (k + 1);

        Linalg.MatMulAdd(ToSingle(a), ToSingle(b), c, m, k, n, transposeA, transposeB);
        AssertClose(product.Select((value, i) => value + initial[i]).ToArray(), c, tolerance, 1e-6, "MatMulAdd " + context);

        Linalg.MatMul(ToSingle(a), ToSingle(b), c, m, k, n, transposeA, transposeB);
        AssertClose(product, c, tolerance, 1e-6, "MatMul " + context);
    }

    /// <summary>The same as <see cref="CheckFloat"/> in double.</summary>
    public static void CheckDouble(int m, int k, int n, bool transposeA, bool transposeB, int seed)
    {
        double[] a = Uniform(seed, m * k), b = Uniform(seed + 1, k * n), initial = Uniform(seed + 2, m * n);
        double[] c = (double[])initial.Clone();
        string context = $"double {m}x{k}x{n} transposeA={transposeA} transposeB={transposeB} path={GemmPaths.Current}";
        double[] product = NaiveProduct(a, b, m, k, n, transposeA, transposeB);
        double tolerance = 1e-14 * (k + 1);

        Linalg.MatMulAdd(a, b, c, m, k, n, transposeA, transposeB);
        AssertClose(product.Select((value, i) => value + initial[i]).ToArray(), c, tolerance, 1e-14, "MatMulAdd " + context);

        Linalg.MatMul(a, b, c, m, k, n, transposeA, transposeB);
        AssertClose(product, c, tolerance, 1e-14, "MatMul " + context);
    }

    /// <summary>Every GEMM path this machine can run, by name (the tests force each in turn).</summary>
    public static TheoryData<string> GemmPathsHere()
    {
        var data = new TheoryData<string>();
        foreach (GemmPath path in Enum.GetValues<GemmPath>())
        {
            if (path <= GemmPaths.Best)
            {
                data.Add(path.ToString());
            }
        }

        return data;
    }

    /// <summary>Every element-wise path this machine can run.</summary>
    public static TheoryData<string> VectorPathsHere()
    {
        var data = new TheoryData<string> { nameof(VectorPath.Scalar) };
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            data.Add(nameof(VectorPath.Vector));
        }

        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported || System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            data.Add(nameof(VectorPath.Vector512));
        }

        return data;
    }
}

/// <summary>
/// Tests that switch a process-wide kernel setting (vector path, thread count) run in this collection, one at a time
/// and never beside another collection, so the setting they choose is the one their kernels use.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelSettingsCollection
{
    public const string Name = "Kernel settings";
}
