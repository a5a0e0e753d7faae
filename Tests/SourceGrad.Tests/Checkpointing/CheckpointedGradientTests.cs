namespace SourceGrad.Tests.Checkpointing;

/// <summary>
/// Checkpointed gradients against the store-all gradient of the same body: the same value and the same adjoints, bit for
/// bit (each iteration's forward runs again from a snapshot of exactly the state it first ran from, and the iterations are
/// reversed in the store-all order), for loops of 0, 1 and many iterations, one snapshot, more snapshots than iterations,
/// and √N segments.
/// </summary>
public class CheckpointedGradientTests
{
    public static TheoryData<int> Steps => new() { 0, 1, 2, 3, 5, 17, 60 };

    private static double[] Inputs(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    private delegate double RecurrenceGradient(double w, double u, ReadOnlySpan<double> x, int steps, ref double dW, ref double dU, Span<double> dX, double seed);

    [Theory]
    [MemberData(nameof(Steps))]
    public void Tanh_recurrence_gradients_equal_store_all_bit_for_bit(int steps)
    {
        double[] x = Inputs(Math.Max(steps, 1), steps);
        (double Value, double DW, double DU, double[] DX) Run(RecurrenceGradient gradient)
        {
            double dW = 0.125, dU = -0.5;
            double[] dX = new double[x.Length];
            double value = gradient(0.9, 0.7, x, steps, ref dW, ref dU, dX, 1.5);
            return (value, dW, dU, dX);
        }

        var expected = Run(CheckpointModels.RecurrenceGradient);
        foreach (RecurrenceGradient checkpointed in new RecurrenceGradient[]
                 {
                     CheckpointModels.RecurrenceOneSnapshotGradient, CheckpointModels.RecurrenceThreeSnapshotsGradient,
                     CheckpointModels.RecurrenceManySnapshotsGradient, CheckpointModels.RecurrenceSqrtNGradient,
                 })
        {
            var actual = Run(checkpointed);
            Assert.Equal(expected.Value, actual.Value);
            Assert.Equal(expected.DW, actual.DW);
            Assert.Equal(expected.DU, actual.DU);
            Assert.Equal(expected.DX, actual.DX);
        }

        Assert.Equal(CheckpointModels.Recurrence(0.9, 0.7, x, steps), expected.Value);
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public void Split_mode_and_the_Hessian_vector_product_of_a_checkpointed_method_keep_every_save_and_agree(int steps)
    {
        double[] x = Inputs(Math.Max(steps, 1), steps + 100);
        double dW = 0, dU = 0;
        double[] dX = new double[x.Length];
        double expected = CheckpointModels.RecurrenceGradient(0.9, 0.7, x, steps, ref dW, ref dU, dX);

        double checkpointed = CheckpointModels.RecurrenceAllModesGradient(0.9, 0.7, x, steps, ref dW, ref dU, dX, -1);
        Assert.Equal(expected, checkpointed);
        Assert.Equal(0, dW);
        Assert.Equal(0, dU);
        Assert.All(dX, v => Assert.Equal(0, v));

        double sW = 0, sU = 0;
        double[] sX = new double[x.Length];
        double forward = CheckpointModels.RecurrenceAllModesForward(0.9, 0.7, x, steps, out CheckpointModels.RecurrenceAllModesSaved saved);
        CheckpointModels.RecurrenceAllModesBackward(0.9, 0.7, x, steps, ref saved, ref sW, ref sU, sX);
        Assert.Equal(expected, forward);

        double gW = 0, gU = 0, hvW = 0, hvU = 0;
        double[] gX = new double[x.Length], hvX = new double[x.Length];
        double product = CheckpointModels.RecurrenceAllModesHessianVector(0.9, 0.7, x, steps, 1, 0, new double[x.Length], ref gW, ref gU, gX, ref hvW, ref hvU, hvX);
        Assert.Equal(expected, product);

        double rW = 0, rU = 0;
        double[] rX = new double[x.Length];
        CheckpointModels.RecurrenceGradient(0.9, 0.7, x, steps, ref rW, ref rU, rX);
        Assert.Equal(rW, sW);
        Assert.Equal(rU, sU);
        Assert.Equal(rX, sX);
        Assert.Equal(rW, gW, 12);
        Assert.Equal(rU, gU, 12);
    }

    private delegate float RnnGradient(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> inputs, int n, int steps,
        Span<float> dWeights, Span<float> dBias, Span<float> dInputs, float seed);

    [Theory]
    [MemberData(nameof(Steps))]
    public void Rnn_with_span_state_gradients_equal_store_all_bit_for_bit(int steps)
    {
        const int n = 4;
        float[] weights = Inputs(n * n, 1).Select(v => (float)v).ToArray();
        float[] bias = Inputs(n, 2).Select(v => (float)v).ToArray();
        float[] inputs = Inputs(Math.Max(steps, 1) * n, 3).Select(v => (float)v).ToArray();
        (float Value, float[] DW, float[] DB, float[] DI) Run(RnnGradient gradient)
        {
            float[] dW = new float[weights.Length], dB = new float[bias.Length], dI = new float[inputs.Length];
            float value = gradient(weights, bias, inputs, n, steps, dW, dB, dI, 1);
            return (value, dW, dB, dI);
        }

        var expected = Run(CheckpointModels.RnnGradient);
        foreach (RnnGradient checkpointed in new RnnGradient[] { CheckpointModels.RnnBinomialGradient, CheckpointModels.RnnSqrtNGradient })
        {
            var actual = Run(checkpointed);
            Assert.Equal(expected.Value, actual.Value);
            Assert.Equal(expected.DW, actual.DW);
            Assert.Equal(expected.DB, actual.DB);
            Assert.Equal(expected.DI, actual.DI);
        }

        if (steps > 1)
        {
            // The hidden state starts at zero, so the weights matter from the second step on.
            Assert.NotEqual(0, expected.DW.Sum(Math.Abs));
        }
    }

    private delegate void PendulumGradient(Span<double> q, double k, double dt, int first, int last, Span<double> dQ, ref double dK, ref double dDt);

    [Theory]
    [MemberData(nameof(Steps))]
    public void Pendulum_integrated_in_place_gradients_equal_store_all_bit_for_bit(int steps)
    {
        (double[] Q, double[] DQ, double DK, double DDt) Run(PendulumGradient gradient)
        {
            double[] q = [1.2, -0.3];
            double[] dQ = [1, 0.5];
            double dK = 0, dDt = 0;
            gradient(q, 9.81, 0.01, 3, 3 + steps - 1, dQ, ref dK, ref dDt);
            return (q, dQ, dK, dDt);
        }

        var expected = Run(CheckpointModels.PendulumGradient);
        foreach (PendulumGradient checkpointed in new PendulumGradient[] { CheckpointModels.PendulumBinomialGradient, CheckpointModels.PendulumSqrtNGradient })
        {
            var actual = Run(checkpointed);
            Assert.Equal(expected.Q, actual.Q);
            Assert.Equal(expected.DQ, actual.DQ);
            Assert.Equal(expected.DK, actual.DK);
            Assert.Equal(expected.DDt, actual.DDt);
        }

        double[] primal = [1.2, -0.3];
        CheckpointModels.Pendulum(primal, 9.81, 0.01, 3, 3 + steps - 1);
        Assert.Equal(primal, expected.Q);
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public void A_running_maximum_and_an_int_carried_through_the_loop_give_store_all_bits(int steps)
    {
        double[] x = Inputs(Math.Max(steps, 1), 7);
        double[] dXExpected = new double[x.Length], dXActual = new double[x.Length];
        double dCExpected = 0, dCActual = 0;
        double expected = CheckpointModels.PeaksGradient(x, 1.7, steps, dXExpected, ref dCExpected);
        double actual = CheckpointModels.PeaksBinomialGradient(x, 1.7, steps, dXActual, ref dCActual);
        Assert.Equal(expected, actual);
        Assert.Equal(dXExpected, dXActual);
        Assert.Equal(dCExpected, dCActual);
    }

    private delegate double ShiftGradient(double x, Span<double> a, int n, ref double dX, Span<double> dA, double seed);

    /// <summary>
    /// Loops found by the fuzzer's checkpointed twins: one that saves nothing per iteration, so nothing reads its record
    /// length (seed 20250601, programs 73, 79, 108, …: the checkpointed gradient did not compile); one whose span
    /// parameter is in the state while the store-all reverse never restores its elements, so store all keeps no copy of
    /// its final contents (program 301: the snapshots restored left it as it was before the loop); one whose local array
    /// only a callee writes, passed whole (seed 20261211, program 595: the snapshots did not hold it); and one that reads a
    /// span the code after it overwrites (program 1766: the iterations ran again from its new contents).
    /// </summary>
    [Theory]
    [MemberData(nameof(Steps))]
    public void Loops_the_fuzzer_found_give_store_all_bits_and_effects(int steps)
    {
        (double Value, double[] A, double DX, double[] DA) Run(ShiftGradient gradient)
        {
            double[] a = Inputs(Math.Max(steps, 1), 3);
            double[] dA = Inputs(a.Length, 5);
            double dX = 0.25;
            double value = gradient(0.3, a, steps, ref dX, dA, 1.5);
            return (value, a, dX, dA);
        }

        foreach ((ShiftGradient storeAll, ShiftGradient[] checkpointed, Func<double, double[], int, double> primal) in new (ShiftGradient, ShiftGradient[], Func<double, double[], int, double>)[]
                 {
                     (CheckpointModels.ShiftGradient, [CheckpointModels.ShiftBinomialGradient, CheckpointModels.ShiftSqrtNGradient], (x, a, n) => CheckpointModels.Shift(x, a, n)),
                     (CheckpointModels.HalvingGradient, [CheckpointModels.HalvingBinomialGradient, CheckpointModels.HalvingSqrtNGradient], (x, a, n) => CheckpointModels.Halving(x, a, n)),
                     (CheckpointModels.BiasedGradient, [CheckpointModels.BiasedBinomialGradient, CheckpointModels.BiasedSqrtNGradient], (x, a, n) => CheckpointModels.Biased(x, a, n)),
                     (CheckpointModels.RescaledGradient, [CheckpointModels.RescaledBinomialGradient, CheckpointModels.RescaledSqrtNGradient], (x, a, n) => CheckpointModels.Rescaled(x, a, n)),
                 })
        {
            var expected = Run(storeAll);
            foreach (ShiftGradient gradient in checkpointed)
            {
                var actual = Run(gradient);
                Assert.Equal(expected.Value, actual.Value);
                Assert.Equal(expected.A, actual.A);
                Assert.Equal(expected.DX, actual.DX);
                Assert.Equal(expected.DA, actual.DA);
            }

            double[] inputs = Inputs(Math.Max(steps, 1), 3);
            Assert.Equal(primal(0.3, inputs, steps), expected.Value);
            Assert.Equal(inputs, expected.A);
        }
    }

    [Fact]
    public void Checkpointed_gradients_allocate_nothing_in_steady_state()
    {
        double[] x = Inputs(200, 11);
        double[] dX = new double[x.Length];
        const int n = 4;
        float[] weights = new float[n * n], bias = new float[n], inputs = new float[50 * n];
        float[] dWeights = new float[weights.Length], dBias = new float[n], dInputs = new float[inputs.Length];
        double[] q = [1, 0], dQ = [1, 0];

        void Round()
        {
            double dW = 0, dU = 0, dK = 0, dDt = 0;
            CheckpointModels.RecurrenceThreeSnapshotsGradient(0.9, 0.7, x, x.Length, ref dW, ref dU, dX);
            CheckpointModels.RecurrenceSqrtNGradient(0.9, 0.7, x, x.Length, ref dW, ref dU, dX);
            CheckpointModels.RnnBinomialGradient(weights, bias, inputs, n, 50, dWeights, dBias, dInputs);
            CheckpointModels.RnnSqrtNGradient(weights, bias, inputs, n, 50, dWeights, dBias, dInputs);
            CheckpointModels.PendulumBinomialGradient(q, 1, 0.01, 0, 99, dQ, ref dK, ref dDt);
        }

        // Warmed up past tiered compilation's promotions (30 calls, then a background tier-1), which allocate on this thread.
        Allocations.AssertSteadyStateAllocatesNothing(Round, warmup: 200);
        Assert.NotEqual(0, dX.Sum(Math.Abs));
    }
}
