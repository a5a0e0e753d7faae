namespace SourceGrad.Data;

/// <summary>
/// Handwritten digits: 28×28 grey images as floats in [0, 1] (0 background, 1 ink), row-major, one after another in
/// <see cref="Images"/>, with their digits in <see cref="Labels"/>. <see cref="LoadDefault"/> reads the 10,000 digits
/// shipped in Samples/data; <see cref="Load"/> reads any pair of IDX files, such as the full MNIST.
/// </summary>
public sealed class MnistDataSet
{
    public const int ImageRows = 28;
    public const int ImageColumns = 28;
    public const int PixelsPerImage = ImageRows * ImageColumns;
    public const int ClassCount = 10;

    /// <summary>The shipped images file (in Samples/data).</summary>
    public const string DefaultImagesFileName = "digits-images-idx3-ubyte.gz";

    /// <summary>The shipped labels file (in Samples/data).</summary>
    public const string DefaultLabelsFileName = "digits-labels-idx1-ubyte.gz";

    /// <summary>The size of the training part of the shipped set's fixed split; the other 2,000 digits are the test part.</summary>
    public const int DefaultTrainingCount = 8000;

    /// <summary>A data set from normalised images (<c>labels.Length × 784</c> floats) and labels 0–9.</summary>
    public MnistDataSet(float[] images, byte[] labels)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if ((long)labels.Length * PixelsPerImage != images.Length)
            throw new ArgumentException($"images must hold {PixelsPerImage} floats per label: {(long)labels.Length * PixelsPerImage} for {labels.Length} labels, but has {images.Length}.", nameof(images));
        int bad = Array.FindIndex(labels, label => label >= ClassCount);
        if (bad >= 0)
            throw new ArgumentException($"Labels must be digits 0–{ClassCount - 1}, but labels[{bad}] is {labels[bad]}.", nameof(labels));
        Images = images;
        Labels = labels;
    }

    /// <summary>All images, <see cref="PixelsPerImage"/> floats each, in [0, 1].</summary>
    public float[] Images { get; }

    /// <summary>The digit of each image.</summary>
    public byte[] Labels { get; }

    /// <summary>The number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The <paramref name="index"/>-th image, 28 rows of 28 pixels.</summary>
    public ReadOnlySpan<float> GetImage(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Images.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }

    /// <summary>
    /// Reads an images file (unsigned bytes, dimensions [n, 28, 28]) and a labels file (unsigned bytes, [n], digits 0–9),
    /// raw or gzipped, and scales the pixels to [0, 1].
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="IdxFormatException">A file is not such an IDX file, or the counts differ.</exception>
    public static MnistDataSet Load(string imagesPath, string labelsPath)
    {
        IdxFile images = IdxFile.Read(imagesPath);
        IdxFile labels = IdxFile.Read(labelsPath);
        string imagesSource = images.SourcePath!;
        string labelsSource = labels.SourcePath!;

        if (images.DataType != IdxDataType.UnsignedByte || images.Rank != 3 || images.Dimensions[1] != ImageRows || images.Dimensions[2] != ImageColumns)
            throw new IdxFormatException(imagesSource, $"expected images as UnsignedByte [n × {ImageRows} × {ImageColumns}], found {images.DataType} [{string.Join(" × ", images.Dimensions)}].");
        if (labels.DataType != IdxDataType.UnsignedByte || labels.Rank != 1)
            throw new IdxFormatException(labelsSource, $"expected labels as UnsignedByte [n], found {labels.DataType} [{string.Join(" × ", labels.Dimensions)}].");
        if (images.Dimensions[0] != labels.Dimensions[0])
            throw new IdxFormatException(labelsSource, $"expected one label per image of '{imagesSource}' ({images.Dimensions[0]}), found {labels.Dimensions[0]} labels.");
        int bad = Array.FindIndex(labels.Data, label => label >= ClassCount);
        if (bad >= 0)
            throw new IdxFormatException(labelsSource, $"expected digits 0–{ClassCount - 1} as labels, found {labels.Data[bad]} at index {bad}.");

        var pixels = new float[images.Data.Length];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = images.Data[i] * (1f / 255);
        return new MnistDataSet(pixels, labels.Data);
    }

    /// <summary>
    /// Reads the shipped 10,000 digits (<see cref="DefaultImagesFileName"/>, <see cref="DefaultLabelsFileName"/>) from
    /// <paramref name="directory"/>; when it is null, from the first of: the application's folder, its "data" subfolder,
    /// and "Samples/data" in the application's folder, the current folder or any folder above them.
    /// </summary>
    public static MnistDataSet LoadDefault(string? directory = null)
    {
        if (directory is not null)
            return Load(Path.Combine(directory, DefaultImagesFileName), Path.Combine(directory, DefaultLabelsFileName));

        List<string> searched = DefaultDirectoryCandidates().ToList();
        string? found = searched.FirstOrDefault(d => File.Exists(Path.Combine(d, DefaultImagesFileName)) && File.Exists(Path.Combine(d, DefaultLabelsFileName)));
        if (found is null)
        {
            throw new FileNotFoundException(
                $"The shipped digits ({DefaultImagesFileName}, {DefaultLabelsFileName}) were not found. Looked in: {string.Join("; ", searched)}. " +
                "Pass the folder that holds them (the repository's Samples/data), or copy them next to the application.",
                DefaultImagesFileName);
        }
        return LoadDefault(found);
    }

    /// <summary>The first <paramref name="trainingCount"/> images for training and the rest for testing (the shipped set is ordered so both parts hold every digit).</summary>
    public (MnistDataSet Training, MnistDataSet Test) Split(int trainingCount = DefaultTrainingCount)
    {
        if (trainingCount < 0 || trainingCount > Count)
            throw new ArgumentOutOfRangeException(nameof(trainingCount), trainingCount, $"trainingCount must be in [0, {Count}], but was {trainingCount}.");
        return (Slice(0, trainingCount), Slice(trainingCount, Count - trainingCount));
    }

    /// <summary>A copy of <paramref name="count"/> images and labels from <paramref name="start"/> on.</summary>
    public MnistDataSet Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"start + count must be <= Count ({Count}), but is {start} + {count}.");
        return new MnistDataSet(
            Images.AsSpan(start * PixelsPerImage, count * PixelsPerImage).ToArray(),
            Labels.AsSpan(start, count).ToArray());
    }

    /// <summary>How many images of each digit there are (index = digit).</summary>
    public int[] CountPerClass()
    {
        var counts = new int[ClassCount];
        foreach (byte label in Labels)
            counts[label]++;
        return counts;
    }

    public override string ToString() => $"{Count} digits ({string.Join(' ', CountPerClass().Select((n, digit) => $"{digit}:{n}"))})";

    private static IEnumerable<string> DefaultDirectoryCandidates()
    {
        string appDirectory = AppContext.BaseDirectory;
        yield return appDirectory;
        yield return Path.Combine(appDirectory, "data");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string start in new[] { appDirectory, Directory.GetCurrentDirectory() })
        {
            for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, "Samples", "data");
                if (seen.Add(candidate))
                    yield return candidate;
            }
        }
    }
}
