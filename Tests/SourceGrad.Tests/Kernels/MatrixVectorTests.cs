using SourceGrad.Kernels;
using static SourceGrad.Tests.Kernels.KernelTestData;

namespace SourceGrad.Tests.Kernels;

/// <summary>
/// Products with one output row (m == 1) or one output column (n == 1) take the matrix-vector path: checked against
/// the naive product on every instruction-set path, for every transpose, overwriting and accumulating.
/// </summary>
[Collection(KernelSettingsCollection.Name)]
public class MatrixVectorTests
{
    /// <summary>
    /// Lengths on both sides of every vector width (4, 8, 16 floats) and of the 4-row passes, and the MLP's
    /// batch-1 shapes (1×784·784×128, 1×128·128×10, 1×10·10×128 and their transposes).
    /// </summary>
    public static TheoryData<int, int> VectorShapes => new()
    {
        { 1, 1 }, { 1, 3 }, { 3, 1 }, { 4, 4 }, { 5, 7 }, { 8, 15 }, { 9, 16 }, { 17, 33 }, { 31, 4 }, { 4, 65 },
        { 100, 3 }, { 784, 128 }, { 128, 10 }, { 10, 128 }, { 129, 129 },
    };

    [Theory]
    [MemberData(nameof(VectorShapes))]
    public void One_row_of_output_matches_the_naive_product_on_every_path(int k, int n)
        => ForEachPathAndTranspose((transposeA, transposeB) =>
        {
            CheckFloat(1, k, n, transposeA, transposeB, seed: k * 31 + n);
            CheckDouble(1, k, n, transposeA, transposeB, seed: k * 31 + n);
        });

    [Theory]
    [MemberData(nameof(VectorShapes))]
    public void One_column_of_output_matches_the_naive_product_on_every_path(int k, int m)
        => ForEachPathAndTranspose((transposeA, transposeB) =>
        {
            CheckFloat(m, k, 1, transposeA, transposeB, seed: k * 37 + m);
            CheckDouble(m, k, 1, transposeA, transposeB, seed: k * 37 + m);
        });

    [Fact]
    public void Batch_one_MLP_pullbacks_match_the_naive_products()
    {
        // The shapes a batch-1 step of the 784-128-10 MLP runs through the pullbacks: dW = xᵀ·dY (k = 1, an outer
        // product, still the blocked path) and dX = dY·Wᵀ (m = 1, transposed B: row dots).
        const int inputs = 784, outputs = 128;
        float[] x = ToSingle(Uniform(11, inputs)), w = ToSingle(Uniform(12, inputs * outputs)), dY = ToSingle(Uniform(13, outputs));
        float[] dX = new float[inputs], dW = new float[inputs * outputs], y = new float[outputs];
        Linalg.MatMulPullback(x, w, y, 1, inputs, outputs, false, false, dX, dW, dY.ToArray());
        AssertClose(NaiveProduct(ToDouble(dY), ToDouble(w), 1, outputs, inputs, false, true), dX, 2e-6 * outputs, 1e-6, "dX");
        AssertClose(NaiveProduct(ToDouble(x), ToDouble(dY), inputs, 1, outputs, true, false), dW, 1e-6, 1e-6, "dW");
    }

    private static void ForEachPathAndTranspose(Action<bool, bool> check)
    {
        using IDisposable restore = KeepPath();
        foreach (GemmPath path in Enum.GetValues<GemmPath>().Where(path => path <= GemmPaths.Best))
        {
            GemmPaths.Current = path;
            foreach (bool transposeA in new[] { false, true })
            {
                foreach (bool transposeB in new[] { false, true })
                {
                    check(transposeA, transposeB);
                }
            }
        }
    }
}
