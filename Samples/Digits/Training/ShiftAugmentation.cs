using SourceGrad.Data;

namespace SourceGrad.Samples.Digits.Training;

/// <summary>
/// Moves each training digit by a random whole number of pixels, up to <see cref="MaxShift"/> in each direction (the
/// uncovered border becomes background). A digit moved by a pixel or two is the same digit, so the network sees more
/// varied examples and generalises better from a small training set. Seeded, so the same seed gives the same shifts.
/// </summary>
internal sealed class ShiftAugmentation
{
    private const int Side = MnistDataSet.ImageColumns;
    private readonly SeededRandom _random;
    private readonly float[] _original = new float[MnistDataSet.PixelsPerImage];

    public ShiftAugmentation(int maxShift, SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxShift);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(maxShift, Side);
        ArgumentNullException.ThrowIfNull(random);
        MaxShift = maxShift;
        _random = random;
    }

    public int MaxShift { get; }

    /// <summary>Shifts each of the first <paramref name="count"/> images in <paramref name="images"/> in place.</summary>
    public void Apply(Span<float> images, int count)
    {
        for (int i = 0; i < count; i++)
        {
            int dx = _random.NextInt(-MaxShift, MaxShift + 1);
            int dy = _random.NextInt(-MaxShift, MaxShift + 1);
            Shift(images.Slice(i * MnistDataSet.PixelsPerImage, MnistDataSet.PixelsPerImage), dx, dy);
        }
    }

    /// <summary>Moves the picture <paramref name="dx"/> pixels right and <paramref name="dy"/> pixels down.</summary>
    private void Shift(Span<float> image, int dx, int dy)
    {
        if (dx == 0 && dy == 0)
            return;
        image.CopyTo(_original);
        image.Clear();
        for (int row = Math.Max(0, dy); row < Math.Min(Side, Side + dy); row++)
        {
            int fromColumn = Math.Max(0, -dx), toColumn = Math.Max(0, dx);
            _original.AsSpan((row - dy) * Side + fromColumn, Side - Math.Abs(dx)).CopyTo(image.Slice(row * Side + toColumn));
        }
    }
}
