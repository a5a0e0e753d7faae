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
        GemmPath saved = GemmPaths.Current;
        GemmPaths.Current = Enum.Parse<GemmPath>(path);
        try
        {
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
        finally
        {
            GemmPaths.Current = saved;
        }
    }

    [Theory]
    [InlineData(200, 150, 90)] // split by rows
    [InlineData(5, 100, 3000)] // too few rows: split by columns
    [InlineData(1000, 40, 33)]
    public void Two_threads_give_bit_identical_results_to_one(int m, int k, int n)
    {
        int saved = Linalg.MaxDegreeOfParallelism;
        try
        {
            Assert.True((long)m * k * n >= Gemm<float>.ParallelThreshold, "the shape must be large enough to go parallel");
            float[] a = ToSingle(Uniform(1, m * k)), b = ToSingle(Uniform(2, k * n));
            float[] one = new float[m * n], two = new float[m * n];
            Linalg.MaxDegreeOfParallelism = 1;
            Linalg.MatMul(a, b, one, m, k, n);
            Linalg.MaxDegreeOfParallelism = 2;
            Linalg.MatMul(a, b, two, m, k, n);

            // Each element is summed in the same order whichever thread computes it.
            Assert.Equal(one, two);
            double[] expected = NaiveProduct(ToDouble(a), ToDouble(b), m, k, n, false, false);
            AssertClose(expected, two, 1e-5 * k, 1e-5, $"{m}x{k}x{n} on two threads");
        }
        finally
        {
            Linalg.MaxDegreeOfParallelism = saved;
        }
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
