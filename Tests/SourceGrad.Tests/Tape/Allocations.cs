namespace SourceGrad.Tests.Tape;

internal static class Allocations
{
    /// <summary>
    /// Runs <paramref name="step"/> a few times to reach the steady state (first-call JIT work, storage growth),
    /// then asserts that a round of <paramref name="steps"/> more calls allocates nothing on this thread.
    /// </summary>
    /// <remarks>
    /// Up to <paramref name="rounds"/> rounds are measured and one clean round suffices: the runtime itself may
    /// allocate once on this thread while the steps run (tier-1 recompilation, a shared pool trimmed by a gen-2
    /// collection that other tests triggered), but an allocation the step makes shows in every round.
    /// </remarks>
    public static void AssertSteadyStateAllocatesNothing(Func<double> step, int steps = 50, int rounds = 4)
    {
        double sink = 0;
        for (int warmup = 0; warmup < 3; warmup++)
        {
            sink += step();
        }

        var allocatedPerRound = new List<long>(rounds);
        for (int round = 0; round < rounds; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < steps; i++)
            {
                sink += step();
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0)
            {
                break;
            }

            allocatedPerRound.Add(allocated);
        }

        Assert.True(allocatedPerRound.Count < rounds,
            $"every round of {steps} steady-state steps allocated: {string.Join(", ", allocatedPerRound)} bytes");
        Assert.True(double.IsFinite(sink), "the steps computed finite values");
    }
}
