using SourceGrad.Data;

namespace SourceGrad.Tests.Data;

public sealed class MnistDataSetTests : IDisposable
{
    private static readonly Lazy<MnistDataSet> Shipped = new(() => MnistDataSet.LoadDefault());
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_shipped_set_has_10000_digits_of_every_class()
    {
        MnistDataSet data = Shipped.Value;

        Assert.Equal(10_000, data.Count);
        Assert.Equal(10_000 * 784, data.Images.Length);
        Assert.Equal([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978], data.CountPerClass());
        Assert.All(data.Images, p => Assert.InRange(p, 0f, 1f));
        double meanInk = data.Images.Average(p => (double)p);
        Assert.InRange(meanInk, 0.10, 0.16); // MNIST's mean pixel is about 0.13
    }

    [Fact]
    public void The_fixed_split_has_every_digit_in_both_parts()
    {
        var (training, test) = Shipped.Value.Split();

        Assert.Equal(8000, training.Count);
        Assert.Equal(2000, test.Count);
        Assert.Equal([801, 902, 793, 826, 784, 690, 811, 856, 755, 782], training.CountPerClass());
        Assert.Equal([200, 225, 198, 206, 196, 173, 203, 214, 189, 196], test.CountPerClass());
        Assert.Equal(Shipped.Value.GetImage(8000).ToArray(), test.GetImage(0).ToArray());
    }

    [Fact]
    public void Load_reads_any_pair_of_IDX_files()
    {
        var (images, labels) = WritePair(count: 3, labelCount: 3);

        MnistDataSet data = MnistDataSet.Load(images, labels);

        Assert.Equal(3, data.Count);
        Assert.Equal([0, 1, 2], data.Labels);
        Assert.Equal(255 / 255f, data.GetImage(1)[1]);
        Assert.Equal(0f, data.GetImage(1)[0]);
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        var (images, labels) = WritePair(count: 3, labelCount: 2);

        var error = Assert.Throws<IdxFormatException>(() => MnistDataSet.Load(images, labels));

        Assert.Equal(labels, error.FilePath);
        Assert.Contains("expected one label per image", error.Message);
        Assert.Contains("(3), found 2 labels", error.Message);
    }

    [Fact]
    public void Images_must_be_28_by_28_bytes()
    {
        string images = _temp.File("images.idx");
        IdxFile.FromBytes(new byte[2 * 27 * 28], 2, 27, 28).Write(images);
        string labels = _temp.File("labels.idx");
        IdxFile.FromBytes([1, 2], 2).Write(labels);

        var error = Assert.Throws<IdxFormatException>(() => MnistDataSet.Load(images, labels));

        Assert.Equal(images, error.FilePath);
        Assert.Contains("expected images as UnsignedByte [n × 28 × 28], found UnsignedByte [2 × 27 × 28]", error.Message);
    }

    [Fact]
    public void Labels_must_be_digits()
    {
        var (images, _) = WritePair(count: 2, labelCount: 2);
        string labels = _temp.File("labels-bad.idx");
        IdxFile.FromBytes([3, 10], 2).Write(labels);

        var error = Assert.Throws<IdxFormatException>(() => MnistDataSet.Load(images, labels));

        Assert.Contains("found 10 at index 1", error.Message);
    }

    [Fact]
    public void LoadDefault_names_the_folder_it_could_not_read()
    {
        var error = Assert.Throws<FileNotFoundException>(() => MnistDataSet.LoadDefault(_temp.Path));
        Assert.Contains(_temp.Path, error.Message);
    }

    [Fact]
    public void The_constructor_checks_its_arrays()
    {
        Assert.Equal("images", Assert.Throws<ArgumentException>(() => new MnistDataSet(new float[783], [1])).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => new MnistDataSet(new float[784], [12])).ParamName);
        Assert.Equal("trainingCount", Assert.ThrowsAny<ArgumentException>(() => new MnistDataSet(new float[784], [1]).Split(2)).ParamName);
    }

    /// <summary>Image i has pixel i set to 255; label i is i.</summary>
    private (string Images, string Labels) WritePair(int count, int labelCount)
    {
        var pixels = new byte[count * 784];
        for (int i = 0; i < count; i++)
            pixels[i * 784 + i] = 255;
        string images = _temp.File("images.idx.gz");
        IdxFile.FromBytes(pixels, count, 28, 28).Write(images);
        string labels = _temp.File("labels.idx");
        IdxFile.FromBytes(Enumerable.Range(0, labelCount).Select(i => (byte)i).ToArray(), labelCount).Write(labels);
        return (images, labels);
    }
}
