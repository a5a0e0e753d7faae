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
    /// <returns>The bytes allocated on this thread over <paramref name="calls"/> steady-state calls.</returns>
    public static long Run(string key, Action call, int calls = 64)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentOutOfRangeException.ThrowIfLessThan(calls, 1);

        // Warm up first: pools fill and buffers grow to their steady-state size.
        for (int i = 0; i < 8; i++)
        {
            call();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
        {
            call();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Console.WriteLine($"{Marker} {key}: {allocated} B in {calls} calls");
        return allocated;
    }
}
