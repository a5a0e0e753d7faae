namespace SourceGrad.Samples.Digits.Training;

/// <summary>Peak signal-to-noise ratio of images with pixels in [0, 1]: 10·log10(1 / MSE), in decibels; higher is closer.</summary>
internal static class Psnr
{
    /// <summary>The PSNR of <paramref name="image"/> against <paramref name="reference"/> from their mean squared difference over all pixels.</summary>
    public static double Compute(ReadOnlySpan<float> image, ReadOnlySpan<float> reference)
    {
        if (image.Length != reference.Length || image.Length == 0)
            throw new ArgumentException($"image and reference must have the same, non-zero length, but have {image.Length} and {reference.Length}.", nameof(image));
        double sum = 0;
        for (int i = 0; i < image.Length; i++)
        {
            double difference = image[i] - reference[i];
            sum += difference * difference;
        }
        return FromMeanSquaredError(sum / image.Length);
    }

    public static double FromMeanSquaredError(double meanSquaredError) => 10 * Math.Log10(1 / meanSquaredError);
}
