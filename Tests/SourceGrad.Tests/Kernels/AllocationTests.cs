using SourceGrad.Kernels;

namespace SourceGrad.Tests.Kernels;

public static partial class KernelModel
{
    /// <summary>A one-layer model through the runtime kernels, small enough to stay on one thread.</summary>
    [Differentiable]
    public static float Loss(ReadOnlySpan<float> w, ReadOnlySpan<float> bias, [NoGrad] ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int batch, int inputs, int classes)
    {
        Span<float> logits = stackalloc float[batch * classes];
        Linalg.MatMul(x, w, logits, batch, inputs, classes);
        Linalg.AddBias(logits, bias, batch, classes);
        return Losses.SoftmaxCrossEntropy(logits, labels, batch, classes);
    }
}

[Collection(KernelSettingsCollection.Name)]
public class AllocationTests
{
    [Fact]
    public void Steady_state_matmul_and_generated_gradient_through_kernels_allocate_nothing()
    {
        const int batch = 8, inputs = 64, classes = 10;
        var random = new SeededRandom(3);
        float[] w = new float[inputs * classes], bias = new float[classes], x = new float[batch * inputs];
        random.Fill(w);
        random.Fill(x);
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = i % classes;
        float[] dW = new float[w.Length], dBias = new float[bias.Length], c = new float[batch * classes];

        Allocations.AssertSteadyStateAllocatesNothing(() => Linalg.MatMul(x, w, c, batch, inputs, classes), steps: 100, warmup: 5);
        Allocations.AssertSteadyStateAllocatesNothing(
            () => KernelModel.LossGradient(w, bias, x, labels, batch, inputs, classes, dW, dBias), steps: 100, warmup: 5);
    }

    [Fact]
    public void A_split_product_run_while_the_workers_are_busy_allocates_nothing_after_warm_up()
    {
        // An odd number of column panels, so the two shares differ by a panel. Warmed up on the workers, a thread
        // packed only its own share; when another caller holds the workers it runs both shares itself, and must not
        // grow its packing buffer then. On a fresh thread, whose buffers no earlier test has grown.
        const int m = 128, k = 100, n = 200;
        var random = new SeededRandom(6);
        float[] a = new float[m * k], b = new float[k * n], expected = new float[m * n], c = new float[m * n];
        random.Fill(a);
        random.Fill(b);
        using IDisposable restore = KernelTestData.KeepThreadCount();
        Linalg.MaxDegreeOfParallelism = 1;
        Linalg.MatMul(a, b, expected, m, k, n);
        Linalg.MaxDegreeOfParallelism = 2;
        Assert.True((long)m * k * n >= Gemm<float>.ParallelThreshold);

        long allocated = -1;
        var thread = new Thread(() =>
        {
            for (int i = 0; i < 5; i++)
            {
                Linalg.MatMul(a, b, c, m, k, n);
            }

            SpinWait.SpinUntil(GemmWorkers.TryTakeForTest);
            try
            {
                Array.Clear(c);
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 20; i++)
                {
                    Linalg.MatMul(a, b, c, m, k, n);
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }
            finally
            {
                GemmWorkers.GiveBackForTest();
            }
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "the products did not finish");

        Assert.Equal(0, allocated);
        Assert.Equal(expected, c); // bit-identical to one thread, on the path that runs every share on the caller
    }

    [Fact]
    public void Steady_state_matmul_split_over_threads_allocates_nothing_on_any_thread()
    {
        // The MLP's first layer and its weight gradient: both large enough to be split.
        const int batch = 64, inputs = 784, hidden = 128;
        var random = new SeededRandom(5);
        float[] x = new float[batch * inputs], w = new float[inputs * hidden], z = new float[batch * hidden], dW = new float[w.Length];
        random.Fill(x);
        random.Fill(w);
        using IDisposable restore = KernelTestData.KeepThreadCount();
        Linalg.MaxDegreeOfParallelism = 2;
        Assert.True((long)batch * inputs * hidden >= Gemm<float>.ParallelThreshold);
        // Per thread, not GC.GetTotalAllocatedBytes: the test runner allocates on its own threads meanwhile.
        long partsBefore = GemmWorkers.WorkerTotals().PartsRun;
        int calls = 0;
        Allocations.AssertSteadyStateAllocatesNothing(() =>
        {
            Linalg.MatMul(x, w, z, batch, inputs, hidden);
            Linalg.MatMulAdd(x, z, dW, inputs, batch, hidden, transposeA: true);
            calls++;
        }, warmup: 5, otherThreads: KernelTestData.WorkerBytes);

        // Every product was split: one part each on the worker.
        Assert.Equal(2 * calls, GemmWorkers.WorkerTotals().PartsRun - partsBefore);
    }

    [Fact]
    public void Gradient_through_kernels_matches_finite_differences()
    {
        const int batch = 3, inputs = 5, classes = 4;
        var random = new SeededRandom(11);
        float[] w = new float[inputs * classes], bias = new float[classes], x = new float[batch * inputs];
        random.Fill(w);
        random.Fill(bias);
        random.Fill(x);
        int[] labels = { 1, 3, 0 };
        float[] dW = new float[w.Length], dBias = new float[bias.Length];
        KernelModel.LossGradient(w, bias, x, labels, batch, inputs, classes, dW, dBias);
        GradCheckResult result = GradCheck.Check(
            () => KernelModel.Loss(w, bias, x, labels, batch, inputs, classes),
            new GradCheckInput("w", w, dW),
            new GradCheckInput("bias", bias, dBias));
        Assert.True(result.Passed, result.ToString());
    }
}
