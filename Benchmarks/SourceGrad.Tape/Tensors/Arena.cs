namespace SourceGrad.Tape;

/// <summary>A slice of an arena chunk (or of a caller's array): where one tensor's numbers live.</summary>
internal readonly struct Segment<T>(T[] array, int offset, int length)
    where T : unmanaged
{
    public readonly T[] Array = array;
    public readonly int Offset = offset;
    public readonly int Length = length;

    public bool IsEmpty => Array is null;

    public Span<T> Span => Array.AsSpan(Offset, Length);
}

/// <summary>
/// A bump allocator over a list of chunks that never move, so a segment handed out stays valid until
/// <see cref="Reset"/>. Reset rewinds to the first chunk and keeps them all: a training step that records the
/// same operations every time allocates only during its first step.
/// </summary>
internal sealed class Arena<T>
    where T : unmanaged
{
    private readonly List<T[]> _chunks = [];
    private readonly int _chunkLength;
    private int _chunk;
    private int _used;

    public Arena(int chunkLength)
    {
        _chunkLength = chunkLength;
        _chunks.Add(new T[chunkLength]);
    }

    /// <summary>Returns <paramref name="length"/> elements; their contents are whatever the last use left.</summary>
    public Segment<T> Allocate(int length)
    {
        if (_used + length > _chunks[_chunk].Length)
        {
            NextChunk(length);
        }

        var segment = new Segment<T>(_chunks[_chunk], _used, length);
        _used += length;
        return segment;
    }

    public void Reset()
    {
        _chunk = 0;
        _used = 0;
    }

    private void NextChunk(int length)
    {
        _chunk++;
        _used = 0;
        int chunkLength = Math.Max(_chunkLength, length);
        if (_chunk == _chunks.Count)
        {
            _chunks.Add(new T[chunkLength]);
        }
        else if (_chunks[_chunk].Length < length)
        {
            // Chunks after the current one are unused since the last Reset, so this one can be replaced.
            _chunks[_chunk] = new T[chunkLength];
        }
    }
}
