namespace SourceGrad.Tests.Tape;

internal static class Allocations
{
    /// <summary>
    /// Runs <paramref name="step"/> a few times to reach the steady state (first-call JIT work, storage growth),
    /// then asserts that <paramref name="steps"/> more calls allocate nothing on this thread.
    /// </summary>
    public static void AssertSteadyStateAllocatesNothing(Func<double> step, int steps = 50)
    {
        double sink = 0;
        for (int warmup = 0; warmup < 3; warmup++)
        {
            sink += step();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < steps; i++)
        {
            sink += step();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(double.IsFinite(sink), "the steps computed finite values");
    }
}
