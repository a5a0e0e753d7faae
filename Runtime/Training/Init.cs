namespace SourceGrad;

/// <summary>
/// Weight initialisers for a layer with <c>fanIn</c> inputs and <c>fanOut</c> outputs, as PyTorch's
/// <c>torch.nn.init</c> (He = Kaiming with the ReLU gain √2, mode fan_in). The same generator state gives the same weights on every machine.
/// </summary>
public static class Init
{
    /// <summary>Glorot/Xavier uniform: U(−a, a) with a = gain · √(6 / (fanIn + fanOut)); variance gain² · 2 / (fanIn + fanOut).</summary>
    public static void XavierUniform(Span<float> weights, int fanIn, int fanOut, SeededRandom rng, double gain = 1)
    {
        CheckFans(fanIn, fanOut);
        Require.NonNegative(gain);
        Uniform(weights, gain * Math.Sqrt(6.0 / ((double)fanIn + fanOut)), rng);
    }

    /// <summary>Glorot/Xavier normal: N(0, σ²) with σ = gain · √(2 / (fanIn + fanOut)).</summary>
    public static void XavierNormal(Span<float> weights, int fanIn, int fanOut, SeededRandom rng, double gain = 1)
    {
        CheckFans(fanIn, fanOut);
        Require.NonNegative(gain);
        Normal(weights, 0, gain * Math.Sqrt(2.0 / ((double)fanIn + fanOut)), rng);
    }

    /// <summary>He/Kaiming uniform for ReLU layers: U(−a, a) with a = √(6 / fanIn); variance 2 / fanIn. <paramref name="fanOut"/> is only checked.</summary>
    public static void HeUniform(Span<float> weights, int fanIn, int fanOut, SeededRandom rng)
    {
        CheckFans(fanIn, fanOut);
        Uniform(weights, Math.Sqrt(6.0 / fanIn), rng);
    }

    /// <summary>He/Kaiming normal for ReLU layers: N(0, σ²) with σ = √(2 / fanIn). <paramref name="fanOut"/> is only checked.</summary>
    public static void HeNormal(Span<float> weights, int fanIn, int fanOut, SeededRandom rng)
    {
        CheckFans(fanIn, fanOut);
        Normal(weights, 0, Math.Sqrt(2.0 / fanIn), rng);
    }

    /// <summary>Uniform values in [−<paramref name="bound"/>, <paramref name="bound"/>).</summary>
    public static void Uniform(Span<float> weights, double bound, SeededRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Require.NonNegative(bound);
        for (int i = 0; i < weights.Length; i++)
            weights[i] = (float)(bound * (2 * rng.NextDouble() - 1));
    }

    /// <summary>Normal values with the given mean and standard deviation.</summary>
    public static void Normal(Span<float> weights, double mean, double standardDeviation, SeededRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Require.Finite(mean);
        Require.NonNegative(standardDeviation);
        for (int i = 0; i < weights.Length; i++)
            weights[i] = (float)(mean + standardDeviation * rng.NextGaussian());
    }

    private static void CheckFans(int fanIn, int fanOut)
    {
        if (fanIn <= 0)
            throw new ArgumentOutOfRangeException(nameof(fanIn), fanIn, $"fanIn must be > 0, but was {fanIn}.");
        if (fanOut <= 0)
            throw new ArgumentOutOfRangeException(nameof(fanOut), fanOut, $"fanOut must be > 0, but was {fanOut}.");
    }
}
