using System.Buffers.Binary;
using System.IO.Compression;

namespace SourceGrad.Data;

/// <summary>The element type of an IDX file: the third byte of its magic number.</summary>
public enum IdxDataType : byte
{
    UnsignedByte = 0x08,
    SignedByte = 0x09,
    Int16 = 0x0B,
    Int32 = 0x0C,
    Single = 0x0D,
    Double = 0x0E,
}

/// <summary>
/// An IDX file (the format of the MNIST distribution): the magic number 00 00 &lt;type&gt; &lt;rank&gt;, one big-endian
/// 32-bit size per dimension, then the elements, big-endian, row-major. <see cref="Read(string)"/> takes raw or gzipped
/// files (gzip is recognised by its magic 1f 8b, not by the file name) and checks the header, the dimensions and the length.
/// </summary>
public sealed class IdxFile
{
    private const byte GzipMagic0 = 0x1F;
    private const byte GzipMagic1 = 0x8B;

    /// <summary>An IDX array from its parts; <paramref name="data"/> is the payload as stored in a file (big-endian elements).</summary>
    public IdxFile(IdxDataType dataType, int[] dimensions, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(data);
        if (!Enum.IsDefined(dataType))
            throw new ArgumentOutOfRangeException(nameof(dataType), dataType, $"dataType must be one of {string.Join(", ", Enum.GetNames<IdxDataType>())}, but was 0x{(byte)dataType:X2}.");
        if (dimensions.Length is 0 or > byte.MaxValue)
            throw new ArgumentException($"An IDX array has 1 to 255 dimensions, but {dimensions.Length} were given.", nameof(dimensions));
        if (dimensions.Any(d => d < 0))
            throw new ArgumentException($"Dimensions must be >= 0, but are [{string.Join(", ", dimensions)}].", nameof(dimensions));
        long expected = PayloadLength(dataType, dimensions);
        if (data.LongLength != expected)
            throw new ArgumentException($"Dimensions [{string.Join(", ", dimensions)}] of {dataType} need {expected} data bytes, but {data.Length} were given.", nameof(data));

        DataType = dataType;
        Dimensions = (int[])dimensions.Clone();
        Data = data;
    }

    /// <summary>The element type.</summary>
    public IdxDataType DataType { get; }

    /// <summary>The size of each dimension, outermost first.</summary>
    public int[] Dimensions { get; }

    /// <summary>The payload as stored in the file: <see cref="ElementCount"/> big-endian elements, row-major.</summary>
    public byte[] Data { get; }

    /// <summary>The number of dimensions.</summary>
    public int Rank => Dimensions.Length;

    /// <summary>The number of elements: the product of the dimensions.</summary>
    public int ElementCount => Data.Length / ElementSize(DataType);

    /// <summary>Where this array was read from, when it was read from a file.</summary>
    public string? SourcePath { get; private init; }

    /// <summary>An unsigned-byte IDX array (the MNIST images and labels) of the given dimensions.</summary>
    public static IdxFile FromBytes(byte[] data, params int[] dimensions) => new(IdxDataType.UnsignedByte, dimensions, data);

