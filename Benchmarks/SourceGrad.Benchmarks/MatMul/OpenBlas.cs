using System.Runtime.InteropServices;

namespace SourceGrad.Benchmarks.MatMul;

/// <summary>
/// The few OpenBLAS entry points the comparison needs, from Debian's libopenblas0 (install-openblas.sh installs it).
/// </summary>
internal static unsafe partial class OpenBlas
{
    private const string Library = "libopenblas.so.0";
    private const int RowMajor = 101, NoTranspose = 111, Transpose = 112;

    /// <summary>
    /// C = op(A)·op(B) for row-major matrices, as Linalg.MatMul: op(A) is m×k (A stored k×m when transposed), op(B)
    /// is k×n (B stored n×k when transposed).
    /// </summary>
    public static void Sgemm(float* a, float* b, float* c, int m, int k, int n, bool transposeA, bool transposeB)
        => cblas_sgemm(
            RowMajor, transposeA ? Transpose : NoTranspose, transposeB ? Transpose : NoTranspose, m, n, k,
            1f, a, transposeA ? m : k, b, transposeB ? k : n, 0f, c, n);

    public static void SetThreads(int threads) => openblas_set_num_threads(threads);

    /// <summary>The kernel family OpenBLAS chose at load time (e.g. SkylakeX, Haswell, Zen).</summary>
    public static string CoreName => Marshal.PtrToStringAnsi(openblas_get_corename()) ?? "unknown";

    [LibraryImport(Library)]
    private static partial void cblas_sgemm(
        int order, int transposeA, int transposeB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Library)]
    private static partial void openblas_set_num_threads(int threads);

    [LibraryImport(Library)]
    private static partial nint openblas_get_corename();
}
