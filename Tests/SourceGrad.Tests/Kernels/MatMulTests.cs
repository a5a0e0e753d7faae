using SourceGrad.Kernels;
using static SourceGrad.Tests.Kernels.KernelTestData;

namespace SourceGrad.Tests.Kernels;

[Collection(KernelSettingsCollection.Name)]
public class MatMulTests
{
    /// <summary>Odd sizes, vectors, k = 1, empty products and sizes that cross the tile (12/6 rows, 16..64 columns),
    /// depth-block (256 floats, 128 doubles), row-block (384) and column-group (4096) boundaries.</summary>
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 0, 3, 4 }, { 3, 0, 4 }, { 3, 4, 0 }, { 0, 0, 0 },
        { 1, 1, 1 }, { 1, 70, 1 }, { 70, 1, 1 }, { 1, 1, 70 }, { 5, 1, 7 }, { 1, 37, 65 }, { 13, 1, 33 },
        { 12, 256, 32 }, { 13, 257, 33 }, { 11, 129, 63 }, { 25, 300, 97 }, { 7, 513, 5 }, { 64, 64, 64 },
        { 65, 31, 129 }, { 385, 10, 20 }, { 257, 257, 257 }, { 2, 3, 4097 },
        // Either side of the widest C for which A is read in place with AVX2 (16 panels: 256 floats, 128 doubles).
        { 13, 300, 256 }, { 19, 300, 241 }, { 19, 300, 257 }, { 13, 300, 128 }, { 13, 300, 129 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float_products_match_the_naive_product_for_every_transpose(int m, int k, int n)
        => ForEachTranspose((transposeA, transposeB) => CheckFloat(m, k, n, transposeA, transposeB, seed: m * 7919 + k * 31 + n));

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Double_products_match_the_naive_product_for_every_transpose(int m, int k, int n)
        => ForEachTranspose((transposeA, transposeB) => CheckDouble(m, k, n, transposeA, transposeB, seed: m * 7919 + k * 31 + n));

    [Theory]
    [MemberData(nameof(GemmPathsHere), MemberType = typeof(KernelTestData))]
    public void Every_instruction_set_path_matches_the_naive_product_for_sizes_1_to_70(string path)
    {
        using IDisposable restore = KeepPath();
        GemmPaths.Current = Enum.Parse<GemmPath>(path);
        for (int size = 1; size <= 70; size++)
        {
            // Three different sizes per case, so rows, depth and columns each cross every boundary.
            int m = size, k = 71 - size, n = size * 37 % 70 + 1;
            bool transposeA = size % 2 == 1, transposeB = size % 4 >= 2;
            CheckFloat(m, k, n, transposeA, transposeB, seed: size);
            CheckDouble(m, k, n, transposeA, transposeB, seed: size);
        }

        CheckFloat(257, 257, 257, transposeA: false, transposeB: false, seed: 257);
        CheckDouble(131, 257, 67, transposeA: true, transposeB: true, seed: 258);
    }

    /// <summary>
    /// A narrow plain B (rows of at most 512 bytes, whole panels) is read where it is stored, its steps a stored row
    /// apart: ragged rows of A, several depth blocks, one to eight panels, both layouts of A, on every path.
    /// </summary>
    [Theory]
    [MemberData(nameof(GemmPathsHere), MemberType = typeof(KernelTestData))]
    public void A_narrow_B_read_in_place_matches_the_naive_product_on_every_path(string path)
    {
        using IDisposable restore = KeepPath();
        GemmPaths.Current = Enum.Parse<GemmPath>(path);
        if (GemmPaths.Current != GemmPath.Scalar)
        {
            // The shapes below take the in-place path; wider, ragged or transposed Bs, and Bs that many rows of A share, are packed.
            Assert.True(Gemm<float>.ReadsBInPlace(64, 784, 128, transposeB: false, GemmPaths.Current));
            Assert.True(Gemm<double>.ReadsBInPlace(13, 600, 64, transposeB: false, GemmPaths.Current));
            Assert.False(Gemm<float>.ReadsBInPlace(64, 784, 128, transposeB: true, GemmPaths.Current));
            Assert.False(Gemm<float>.ReadsBInPlace(64, 784, 256, transposeB: false, GemmPaths.Current));
            Assert.False(Gemm<double>.ReadsBInPlace(13, 600, 63, transposeB: false, GemmPaths.Current));
            // Beyond 64 rows of A only 512-bit vectors keep B in place.
            bool wide = GemmPaths.Current == GemmPath.Vector512;
            Assert.Equal(wide, Gemm<float>.ReadsBInPlace(65, 784, 128, transposeB: false, GemmPaths.Current));
            Assert.Equal(wide, Gemm<float>.ReadsBInPlace(784, 64, 128, transposeB: false, GemmPaths.Current));
        }

        foreach ((int m, int k, int n) in new[] { (64, 784, 128), (13, 600, 64), (30, 300, 32), (25, 40, 16), (7, 513, 8) })
        {
            foreach (bool transposeA in new[] { false, true })
            {
                CheckFloat(m, k, n, transposeA, transposeB: false, seed: m + k + n);
                CheckDouble(m, k, n, transposeA, transposeB: false, seed: m + k + n);
            }
        }
    }

    /// <summary>
    /// A is read where it is stored while C has at most 4 column panels of 512-bit vectors or 16 of narrower ones, and
    /// packed beyond: the products on either side of each path's bound match the naive product, with A plain and
    /// transposed, with several depth blocks and across a row block.
    /// </summary>
    [Theory]
    [MemberData(nameof(GemmPathsHere), MemberType = typeof(KernelTestData))]
    public void A_is_read_in_place_up_to_the_bound_of_each_path_and_packed_beyond(string path)
    {
        using IDisposable restore = KeepPath();
        GemmPaths.Current = Enum.Parse<GemmPath>(path);
        (int floats, int doubles) = GemmPaths.Current switch
        {
            GemmPath.Vector512 => (128, 64),
            GemmPath.Vector256 => (256, 128),
            _ => (128, 64),
        };
        if (GemmPaths.Current != GemmPath.Scalar)
        {
            Assert.True(Gemm<float>.ReadsAInPlace(37, floats, GemmPaths.Current));
            Assert.False(Gemm<float>.ReadsAInPlace(37, floats + 1, GemmPaths.Current));
            Assert.True(Gemm<double>.ReadsAInPlace(37, doubles, GemmPaths.Current));
            Assert.False(Gemm<double>.ReadsAInPlace(37, doubles + 1, GemmPaths.Current));
        }

        foreach (bool transposeA in new[] { false, true })
        {
            foreach (int n in new[] { floats, floats + 1 })
            {
                CheckFloat(37, 300, n, transposeA, transposeB: false, seed: n);
            }

            foreach (int n in new[] { doubles, doubles + 1 })
            {
                CheckDouble(37, 300, n, transposeA, transposeB: false, seed: n);
            }

            CheckFloat(400, 300, floats, transposeA, transposeB: false, seed: 400);
        }
    }

    [Theory]
    [InlineData(200, 150, 90)] // taller than wide, few column panels (A read in place on every vector path: ranges of columns)
    [InlineData(5, 100, 3000)] // wider than tall: ranges of columns
    [InlineData(1000, 40, 33)] // a column panel and a half (with AVX-512): a ragged column chunk
    [InlineData(600, 300, 200)] // two depth blocks; with AVX-512 B is smaller to pack than A: the ranges split the rows
    [InlineData(600, 300, 300)] // A packed on every path (10 to 38 panels) and larger to pack than B: the ranges split the rows
    [InlineData(200, 150, 256)] // with AVX2 the widest C that reads A in place (16 panels)
    [InlineData(200, 150, 257)] // and one column more: A packed
    [InlineData(64, 784, 128)] // the MLP's first layer
    [InlineData(30, 600, 70)] // three row tiles, three column panels: a ragged column split
    [InlineData(2000, 64, 10)] // ten columns: panels one vector wide
    [InlineData(40, 300, 4200)] // two column groups of different widths, two depth blocks each: four phases
    public void Two_and_three_threads_give_bit_identical_results_to_one(int m, int k, int n)
    {
        using IDisposable restore = KeepThreadCount();
        Assert.True((long)m * k * n >= Gemm<float>.ParallelThreshold, "the shape must be large enough to go parallel");
        ForEachTranspose((transposeA, transposeB) =>
        {
            float[] a = ToSingle(Uniform(1, m * k)), b = ToSingle(Uniform(2, k * n)), initial = ToSingle(Uniform(3, m * n));
            float[] one = (float[])initial.Clone();
            Linalg.MaxDegreeOfParallelism = 1;
            Linalg.MatMulAdd(a, b, one, m, k, n, transposeA, transposeB);
            foreach (int threads in new[] { 2, 3 })
            {
                float[] many = (float[])initial.Clone();
                Linalg.MaxDegreeOfParallelism = threads;
                Linalg.MatMulAdd(a, b, many, m, k, n, transposeA, transposeB);

                // Each element is summed in the same order whichever thread computes it.
                Assert.Equal(one, many);
            }

            double[] expected = NaiveProduct(ToDouble(a), ToDouble(b), m, k, n, transposeA, transposeB);
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] += initial[i];
            }

            AssertClose(expected, one, 1e-5 * k, 1e-5, $"{m}x{k}x{n} tA={transposeA} tB={transposeB}");
        });
    }

    [Fact]
    public void Products_called_from_several_threads_at_once_are_each_correct()
    {
        // The workers serve one caller at a time; the others run their parts themselves. None may wait forever.
        const int m = 96, k = 200, n = 160, callers = 4, rounds = 20;
        using IDisposable restore = KeepThreadCount();
        Linalg.MaxDegreeOfParallelism = 2;
        float[] b = ToSingle(Uniform(5, k * n));
        var threads = new Thread[callers];
        var failures = new Exception?[callers];
        for (int caller = 0; caller < callers; caller++)
        {
            float[] a = ToSingle(Uniform(10 + caller, m * k));
            float[] expected = new float[m * n];
            Linalg.MatMul(a, b, expected, m, k, n);
            int index = caller;
            threads[caller] = new Thread(() =>
            {
                try
                {
                    float[] c = new float[m * n];
                    for (int round = 0; round < rounds; round++)
                    {
                        c.AsSpan().Fill(float.NaN);
                        Linalg.MatMul(a, b, c, m, k, n);
                        Assert.Equal(expected, c);
                    }
                }
                catch (Exception exception)
                {
                    failures[index] = exception;
                }
            });
        }

        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromMinutes(2)), "a caller did not finish: the workers deadlocked");
        }

        Assert.All(failures, Assert.Null);
    }

    [Fact]
    public void MatMulAdd_with_k_zero_leaves_c_and_MatMul_with_k_zero_clears_it()
    {
        float[] c = [1, 2, 3, 4, 5, 6];
        Linalg.MatMulAdd(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, c, 2, 0, 3);
        Assert.Equal([1, 2, 3, 4, 5, 6], c);
        Linalg.MatMul(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, c, 2, 0, 3);
        Assert.Equal(new float[6], c);
    }

    [Fact]
    public void MaxDegreeOfParallelism_rejects_values_below_one()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Linalg.MaxDegreeOfParallelism = 0);
        Assert.Equal("value", error.ParamName);
    }

    private static void ForEachTranspose(Action<bool, bool> check)
    {
        foreach (bool transposeA in new[] { false, true })
        {
            foreach (bool transposeB in new[] { false, true })
            {
                check(transposeA, transposeB);
            }
        }
    }
}
