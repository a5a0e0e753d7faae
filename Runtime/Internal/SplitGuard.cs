using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace SourceGrad.Internal;

/// <summary>
/// The guard inside a generated <c>MSaved</c> (split mode, <c>[Differentiable(Split = true)]</c>): it makes a saved
/// state usable by one <c>MBackward</c>, and only until it is disposed. It holds a pooled <see cref="SplitLease"/> and
/// the lease's generation when <c>MForward</c> filled the state; consuming or disposing the state moves the lease on,
/// so a copy of the state (an <c>MSaved</c> is a struct) is caught as well as the state itself. Leases come from a
/// per-thread pool, so a steady-state forward and backward allocate nothing. Used by generated code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct SplitGuard
{
    private const byte Filled = 1;
    private const byte Consumed = 2;
    private const byte Disposed = 3;

    private SplitLease? _lease;
    private int _generation;
    private byte _state;

    /// <summary>The guard of a state <c>MForward</c> has just filled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SplitGuard Fill()
    {
        SplitLease lease = SplitLease.Rent();
        return new SplitGuard { _lease = lease, _generation = lease.Generation, _state = Filled };
    }

    /// <summary>
    /// Called first by <c>MBackward</c>: marks the state read, or throws when it cannot be read (never filled by
    /// <paramref name="forward"/>, already read by <paramref name="backward"/>, disposed, or a copy of one of those).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Consume(string backward, string forward)
    {
        if (_state != Filled || _lease!.Generation != _generation)
        {
            throw Unusable(backward, forward);
        }

        _state = Consumed;
        SplitLease.Return(_lease);
        _lease = null;
    }

    /// <summary>
    /// Called by <c>MSaved.Dispose</c>: true when the state still owns its storage (filled and never read), which the
    /// caller then returns; false when <c>MBackward</c> (of this state or of a copy) has already returned it, or it was
    /// disposed before. Disposing twice is allowed.
    /// </summary>
    public bool Release()
    {
        bool owns = _state == Filled && _lease!.Generation == _generation;
        if (owns)
        {
            SplitLease.Return(_lease!);
        }

        _lease = null;
        _state = _state == 0 ? (byte)0 : Disposed;
        return owns;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly System.InvalidOperationException Unusable(string backward, string forward)
    {
        string what = _state switch
        {
            0 => $"the saved state was never filled (it is default)",
            Consumed => $"{backward} already ran on this saved state",
            Disposed => $"this saved state was disposed",
            _ => $"a copy of this saved state was already passed to {backward} or disposed",
        };
        string expected = $"a saved state is read by exactly one {backward}, after the {forward} that filled it (out saved) "
            + $"and before it is disposed; run {forward} again for another backward pass";
        return _state == Disposed
            ? new System.ObjectDisposedException(backward, $"{backward}: {what}. Expected {expected}.")
            : new System.InvalidOperationException($"{backward}: {what}. Expected {expected}.");
    }
}

/// <summary>
/// The shared part of a <see cref="SplitGuard"/>: a generation that moves on each time a state is read or disposed.
/// Pooled per thread (a lease returned on another thread joins that thread's pool, up to a bound).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SplitLease
{
    private const int MaxPooled = 4096;

    [System.ThreadStatic]
    private static SplitLease? t_free;

    [System.ThreadStatic]
    private static int t_count;

    private SplitLease? _next;

    private SplitLease()
    {
    }

    /// <summary>Moves on each time the lease is returned: a guard that remembers an older generation is stale.</summary>
    public int Generation { get; private set; }

    internal static SplitLease Rent()
    {
        SplitLease? lease = t_free;
        if (lease is null)
        {
            return new SplitLease();
        }

        t_free = lease._next;
        t_count--;
        lease._next = null;
        return lease;
    }

    internal static void Return(SplitLease lease)
    {
        lease.Generation++;
        if (t_count < MaxPooled)
        {
            lease._next = t_free;
            t_free = lease;
            t_count++;
        }
    }
}
