using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace SourceGrad.Kernels;

/// <summary>Work split into parts that run at the same time, one per thread; the object is reused across calls.</summary>
internal abstract class ParallelWork
{
    /// <summary>
    /// Runs part <paramref name="part"/> of <paramref name="parts"/>. Parts may run at the same time and share the work
    /// between them, but run one after the other on one thread they must still finish it: no part may wait for a part
    /// that has not started.
    /// </summary>
    public abstract void RunPart(int part, int parts);
}

/// <summary>
/// A fork-join over long-lived background threads, one per extra part: a fork is a store and (only when the worker
/// has gone to sleep) a pulse, so a call allocates nothing, unlike Parallel.For and its closures, and wakes faster
/// than the thread pool. Matrix products and DataParallelGradient's shards share them. One caller at a time uses the workers; a concurrent caller runs its parts itself, in order,
/// which gives the same result (see <see cref="ParallelWork.RunPart"/>), so there is no deadlock and no queue.
/// </summary>
internal static class GemmWorkers
{
    /// <summary>
    /// How long a thread (a worker waiting for a product, a caller waiting for a worker's part) spins before blocking:
    /// longer than the gap between two products of a training step. A worker counts it from the end of the product, not
    /// from the end of its own part: on a virtual machine a thread that blocks leaves its vCPU idle, and waking it took
    /// 50 µs typically and up to 5 ms in a probe, so a worker that finished early and slept while its caller finished
    /// the last units joined the next product late.
    /// </summary>
    private static readonly long s_spinTicks = Stopwatch.Frequency / 1_000; // 1 ms

    private static readonly object s_growGate = new();
    private static Worker[] s_workers = [];
    private static int s_inUse;

    [ThreadStatic] private static bool t_readyToWait;

    /// <summary>
    /// For the tests: the bytes the workers have allocated (the calling thread's are counted by the GC per thread) and
    /// the parts they have run.
    /// </summary>
    internal static (long AllocatedBytes, long PartsRun) WorkerTotals()
    {
        long allocatedBytes = 0, partsRun = 0;
        foreach (Worker worker in Volatile.Read(ref s_workers))
        {
            allocatedBytes += Volatile.Read(ref worker.AllocatedBytes);
            partsRun += Volatile.Read(ref worker.PartsRun);
        }

        return (allocatedBytes, partsRun);
    }

    /// <summary>Takes the workers as a caller does, so that a test can see what a product does while they are busy.</summary>
    internal static bool TryTakeForTest() => Interlocked.CompareExchange(ref s_inUse, 1, 0) == 0;

    /// <summary>Gives back what <see cref="TryTakeForTest"/> took.</summary>
    internal static void GiveBackForTest() => Volatile.Write(ref s_inUse, 0);

    /// <summary>
    /// Runs parts 1…parts-1 of <paramref name="work"/> (at least two parts) on the workers and part 0 on the calling
    /// thread, and returns when all are done.
    /// </summary>
    public static void Run(ParallelWork work, int parts)
    {
        if (Interlocked.CompareExchange(ref s_inUse, 1, 0) != 0)
        {
            // Another caller holds the workers (e.g. products on several user threads at once).
            for (int part = 0; part < parts; part++)
            {
                work.RunPart(part, parts);
            }

            return;
        }

        try
        {
            ReadyToWait();
            Worker[] workers = WorkersFor(parts - 1);
            for (int i = 0; i < parts - 1; i++)
            {
                workers[i].Start(work, part: i + 1, parts);
            }

            try
            {
                work.RunPart(0, parts);
            }
            finally
            {
                // Always wait: the workers use the caller's buffers until they are done.
                for (int i = 0; i < parts - 1; i++)
                {
                    workers[i].WaitUntilDone();
                }

                long productEnd = Stopwatch.GetTimestamp();
                for (int i = 0; i < parts - 1; i++)
                {
                    workers[i].Release(productEnd);
                }
            }

            for (int i = 0; i < parts - 1; i++)
            {
                workers[i].RethrowFailure();
            }
        }
        finally
        {
            Volatile.Write(ref s_inUse, 0);
        }
    }

    private static Worker[] WorkersFor(int count)
    {
        Worker[] workers = s_workers;
        if (workers.Length >= count)
        {
            return workers;
        }

        lock (s_growGate)
        {
            workers = s_workers;
            if (workers.Length < count)
            {
                var grown = new Worker[count];
                workers.CopyTo(grown, 0);
                for (int i = workers.Length; i < count; i++)
                {
                    grown[i] = new Worker(i + 1);
                }

                Volatile.Write(ref s_workers, grown);
                workers = grown;
            }
        }

        return workers;
    }

