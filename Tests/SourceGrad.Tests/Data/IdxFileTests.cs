using System.IO.Compression;
using SourceGrad.Data;

namespace SourceGrad.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static IdxFile Sample() => IdxFile.FromBytes(Enumerable.Range(0, 24).Select(i => (byte)(i * 10)).ToArray(), 2, 3, 4);

    [Theory]
    [InlineData("sample.idx")]
    [InlineData("sample.idx.gz")]
    public void Round_trips_raw_and_gzipped(string name)
    {
        string path = _temp.File(name);
        Sample().Write(path);

        IdxFile read = IdxFile.Read(path);

        Assert.Equal(IdxDataType.UnsignedByte, read.DataType);
        Assert.Equal([2, 3, 4], read.Dimensions);
        Assert.Equal(Sample().Data, read.Data);
        Assert.Equal(24, read.ElementCount);
        Assert.Equal(Path.GetFullPath(path), read.SourcePath);
        byte[] onDisk = File.ReadAllBytes(path);
        Assert.Equal(name.EndsWith(".gz"), onDisk[0] == 0x1F && onDisk[1] == 0x8B);
    }

    [Fact]
    public void Writes_the_standard_header()
    {
        string path = _temp.File("header.idx");
        IdxFile.FromBytes([7, 8, 9], 3).Write(path);

        Assert.Equal([0, 0, 0x08, 1, 0, 0, 0, 3, 7, 8, 9], File.ReadAllBytes(path));
    }

    [Fact]
    public void Recognises_gzip_by_its_magic_not_the_name()
    {
        string path = _temp.File("looks-raw.idx");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            Sample().Write(gzip);

        Assert.Equal(Sample().Data, IdxFile.Read(path).Data);
    }

    [Fact]
    public void Reads_from_a_stream_that_cannot_seek()
    {
        var buffer = new MemoryStream();
        Sample().Write(buffer);
        using var forwardOnly = new ForwardOnlyStream(buffer.ToArray());

        Assert.Equal(Sample().Data, IdxFile.Read(forwardOnly, "memory").Data);
    }

    [Fact]
    public void Converts_every_element_type_to_float()
    {
        Assert.Equal([-2f, 127], new IdxFile(IdxDataType.SignedByte, [2], [0xFE, 0x7F]).ToSingle());
        Assert.Equal([-2f, 258], new IdxFile(IdxDataType.Int16, [2], [0xFF, 0xFE, 0x01, 0x02]).ToSingle());
        Assert.Equal([16909060f], new IdxFile(IdxDataType.Int32, [1], [1, 2, 3, 4]).ToSingle());
        Assert.Equal([1.5f], new IdxFile(IdxDataType.Single, [1], [0x3F, 0xC0, 0, 0]).ToSingle());
        Assert.Equal([-0.75f], new IdxFile(IdxDataType.Double, [1], [0xBF, 0xE8, 0, 0, 0, 0, 0, 0]).ToSingle());
        Assert.Equal([200f], IdxFile.FromBytes([200], 1).ToSingle());
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        string path = _temp.File("absent.idx");
        var error = Assert.Throws<FileNotFoundException>(() => IdxFile.Read(path));
        Assert.Equal(path, error.FileName);
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 1, 5 }, "found 504B0304")] // a zip file
    [InlineData(new byte[] { 0, 0, 0x07, 1, 0, 0, 0, 1, 5 }, "found 00000701")] // unknown type code
    [InlineData(new byte[] { 0, 0, 0x08, 0, 5 }, "found 00000800")] // rank 0
    public void A_bad_magic_number_says_what_was_expected_and_found(byte[] content, string found)
    {
        string path = _temp.File("bad.idx");
        File.WriteAllBytes(path, content);

        var error = Assert.Throws<IdxFormatException>(() => IdxFile.Read(path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
        Assert.Contains("expected an IDX magic number 00 00 <type> <rank>", error.Message);
        Assert.Contains(found, error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_truncated_file_says_how_many_bytes_are_missing(bool gzipped)
    {
        byte[] raw = [0, 0, 0x08, 2, 0, 0, 0, 3, 0, 0, 0, 4, 1, 2, 3, 4, 5]; // header promises 12 bytes, has 5
        string path = _temp.File("short.idx");
        WriteMaybeGzipped(path, raw, gzipped);

        var error = Assert.Throws<IdxFormatException>(() => IdxFile.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("truncated: expected 12 bytes of data bytes for UnsignedByte [3 × 4], found 5", error.Message);
    }

    [Fact]
    public void A_truncated_header_is_reported()
    {
        string path = _temp.File("header-only.idx");
        File.WriteAllBytes(path, [0, 0, 0x08, 3, 0, 0, 0, 3]);

        var error = Assert.Throws<IdxFormatException>(() => IdxFile.Read(path));

        Assert.Contains("expected 12 bytes of the sizes of 3 dimensions, found 4", error.Message);
    }

    [Fact]
    public void An_empty_file_is_reported()
    {
        string path = _temp.File("empty.idx");
        File.WriteAllBytes(path, []);

        Assert.Contains("expected 4 bytes of the 4-byte IDX magic number, found 0", Assert.Throws<IdxFormatException>(() => IdxFile.Read(path)).Message);
    }

    [Fact]
    public void Bytes_after_the_data_are_reported()
    {
        string path = _temp.File("long.idx");
        File.WriteAllBytes(path, [0, 0, 0x08, 1, 0, 0, 0, 2, 1, 2, 3]);

        var error = Assert.Throws<IdxFormatException>(() => IdxFile.Read(path));

        Assert.Contains("declares UnsignedByte [2], 2 data bytes, but the file has more bytes after them", error.Message);
    }

    [Fact]
    public void A_corrupt_gzip_stream_is_reported()
    {
        string path = _temp.File("corrupt.idx.gz");
        Sample().Write(path);
        byte[] bytes = File.ReadAllBytes(path);
        for (int i = 12; i < bytes.Length - 8; i++)
            bytes[i] ^= 0x5A;
        File.WriteAllBytes(path, bytes);

        var error = Assert.ThrowsAny<IOException>(() => IdxFile.Read(path));

        Assert.IsType<IdxFormatException>(error);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void The_constructor_checks_the_length()
    {
        Assert.Equal("data", Assert.Throws<ArgumentException>(() => IdxFile.FromBytes(new byte[5], 2, 3)).ParamName);
        Assert.Equal("dimensions", Assert.Throws<ArgumentException>(() => IdxFile.FromBytes([])).ParamName);
        Assert.Equal("dataType", Assert.ThrowsAny<ArgumentException>(() => new IdxFile((IdxDataType)7, [1], [0])).ParamName);
    }

    private static void WriteMaybeGzipped(string path, byte[] raw, bool gzipped)
    {
        if (!gzipped)
        {
            File.WriteAllBytes(path, raw);
            return;
        }
        using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gzip.Write(raw);
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
