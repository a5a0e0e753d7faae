namespace SourceGrad.Data;

/// <summary>
/// Walks a data set in minibatches, copying each batch into buffers the caller owns (nothing is allocated per batch).
/// Each epoch visits every image once, in an order shuffled by the given <see cref="SeededRandom"/> (or in stored order
/// without one), so the same seed gives the same batches on every machine.
/// <code>
/// var batches = new MinibatchIterator(training, batchSize: 64, new SeededRandom(42));
/// var x = new float[64 * MnistDataSet.PixelsPerImage]; var y = new int[64];
/// for (int epoch = 0; epoch &lt; 10; epoch++)
///     while (batches.NextBatch(x, y, out int count)) { /* train on the first count images */ }
/// </code>
/// </summary>
public sealed class MinibatchIterator
{
    private readonly MnistDataSet _data;
    private readonly SeededRandom? _random;
    private readonly int[] _order;
    private int _position = -1; // -1: the next call starts an epoch

    /// <param name="data">The images and labels to iterate.</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="random">Shuffles the order at the start of each epoch; null keeps the stored order.</param>
    /// <param name="dropLast">Skip the last batch of an epoch when it would be smaller than <paramref name="batchSize"/>.</param>
    public MinibatchIterator(MnistDataSet data, int batchSize, SeededRandom? random = null, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize <= 0 || batchSize > data.Count)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be in [1, {data.Count}] (the data set's size), but was {batchSize}.");
        _data = data;
        _random = random;
        BatchSize = batchSize;
        DropLast = dropLast;
        _order = new int[data.Count];
    }

    public int BatchSize { get; }

    public bool DropLast { get; }

    /// <summary>Batches per epoch, counting a smaller last batch unless <see cref="DropLast"/>.</summary>
    public int BatchesPerEpoch => DropLast ? _data.Count / BatchSize : (_data.Count + BatchSize - 1) / BatchSize;

    /// <summary>The number of epochs started so far.</summary>
    public int Epoch { get; private set; }

    /// <summary>The image indices of the current epoch in visiting order.</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>
    /// Copies the next batch's images into <paramref name="images"/> (<see cref="BatchSize"/> × 784 floats) and its labels
    /// into <paramref name="labels"/> (<see cref="BatchSize"/> ints), and sets <paramref name="count"/> to the number of
    /// images copied (the last batch of an epoch may be smaller; the rest of the buffers is left as it was).
    /// Returns false, copying nothing, at the end of an epoch; the call after that starts the next epoch.
    /// </summary>
    public bool NextBatch(Span<float> images, Span<int> labels, out int count)
    {
        if (images.Length < BatchSize * MnistDataSet.PixelsPerImage)
            throw new ArgumentException($"images must hold {BatchSize} × {MnistDataSet.PixelsPerImage} = {BatchSize * MnistDataSet.PixelsPerImage} floats, but holds {images.Length}.", nameof(images));
        if (labels.Length < BatchSize)
            throw new ArgumentException($"labels must hold {BatchSize} ints, but holds {labels.Length}.", nameof(labels));

        if (_position < 0)
            StartEpoch();
        int remaining = _data.Count - _position;
        if (remaining == 0 || (DropLast && remaining < BatchSize))
        {
            _position = -1;
            count = 0;
            return false;
        }

        count = Math.Min(BatchSize, remaining);
        ReadOnlySpan<float> allImages = _data.Images;
        for (int b = 0; b < count; b++)
        {
            int index = _order[_position + b];
            allImages.Slice(index * MnistDataSet.PixelsPerImage, MnistDataSet.PixelsPerImage)
                .CopyTo(images.Slice(b * MnistDataSet.PixelsPerImage, MnistDataSet.PixelsPerImage));
            labels[b] = _data.Labels[index];
        }
        _position += count;
        return true;
    }

    private void StartEpoch()
    {
        for (int i = 0; i < _order.Length; i++)
            _order[i] = i;
        _random?.Shuffle(_order.AsSpan());
        _position = 0;
        Epoch++;
    }
}
