using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace SourceGrad.Internal;

/// <summary>
/// The part of a buffer a loop reads, taken once before the loop: <c>w.Slice(j * n, n)</c>, indexed by the loop's counter
/// alone, so the JIT can drop the bounds checks inside it. Empty when the loop runs no iteration (where the start may lie
/// past the end, and the loop would touch nothing). Used by generated code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Rows
{
    /// <summary>The <paramref name="length"/> elements from <paramref name="start"/> on, or an empty span when <paramref name="length"/> ≤ 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<T> Of<T>(Span<T> buffer, int start, int length) =>
        length > 0 ? buffer.Slice(start, length) : default;

    /// <inheritdoc cref="Of{T}(Span{T}, int, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<T> Of<T>(ReadOnlySpan<T> buffer, int start, int length) =>
        length > 0 ? buffer.Slice(start, length) : default;
}
