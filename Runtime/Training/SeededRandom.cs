namespace SourceGrad;

/// <summary>
/// A seeded pseudo-random generator that gives the same numbers on every machine, runtime and .NET version:
/// xoshiro256** (Blackman and Vigna) seeded through SplitMix64, with every derived value (doubles, floats, bounded
/// integers, Gaussians, shuffles) computed by fixed IEEE arithmetic. <see cref="System.Random"/>'s algorithm is unspecified
/// and has changed between .NET versions, so it cannot make an experiment repeatable.
/// </summary>
public sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareGaussian;
    private bool _hasSpareGaussian;

    /// <summary>Starts the sequence for <paramref name="seed"/> (any value, negative ones included).</summary>
    public SeededRandom(long seed)
    {
        Seed = seed;
        ulong state = (ulong)seed;
        _s0 = SplitMix64(ref state);
        _s1 = SplitMix64(ref state);
        _s2 = SplitMix64(ref state);
        _s3 = SplitMix64(ref state);
    }

    /// <summary>The seed the generator was made with.</summary>
    public long Seed { get; }

    /// <summary>The next 64 random bits (xoshiro256**).</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>The next 32 random bits (the high half of <see cref="NextUInt64"/>, the better half).</summary>
    public uint NextUInt32() => (uint)(NextUInt64() >> 32);

    /// <summary>A uniform double in [0, 1): 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform float in [0, 1): 24 random bits.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>A uniform double in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double NextDouble(double low, double high)
    {
        Require.Finite(low);
        Require.Finite(high);
        if (!(high >= low))
            throw new ArgumentOutOfRangeException(nameof(high), high, $"high must be >= low ({low}), but was {high}.");
        return low + (high - low) * NextDouble();
    }

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, $"maxExclusive must be > 0, but was {maxExclusive}.");
        return (int)NextBelow((uint)maxExclusive);
    }

    /// <summary>A uniform integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    public int NextInt(int minInclusive, int maxExclusive)
    {
        if (maxExclusive <= minInclusive)
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, $"maxExclusive must be > minInclusive ({minInclusive}), but was {maxExclusive}.");
        return (int)(minInclusive + NextBelow((uint)((long)maxExclusive - minInclusive)));
    }

    /// <summary>
    /// A standard normal sample (mean 0, standard deviation 1) by Marsaglia's polar method; each pair of samples costs
    /// one logarithm, the second is kept for the next call.
    /// </summary>
    public double NextGaussian()
    {
        if (_hasSpareGaussian)
        {
            _hasSpareGaussian = false;
            return _spareGaussian;
        }

        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);

        // Not Math.Log: its last bit may differ between C runtimes, and this value must not.
        double factor = Math.Sqrt(-2 * PortableLog(s) / s);
        _spareGaussian = v * factor;
        _hasSpareGaussian = true;
        return u * factor;
    }

    /// <summary>A normal sample with the given mean and standard deviation.</summary>
    public double NextGaussian(double mean, double standardDeviation)
    {
        Require.Finite(mean);
        Require.NonNegative(standardDeviation);
        return mean + standardDeviation * NextGaussian();
    }

    /// <summary>Puts <paramref name="items"/> in a uniformly random order (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)NextBelow((uint)i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Fills <paramref name="destination"/> with uniform floats in [0, 1).</summary>
    public void Fill(Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
            destination[i] = NextFloat();
    }

    public override string ToString() => $"SeededRandom(seed {Seed})";

    // Lemire, "Fast random integer generation in an interval" (2019): multiply, reject the few biased low products.
    private uint NextBelow(uint bound)
    {
        ulong product = (ulong)NextUInt32() * bound;
        uint low = (uint)product;
        if (low < bound)
        {
            uint threshold = (0u - bound) % bound;
            while (low < threshold)
            {
                product = (ulong)NextUInt32() * bound;
                low = (uint)product;
            }
        }
        return (uint)(product >> 32);
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// ln x for a positive finite x, by fixed IEEE arithmetic only, so the result is the same bits everywhere
    /// (within 2 ulp of the true value). x = m · 2ᵉ with m in [√½, √2); ln m = 2 atanh f with f = (m − 1)/(m + 1),
    /// |f| ≤ 0.1716, summed as the odd series 2f (1 + f²/3 + f⁴/5 + …) to far below double precision.
    /// </summary>
    internal static double PortableLog(double x)
    {
        const double Ln2High = 6.93147180369123816490e-01; // ln 2 split so that e · Ln2High is exact
        const double Ln2Low = 1.90821492927058770002e-10;
        const double Sqrt2 = 1.4142135623730951;
        const double SmallestNormal = 2.2250738585072014e-308;

        int exponentAdjust = 0;
        if (x < SmallestNormal)
        {
            x *= 1L << 54; // subnormal: scale into the normal range
            exponentAdjust = -54;
        }

        long bits = BitConverter.DoubleToInt64Bits(x);
        int exponent = (int)((bits >> 52) & 0x7FF) - 1023 + exponentAdjust;
        double mantissa = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
        if (mantissa > Sqrt2)
        {
            mantissa *= 0.5;
            exponent++;
        }

        double f = (mantissa - 1) / (mantissa + 1);
        double f2 = f * f;
        double series = 0; // f²/3 + f⁴/5 + … + f²⁴/25, by Horner's rule
        for (int k = 25; k >= 3; k -= 2)
            series = f2 * (1.0 / k + series);
        double lnMantissa = 2 * f + 2 * f * series;
        return exponent * Ln2High + (exponent * Ln2Low + lnMantissa);
    }
}
