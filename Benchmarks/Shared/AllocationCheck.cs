namespace SourceGrad.Benchmarks;

/// <summary>
/// Counts what one benchmark call allocates on its own thread. BenchmarkDotNet's in-process allocation column counts
/// the whole process, so a few bytes per call can come from other threads (the JIT's tiering, the runtime's pools);
/// the report takes the "0 bytes per generated call" verdict from this count instead. A GlobalSetup calls it after
/// its agreement check; the line it prints lands in BenchmarkDotNet's log, where the report finds it.
/// </summary>
public static class AllocationCheck
{
    /// <summary>The start of the line the report looks for, followed by "benchmark key: bytes B in calls calls".</summary>
    public const string Marker = "// allocation check:";

    /// <param name="key">Type.Method, then the BenchmarkDotNet parameters in brackets if any: <c>MlpStepBenchmarks.Generated[Batch=64]</c>.</param>
    /// <param name="otherThreads">
    /// For a call that also runs on other threads (worker threads it forks): the bytes those threads have allocated so
    /// far, counted the same way, so that the check counts them beside this thread's.
    /// </param>
    /// <returns>The bytes allocated on this thread (and <paramref name="otherThreads"/>) over <paramref name="calls"/> steady-state calls.</returns>
    public static long Run(string key, Action call, int calls = 64, Func<long>? otherThreads = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentOutOfRangeException.ThrowIfLessThan(calls, 1);

        // Settle the heap first: a full collection lets ArrayPool trim its buffers now (it does so after a gen-2
        // collection, which a setup's large arrays can trigger), not in the middle of the counted calls, where the
        // pooled buffers a generated method rents would be allocated again.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // Warm up: pools fill and buffers grow to their steady-state size.
        for (int i = 0; i < 8; i++)
        {
            call();
        }

        long Counted() => GC.GetAllocatedBytesForCurrentThread() + (otherThreads?.Invoke() ?? 0);
        long before = Counted();
        for (int i = 0; i < calls; i++)
        {
            call();
        }

        long allocated = Counted() - before;
        Console.WriteLine($"{Marker} {key}: {allocated} B in {calls} calls");
        return allocated;
    }

    /// <summary>
    /// <see cref="Run"/>, then stops the run unless the calls allocated nothing: for a contender whose contract is
    /// 0 bytes per call in steady state (a generated <c>MHessianVector</c>), so a regression fails the setup instead
    /// of only turning a report row red.
    /// </summary>
    public static void RunExpectingNone(string key, Action call, int calls = 64)
    {
        long allocated = Run(key, call, calls);
        if (allocated != 0)
        {
            throw new InvalidOperationException(
                $"{key} allocated {allocated} B in {calls} steady-state calls on its own thread; it must allocate 0 B per call.");
        }
    }
}
