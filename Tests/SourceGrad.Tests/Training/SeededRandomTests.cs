namespace SourceGrad.Tests.Training;

/// <summary>The expected numbers come from an independent implementation of SplitMix64 + xoshiro256** (Python, exact integers).</summary>
public class SeededRandomTests
{
    [Fact]
    public void First_values_are_the_xoshiro256starstar_sequence()
    {
        var rng = new SeededRandom(42);
        Assert.Equal(1546998764402558742UL, rng.NextUInt64());
        Assert.Equal(6990951692964543102UL, rng.NextUInt64());
        Assert.Equal(12544586762248559009UL, rng.NextUInt64());
        Assert.Equal(17057574109182124193UL, rng.NextUInt64());

        var negative = new SeededRandom(-1);
        Assert.Equal(10328197420357168392UL, negative.NextUInt64());
        Assert.Equal(14156678507024973869UL, negative.NextUInt64());
    }

    [Fact]
    public void Doubles_and_floats_take_the_high_bits()
    {
        var rng = new SeededRandom(42);
        Assert.Equal(0.08386297105988216, rng.NextDouble());
        Assert.Equal(0.3789802506626686, rng.NextDouble());
        Assert.Equal(0.6800434110281394, rng.NextDouble());

        var floats = new SeededRandom(42);
        Assert.Equal(1406987 / 16777216f, floats.NextFloat());
        Assert.Equal(6358233 / 16777216f, floats.NextFloat());
        Assert.Equal(11409235 / 16777216f, floats.NextFloat());
    }

    [Fact]
    public void Bounded_integers_and_shuffles_are_fixed()
    {
        var rng = new SeededRandom(7);
        Assert.Equal([7, 2, 8, 9, 9, 8, 0, 1, 4, 1, 5, 7], Enumerable.Range(0, 12).Select(_ => rng.NextInt(10)));

        int[] items = Enumerable.Range(0, 10).ToArray();
        new SeededRandom(3).Shuffle(items.AsSpan());
        Assert.Equal([9, 4, 8, 0, 7, 2, 3, 1, 5, 6], items);
    }

    [Fact]
    public void Gaussians_follow_the_polar_method()
    {
        // The reference used the C library's log; ours is the portable one, equal to within an ulp or two.
        var rng = new SeededRandom(42);
        double[] expected = [-0.7262191382447857, -0.21119691823195985, 0.2216227015035933, 0.5227716877560146];
        foreach (double value in expected)
            Assert.Equal(value, rng.NextGaussian(), 14);
    }

    [Fact]
    public void Portable_log_matches_Math_Log()
    {
        var rng = new SeededRandom(11);
        double[] special = [1, 2, 0.5, Math.E, 1e-300, 5e-324, double.Epsilon * 3, 0.7071067811865476, 1.4142135623730951, 1 - 1e-16, 1e300];
        IEnumerable<double> samples = special.Concat(Enumerable.Range(0, 20000).Select(_ => rng.NextDouble() + 1e-12));
        foreach (double x in samples)
        {
            double expected = Math.Log(x);
            double actual = SeededRandom.PortableLog(x);
            Assert.True(Math.Abs(actual - expected) <= 4 * Math.Max(Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected), double.Epsilon),
                $"log({x:R}): expected {expected:R}, got {actual:R}");
        }
    }

    [Fact]
    public void Gaussian_moments_are_standard()
    {
        var rng = new SeededRandom(123);
        const int n = 200_000;
        double sum = 0, sumSquares = 0, sumCubes = 0;
        for (int i = 0; i < n; i++)
        {
            double g = rng.NextGaussian();
            sum += g;
            sumSquares += g * g;
            sumCubes += g * g * g;
        }
        Assert.InRange(sum / n, -0.01, 0.01);
        Assert.InRange(sumSquares / n, 0.99, 1.01);
        Assert.InRange(sumCubes / n, -0.03, 0.03);
    }

    [Fact]
    public void Bounded_integers_cover_the_range_evenly()
    {
        var rng = new SeededRandom(9);
        var counts = new int[7];
        for (int i = 0; i < 70_000; i++)
            counts[rng.NextInt(-3, 4) + 3]++;
        Assert.All(counts, c => Assert.InRange(c, 9_600, 10_400));
    }

    [Fact]
    public void Bad_bounds_name_the_argument()
    {
        var rng = new SeededRandom(1);
        Assert.Equal("maxExclusive", Assert.ThrowsAny<ArgumentException>(() => rng.NextInt(0)).ParamName);
        Assert.Equal("maxExclusive", Assert.ThrowsAny<ArgumentException>(() => rng.NextInt(5, 5)).ParamName);
        Assert.Equal("standardDeviation", Assert.ThrowsAny<ArgumentException>(() => rng.NextGaussian(0, -1)).ParamName);
    }
}
