using System.Buffers;
using System.ComponentModel;

namespace SourceGrad.Internal;

/// <summary>
/// A zeroed buffer rented from <see cref="ArrayPool{T}"/>: the adjoint of a local <c>new T[n]</c> buffer, or
/// the adjoint a generated gradient passes for an argument whose gradient nobody wants. Used by generated code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct PooledBuffer<T> : IDisposable
    where T : unmanaged
{
    private T[]? _array;
    private readonly int _length;

    public PooledBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _length = length;
        _array = ArrayPool<T>.Shared.Rent(Math.Max(length, 1));
        _array.AsSpan(0, length).Clear();
    }

    public readonly Span<T> Span => _array.AsSpan(0, _length);

    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<T>.Shared.Return(_array);
            _array = null;
        }
    }
}
