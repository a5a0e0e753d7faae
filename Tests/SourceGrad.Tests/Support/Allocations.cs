namespace SourceGrad.Tests;

internal static class Allocations
{
    /// <summary>
    /// Runs <paramref name="step"/> <paramref name="warmup"/> times to reach the steady state (first-call JIT work,
    /// storage growth), then asserts that a round of <paramref name="steps"/> more calls allocates nothing on this
    /// thread, nor on the threads <paramref name="otherThreads"/> counts (a running total of their allocated bytes,
    /// read before and after each round, e.g. the GEMM workers').
    /// </summary>
    /// <remarks>
    /// Up to <paramref name="rounds"/> rounds are measured and one clean round suffices: the runtime itself may
    /// allocate once on this thread while the steps run (tier-1 recompilation, a shared pool trimmed by a gen-2
    /// collection that other tests triggered), but an allocation the step makes shows in every round.
    /// </remarks>
    public static void AssertSteadyStateAllocatesNothing(
        Action step, int steps = 50, int warmup = 3, int rounds = 4, Func<long>? otherThreads = null)
    {
        for (int i = 0; i < warmup; i++)
        {
            step();
        }

        var allocatedPerRound = new List<long>(rounds);
        for (int round = 0; round < rounds; round++)
        {
            long othersBefore = otherThreads?.Invoke() ?? 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < steps; i++)
            {
                step();
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            allocated += (otherThreads?.Invoke() ?? 0) - othersBefore;
            if (allocated == 0)
            {
                break;
            }

            allocatedPerRound.Add(allocated);
        }

        Assert.True(allocatedPerRound.Count < rounds,
            $"every round of {steps} steady-state steps allocated: {string.Join(", ", allocatedPerRound)} bytes");
    }

    /// <summary>
    /// As <see cref="AssertSteadyStateAllocatesNothing(Action, int, int, int, Func{long}?)"/>, for a step that returns
    /// a value: the values are summed (so the work is not optimized away) and must stay finite.
    /// </summary>
    public static void AssertSteadyStateAllocatesNothing(
        Func<double> step, int steps = 50, int warmup = 3, int rounds = 4, Func<long>? otherThreads = null)
    {
        double sink = 0;
        Action round = () => sink += step(); // typed, or the lambda would bind to this overload again
        AssertSteadyStateAllocatesNothing(round, steps, warmup, rounds, otherThreads);
        Assert.True(double.IsFinite(sink), "the steps computed finite values");
    }
}
