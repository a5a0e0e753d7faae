namespace SourceGrad.Generator.Tests.Infrastructure;

/// <summary>Runs work on a background thread and gives up waiting after a time limit, so a hang fails a test instead of stalling the run.</summary>
internal static class Deadline
{
    /// <summary>The work's result, or <c>Finished = false</c> when it was still running at the limit (the thread is left behind).</summary>
    public static (bool Finished, T? Result) Run<T>(Func<T> work, TimeSpan limit, string name)
    {
        T? result = default;
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        })
        { IsBackground = true, Name = name };
        worker.Start();
        if (!worker.Join(limit))
        {
            return (false, default);
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return (true, result);
    }
}
