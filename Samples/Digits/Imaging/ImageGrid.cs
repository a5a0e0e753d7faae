using SkiaSharp;
using SourceGrad.Data;
using SourceGrad.Samples.Digits.Persistence;

namespace SourceGrad.Samples.Digits.Imaging;

/// <summary>
/// A PNG of 28×28 pictures in a grid, each pixel drawn as a <see cref="Scale"/>×<see cref="Scale"/> block, with a title,
/// optional column headings and a caption under each picture. Pixels are written directly, so the picture is exact.
/// </summary>
internal sealed class ImageGrid : IDisposable
{
    private const int Side = MnistDataSet.ImageColumns;
    private const int Gap = 8;
    private const int TitleHeight = 30;
    private const int HeadingHeight = 22;
    private const int CaptionHeight = 20;

    private readonly SKBitmap _bitmap;
    private readonly SKCanvas _canvas;
    private readonly SKFont _font;
    private readonly SKPaint _textPaint = new() { Color = SKColors.Black, IsAntialias = true };
    private readonly int _top;

    public ImageGrid(int rows, int columns, string title, IReadOnlyList<string>? columnHeadings = null, int scale = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        Rows = rows;
        Columns = columns;
        Scale = scale;
        _top = TitleHeight + (columnHeadings is null ? 0 : HeadingHeight);
        int width = Gap + columns * (CellSize + Gap);
        int height = _top + rows * (CellSize + CaptionHeight) + Gap;
        _bitmap = new SKBitmap(width, height);
        _canvas = new SKCanvas(_bitmap);
        _canvas.Clear(SKColors.White);
        _font = new SKFont(SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default, 15);

        DrawText(title, width / 2f, TitleHeight - 9, 17);
        for (int column = 0; columnHeadings is not null && column < Math.Min(columns, columnHeadings.Count); column++)
            DrawText(columnHeadings[column], CellLeft(column) + CellSize / 2f, _top - 6, 14);
    }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>The side of the square each image pixel becomes.</summary>
    public int Scale { get; }

    private int CellSize => Side * Scale;

    /// <summary>Draws a 28×28 image (784 values) into a cell, each value coloured by <paramref name="color"/>, with an optional caption below.</summary>
    public void Draw(int row, int column, ReadOnlySpan<float> image, Func<float, SKColor> color, string? caption = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
        if (image.Length != MnistDataSet.PixelsPerImage)
            throw new ArgumentException($"An image has {MnistDataSet.PixelsPerImage} values, but {image.Length} were given.", nameof(image));

        int left = CellLeft(column);
        int top = _top + row * (CellSize + CaptionHeight);
        using var paint = new SKPaint();
        for (int y = 0; y < Side; y++)
        {
            for (int x = 0; x < Side; x++)
            {
                paint.Color = color(image[y * Side + x]);
                _canvas.DrawRect(left + x * Scale, top + y * Scale, Scale, Scale, paint);
            }
        }
        using var border = new SKPaint { Color = new SKColor(200, 200, 200), Style = SKPaintStyle.Stroke };
        _canvas.DrawRect(left - 0.5f, top - 0.5f, CellSize + 1, CellSize + 1, border);
        if (caption is not null)
            DrawText(caption, left + CellSize / 2f, top + CellSize + CaptionHeight - 5, 13);
    }

    /// <summary>Writes the PNG (atomically, creating the folder if needed).</summary>
    public void Save(string path)
    {
        _canvas.Flush();
        using SKData png = _bitmap.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, png.SaveTo);
    }

    public void Dispose()
    {
        _textPaint.Dispose();
        _font.Dispose();
        _canvas.Dispose();
        _bitmap.Dispose();
    }

    private int CellLeft(int column) => Gap + column * (CellSize + Gap);

    private void DrawText(string text, float centerX, float baseline, float size)
    {
        _font.Size = size;
        _canvas.DrawText(text, centerX, baseline, SKTextAlign.Center, _font, _textPaint);
    }
}

/// <summary>Pixel colourings for <see cref="ImageGrid"/>.</summary>
internal static class PixelColors
{
    /// <summary>Ink on paper: 0 (background) is white, 1 (ink) is black.</summary>
    public static SKColor Ink(float value)
    {
        byte level = (byte)Math.Round(255 * (1 - Math.Clamp(value, 0f, 1f)));
        return new SKColor(level, level, level);
    }

    /// <summary>
    /// A diverging map centred on zero (cmocean "balance": blue for negative, white for zero, red for positive), scaled
    /// so ±<paramref name="maxAbs"/> get the darkest colours.
    /// </summary>
    public static Func<float, SKColor> Diverging(float maxAbs)
    {
        var colormap = new ScottPlot.Colormaps.Balance();
        float scale = maxAbs > 0 ? maxAbs : 1;
        return value =>
        {
            ScottPlot.Color c = colormap.GetColor(Math.Clamp(0.5 + 0.5 * value / scale, 0, 1));
            return new SKColor(c.R, c.G, c.B);
        };
    }
}