    /// <summary>Reads a raw or gzipped IDX file.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="IdxFormatException">The file is not IDX, is truncated, or has bytes after the data.</exception>
    public static IdxFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
            throw new FileNotFoundException($"IDX file not found: '{fullPath}'. Expected a raw or gzipped IDX file there.", fullPath);
        using FileStream file = File.OpenRead(fullPath);
        return Read(file, fullPath);
    }

    /// <summary>Reads a raw or gzipped IDX array from a stream; <paramref name="sourceName"/> names it in error messages.</summary>
    public static IdxFile Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        if (!stream.CanSeek)
        {
            // Peeking at the gzip magic needs to go back two bytes.
            var buffered = new MemoryStream();
            stream.CopyTo(buffered);
            buffered.Position = 0;
            stream = buffered;
        }

        long start = stream.Position;
        int first = stream.ReadByte();
        int second = stream.ReadByte();
        stream.Position = start;
        if (first == GzipMagic0 && second == GzipMagic1)
        {
            using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
            try
            {
                return ReadRaw(gzip, sourceName, "gzipped ");
            }
            catch (InvalidDataException e)
            {
                throw new IdxFormatException(sourceName, $"its gzip data is corrupt ({e.Message}).", e);
            }
        }
        return ReadRaw(stream, sourceName, "");
    }

    /// <summary>Writes the array as IDX; gzipped when <paramref name="path"/> ends in ".gz".</summary>
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using FileStream file = File.Create(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
            Write(gzip);
        }
        else
        {
            Write(file);
        }
    }

    /// <summary>Writes the array as raw IDX.</summary>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[4 + 4 * Rank];
        header[0] = 0;
        header[1] = 0;
        header[2] = (byte)DataType;
        header[3] = (byte)Rank;
        for (int d = 0; d < Rank; d++)
            BinaryPrimitives.WriteInt32BigEndian(header[(4 + 4 * d)..], Dimensions[d]);
        stream.Write(header);
        stream.Write(Data);
    }

    /// <summary>The elements converted to float, whatever the element type.</summary>
    public float[] ToSingle()
    {
        var result = new float[ElementCount];
        ReadOnlySpan<byte> data = Data;
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = DataType switch
            {
                IdxDataType.UnsignedByte => data[i],
                IdxDataType.SignedByte => (sbyte)data[i],
                IdxDataType.Int16 => BinaryPrimitives.ReadInt16BigEndian(data[(2 * i)..]),
                IdxDataType.Int32 => BinaryPrimitives.ReadInt32BigEndian(data[(4 * i)..]),
                IdxDataType.Single => BinaryPrimitives.ReadSingleBigEndian(data[(4 * i)..]),
                _ => (float)BinaryPrimitives.ReadDoubleBigEndian(data[(8 * i)..]),
            };
        }
        return result;
    }

    public override string ToString() => $"IDX {DataType} [{string.Join(" × ", Dimensions)}]" + (SourcePath is null ? "" : $" from '{SourcePath}'");

    /// <summary>The bytes per element of <paramref name="dataType"/>.</summary>
    public static int ElementSize(IdxDataType dataType) => dataType switch
    {
        IdxDataType.UnsignedByte or IdxDataType.SignedByte => 1,
        IdxDataType.Int16 => 2,
        IdxDataType.Int32 or IdxDataType.Single => 4,
        IdxDataType.Double => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, $"0x{(byte)dataType:X2} is not an IDX data type."),
    };

    private static long PayloadLength(IdxDataType dataType, ReadOnlySpan<int> dimensions)
    {
        if (dimensions.Contains(0))
            return 0;
        long length = ElementSize(dataType);
        foreach (int dimension in dimensions)
        {
            // Stop multiplying once past what an array can hold (callers reject that), so the product cannot overflow.
            if (length <= Array.MaxLength)
                length *= dimension;
        }
        return length;
    }

    private static IdxFile ReadRaw(Stream stream, string source, string compression)
    {
        Span<byte> magic = stackalloc byte[4];
        ReadExactly(stream, magic, source, $"the 4-byte {compression}IDX magic number");
        bool knownType = Enum.IsDefined((IdxDataType)magic[2]);
        if (magic[0] != 0 || magic[1] != 0 || !knownType || magic[3] == 0)
        {
            throw new IdxFormatException(source,
                $"expected an IDX magic number 00 00 <type> <rank> (type 08, 09, 0B, 0C, 0D or 0E; rank >= 1){(compression.Length > 0 ? " in the gzipped data" : "")}, " +
                $"found {Convert.ToHexString(magic)}.");
        }

        var dataType = (IdxDataType)magic[2];
        int rank = magic[3];
        Span<byte> sizeBytes = stackalloc byte[4 * rank];
        ReadExactly(stream, sizeBytes, source, $"the sizes of {rank} dimensions");
        var dimensions = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(sizeBytes[(4 * d)..]);
            if (size > int.MaxValue)
                throw new IdxFormatException(source, $"dimension {d} has size {size}, larger than this reader supports ({int.MaxValue}).");
            dimensions[d] = (int)size;
        }

        long length = PayloadLength(dataType, dimensions);
        string shape = $"{dataType} [{string.Join(" × ", dimensions)}]";
        if (length > Array.MaxLength)
            throw new IdxFormatException(source, $"the header declares {shape}, {length} data bytes, more than an array can hold.");

        var data = new byte[length];
        ReadExactly(stream, data, source, $"data bytes for {shape}");
        if (stream.ReadByte() >= 0)
            throw new IdxFormatException(source, $"the header declares {shape}, {length} data bytes, but the {compression}file has more bytes after them.");

        return new IdxFile(dataType, dimensions, data) { SourcePath = source };
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string source, string what)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = stream.Read(buffer[total..]);
            if (read == 0)
                throw new IdxFormatException(source, $"it is truncated: expected {buffer.Length} bytes of {what}, found {total}.");
            total += read;
        }
    }
}

/// <summary>An IDX file (or a pair of them) is not what the reader expected; the message names the file, what was expected and what was found.</summary>
public sealed class IdxFormatException : IOException
{
    public IdxFormatException(string path, string problem, Exception? innerException = null)
        : base($"'{path}' is not a valid IDX file: {problem}", innerException)
    {
        FilePath = path;
    }

    /// <summary>The file (or stream name) the problem is in.</summary>
    public string FilePath { get; }
}
