using SourceGrad.Data;

namespace SourceGrad.Samples.Digits.Models;

/// <summary>How pixels of a digit are hidden from the inpainting network.</summary>
internal enum MaskKind
{
    /// <summary>A square of <see cref="MaskSettings.Size"/>×<see cref="MaskSettings.Size"/> pixels at a random place near the centre.</summary>
    Square,

    /// <summary>Each pixel is hidden with probability <see cref="MaskSettings.Fraction"/>.</summary>
    Pixels,
}

/// <summary>The mask to apply: a square of a given side, or a fraction of random pixels.</summary>
internal sealed record MaskSettings(MaskKind Kind, int Size, double Fraction)
{
    public override string ToString() => Kind == MaskKind.Square
        ? $"a {Size}×{Size} square hidden at a random place"
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{100 * Fraction:0.#}% of the pixels hidden at random");
}

/// <summary>
/// Makes masks for 28×28 digits: 1 where a pixel is visible, 0 where it is hidden. Every mask comes from the generator's
/// own <see cref="SeededRandom"/>, so the same seed gives the same masks in the same order.
/// </summary>
internal sealed class MaskGenerator(MaskSettings settings, SeededRandom random)
{
    private const int Side = MnistDataSet.ImageColumns;

    public MaskSettings Settings { get; } = settings;

    /// <summary>Fills <paramref name="visible"/> (whole images of 784 values) with one fresh mask per image.</summary>
    public void Fill(Span<float> visible)
    {
        if (visible.Length % MnistDataSet.PixelsPerImage != 0)
            throw new ArgumentException($"visible must hold whole images of {MnistDataSet.PixelsPerImage} values, but holds {visible.Length}.", nameof(visible));
        for (int start = 0; start < visible.Length; start += MnistDataSet.PixelsPerImage)
            FillOne(visible.Slice(start, MnistDataSet.PixelsPerImage));
    }

    private void FillOne(Span<float> visible)
    {
        visible.Fill(1);
        if (Settings.Kind == MaskKind.Pixels)
        {
            for (int i = 0; i < visible.Length; i++)
            {
                if (random.NextDouble() < Settings.Fraction)
                    visible[i] = 0;
            }
            return;
        }

        // The square stays inside the central 20×20 pixels, where MNIST puts the ink, so it always hides part of the digit.
        const int margin = 4;
        int size = Settings.Size;
        int top = margin + random.NextInt(Math.Max(1, Side - 2 * margin - size + 1));
        int left = margin + random.NextInt(Math.Max(1, Side - 2 * margin - size + 1));
        for (int row = top; row < Math.Min(Side, top + size); row++)
            visible.Slice(row * Side + left, Math.Min(size, Side - left)).Clear();
    }
}

/// <summary>
/// Digits with masks applied, ready for the inpainting network: the masked pixels (hidden ones set to 0, the
/// background), the masks, and the network's input, which is each masked image followed by its mask, so the
/// network can tell a hidden pixel from a blank one.
/// </summary>
internal sealed class MaskedDigits
{
    private MaskedDigits(int count, int capacity)
    {
        Count = count;
        Masked = new float[capacity * MnistDataSet.PixelsPerImage];
        Visible = new float[capacity * MnistDataSet.PixelsPerImage];
        NetworkInput = new float[capacity * InputsPerImage];
    }

    /// <summary>The network's input values per image: the masked pixels, then the mask.</summary>
    public const int InputsPerImage = 2 * MnistDataSet.PixelsPerImage;

    public int Count { get; private set; }

    public float[] Masked { get; }

    public float[] Visible { get; }

    public float[] NetworkInput { get; }

    /// <summary>Masks all of <paramref name="images"/> with fresh masks from <paramref name="masks"/>.</summary>
    public static MaskedDigits Create(ReadOnlySpan<float> images, MaskGenerator masks)
    {
        int count = images.Length / MnistDataSet.PixelsPerImage;
        var digits = new MaskedDigits(count, count);
        digits.Mask(images, count, masks);
        return digits;
    }

    /// <summary>A reusable buffer for up to <paramref name="capacity"/> digits (see <see cref="Mask"/>).</summary>
    public static MaskedDigits WithCapacity(int capacity) => new(0, capacity);

    /// <summary>Masks the first <paramref name="count"/> of <paramref name="images"/> into this buffer with fresh masks.</summary>
    public void Mask(ReadOnlySpan<float> images, int count, MaskGenerator masks)
    {
        const int Pixels = MnistDataSet.PixelsPerImage;
        Count = count;
        masks.Fill(Visible.AsSpan(0, count * Pixels));
        for (int n = 0; n < count; n++)
        {
            ReadOnlySpan<float> image = images.Slice(n * Pixels, Pixels);
            Span<float> visible = Visible.AsSpan(n * Pixels, Pixels);
            Span<float> masked = Masked.AsSpan(n * Pixels, Pixels);
            for (int i = 0; i < Pixels; i++)
                masked[i] = image[i] * visible[i];
            masked.CopyTo(NetworkInput.AsSpan(n * InputsPerImage, Pixels));
            visible.CopyTo(NetworkInput.AsSpan(n * InputsPerImage + Pixels, Pixels));
        }
    }

    /// <summary>The inpainted digits: the visible pixels as they are, the hidden ones from <paramref name="prediction"/>.</summary>
    public float[] Inpaint(ReadOnlySpan<float> prediction)
    {
        var result = new float[Count * MnistDataSet.PixelsPerImage];
        for (int i = 0; i < result.Length; i++)
            result[i] = Visible[i] != 0 ? Masked[i] : prediction[i];
        return result;
    }
}
