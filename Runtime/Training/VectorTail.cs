using System.Numerics;

namespace SourceGrad;

/// <summary>
/// Lets an element-wise kernel run its one vector formula on the last, partial vector of a span too: the tail is
/// copied into a zero-padded vector and the lanes that exist are copied back, so there is no second, scalar formula.
/// </summary>
internal static class VectorTail
{
    public static Vector<float> Load(ReadOnlySpan<float> tail)
    {
        Span<float> padded = stackalloc float[Vector<float>.Count];
        padded.Clear();
        tail.CopyTo(padded);
        return new Vector<float>(padded);
    }

    public static void Store(Vector<float> vector, Span<float> tail)
    {
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        vector.CopyTo(lanes);
        lanes[..tail.Length].CopyTo(tail);
    }
}