    /// <summary>
    /// A thread's first Monitor.Wait allocates its wait state (about 2 KB); a zero-timeout wait here pays that once, up
    /// front, so that no later product allocates whenever it happens to block.
    /// </summary>
    private static void ReadyToWait()
    {
        if (!t_readyToWait)
        {
            lock (s_growGate)
            {
                Monitor.Wait(s_growGate, 0);
            }

            t_readyToWait = true;
        }
    }

    /// <summary>
    /// Waits until <paramref name="counter"/> differs from <paramref name="seen"/>: spins first (a fork or a join
    /// usually comes within microseconds), then blocks on <paramref name="gate"/> (flagging <paramref name="sleeping"/>)
    /// so an idle worker costs nothing. The spin lasts <see cref="s_spinTicks"/> from now or from
    /// <paramref name="spinFrom"/>, whichever is later (a worker's spin counts from the end of the product it took part in).
    /// </summary>
    private static void WaitForChange(ref int counter, int seen, ref int sleeping, object gate, ref long spinFrom)
    {
        long waitStart = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref counter) == seen)
        {
            long from = Volatile.Read(ref spinFrom);
            if (Stopwatch.GetTimestamp() - Math.Max(waitStart, from) > s_spinTicks)
            {
                lock (gate)
                {
                    // Interlocked (a full fence) before re-reading the counter pairs with Signal's, so no wake-up is lost.
                    Interlocked.Exchange(ref sleeping, 1);
                    while (Volatile.Read(ref counter) == seen)
                    {
                        Monitor.Wait(gate);
                    }

                    Volatile.Write(ref sleeping, 0);
                }

                return;
            }

            if (from == long.MaxValue)
            {
                // A worker whose caller is still in the product: with more threads than cores (a third thread, another
                // caller's product) the threads finishing the last units may need this core, and nothing is due here
                // before the product ends.
                Thread.Yield();
            }
            else
            {
                Thread.SpinWait(20);
            }
        }
    }

    /// <summary>Advances <paramref name="counter"/> and wakes a thread blocked in <see cref="WaitForChange"/> on it.</summary>
    private static void Signal(ref int counter, ref int sleeping, object gate)
    {
        Interlocked.Increment(ref counter);
        if (Volatile.Read(ref sleeping) != 0)
        {
            lock (gate)
            {
                Monitor.PulseAll(gate);
            }
        }
    }

    private sealed class Worker
    {
        // Two gates, so a pulse for "start" never wakes the caller waiting for "done" and vice versa.
        // Plain objects: Monitor.Wait/Pulse need monitors (System.Threading.Lock has no condition variable).
        private readonly object _startGate = new(), _doneGate = new();
        private int _started, _done, _workerSleeping, _callerSleeping;

        /// <summary>Where the worker's spin for the next product counts from: long.MaxValue while its caller is in a product.</summary>
        private long _spinFrom;
        private ParallelWork? _work;
        private int _part, _parts;
        private ExceptionDispatchInfo? _failure;
        internal long AllocatedBytes, PartsRun;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"SourceGrad matmul worker {index}" };
            thread.Start();
        }

        public void Start(ParallelWork work, int part, int parts)
        {
            _work = work;
            _part = part;
            _parts = parts;
            _failure = null;
            Volatile.Write(ref _spinFrom, long.MaxValue);
            Signal(ref _started, ref _workerSleeping, _startGate);
        }

        public void WaitUntilDone()
        {
            // The caller's spin counts from now: the part it waits for is under way.
            long fromNow = 0;
            WaitForChange(ref _done, Volatile.Read(ref _started) - 1, ref _callerSleeping, _doneGate, ref fromNow);
        }

        /// <summary>The caller has finished the product this worker took part in; its spin for the next one counts from <paramref name="productEnd"/>.</summary>
        public void Release(long productEnd) => Volatile.Write(ref _spinFrom, productEnd);

        public void RethrowFailure() => _failure?.Throw();

        private void Loop()
        {
            ReadyToWait();
            int seen = 0;
            while (true)
            {
                WaitForChange(ref _started, seen, ref _workerSleeping, _startGate, ref _spinFrom);
                seen = Volatile.Read(ref _started);
                try
                {
                    _work!.RunPart(_part, _parts);
                }
                catch (Exception exception)
                {
                    // Handed to the caller, which rethrows it once every part has finished.
                    _failure = ExceptionDispatchInfo.Capture(exception);
                }

                _work = null;
                Volatile.Write(ref AllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
                Volatile.Write(ref PartsRun, PartsRun + 1);
                Signal(ref _done, ref _callerSleeping, _doneGate);
            }
        }
    }
}
