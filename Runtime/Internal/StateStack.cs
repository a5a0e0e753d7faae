using System.Buffers;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace SourceGrad.Internal;

/// <summary>
/// The growable stack a generated gradient keeps a callee's split-mode saved states on when it calls the callee in a
/// loop: pushed in the forward sweep (one per call), popped in reverse order in the reverse sweep, where each is read by
/// the callee's backward pass. Storage comes from <see cref="ArrayPool{T}"/> and goes back in <see cref="Dispose"/>, so a
/// steady-state gradient call allocates nothing; a popped slot is cleared so the pool keeps no reference to a state.
/// Used by generated code; not meant to be called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct StateStack<T> : IDisposable
    where T : struct, IDisposable
{
    private const int InitialCapacity = 16;
    private T[]? _items;
    private int _count;

    /// <summary>The number of states on the stack.</summary>
    public readonly int Count => _count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(T value)
    {
        T[]? items = _items;
        int count = _count;
        if (items is null || (uint)count >= (uint)items.Length)
        {
            Grow();
            items = _items!;
        }

        items[count] = value;
        _count = count + 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Pop()
    {
        int count = --_count;
        T value = _items![count];
        _items[count] = default;
        return value;
    }

    /// <summary>
    /// Disposes the states no backward pass popped (an exception between the sweeps) and returns the storage; after a
    /// reverse sweep that popped them all it only returns the storage.
    /// </summary>
    public void Dispose()
    {
        if (_items is not null)
        {
            for (int i = 0; i < _count; i++)
            {
                _items[i].Dispose();
            }

            ArrayPool<T>.Shared.Return(_items, clearArray: true);
            _items = null;
        }

        _count = 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow()
    {
        T[] larger = ArrayPool<T>.Shared.Rent(_items is null ? InitialCapacity : _items.Length * 2);
        if (_items is not null)
        {
            _items.AsSpan(0, _count).CopyTo(larger);
            ArrayPool<T>.Shared.Return(_items, clearArray: true);
        }

        _items = larger;
    }
}
