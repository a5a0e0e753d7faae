using System.Buffers;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace SourceGrad.Internal;

/// <summary>
/// The growable stack a generated gradient keeps the values its reverse sweep needs on: pushed in the forward
/// sweep, popped in reverse order in the reverse sweep. Storage comes from <see cref="ArrayPool{T}"/> and goes
/// back in <see cref="Dispose"/>, so a steady-state gradient call allocates nothing.
/// Used by generated code; not meant to be called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct SaveStack<T> : IDisposable
    where T : unmanaged
{
    private const int InitialCapacity = 256;
    private T[]? _items;
    private int _count;

    /// <summary>The number of values on the stack.</summary>
    public readonly int Count => _count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(T value)
    {
        T[]? items = _items;
        int count = _count;
        if (items is null || (uint)count >= (uint)items.Length)
        {
            PushSlow(value);
            return;
        }

        items[count] = value;
        _count = count + 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Pop() => _items![--_count];

    /// <summary>Pushes a whole span (a buffer's contents before it is overwritten).</summary>
    public void PushRange(ReadOnlySpan<T> values)
    {
        EnsureCapacity(_count + values.Length);
        values.CopyTo(_items.AsSpan(_count));
        _count += values.Length;
    }

    /// <summary>Pops <paramref name="destination"/>.Length values, pushed by <see cref="PushRange"/>, into it.</summary>
    public void PopRange(Span<T> destination)
    {
        PeekRange(destination);
        _count -= destination.Length;
    }

    /// <summary>Copies the top <paramref name="destination"/>.Length values into it without popping them.</summary>
    public readonly void PeekRange(Span<T> destination) => PeekRange(destination, 0);

    /// <summary>
    /// Copies <paramref name="destination"/>.Length values that lie <paramref name="depth"/> values below the top
    /// into it, without popping anything (a buffer saved before others that were pushed after it).
    /// </summary>
    public readonly void PeekRange(Span<T> destination, int depth) =>
        _items.AsSpan(_count - depth - destination.Length, destination.Length).CopyTo(destination);

    public void Dispose()
    {
        if (_items is not null)
        {
            ArrayPool<T>.Shared.Return(_items);
            _items = null;
        }

        _count = 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushSlow(T value)
    {
        EnsureCapacity(_count + 1);
        _items![_count++] = value;
    }

    private void EnsureCapacity(int required)
    {
        if (_items is not null && _items.Length >= required)
        {
            return;
        }

        int capacity = Math.Max(InitialCapacity, Math.Max(required, (_items?.Length ?? 0) * 2));
        T[] grown = ArrayPool<T>.Shared.Rent(capacity);
        if (_items is not null)
        {
            _items.AsSpan(0, _count).CopyTo(grown);
            ArrayPool<T>.Shared.Return(_items);
        }

        _items = grown;
    }
}
