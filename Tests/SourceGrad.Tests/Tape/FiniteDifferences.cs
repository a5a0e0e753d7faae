namespace SourceGrad.Tests.Tape;

/// <summary>Central finite differences and a deterministic generator for the tape tests.</summary>
internal static class FiniteDifferences
{
    /// <summary>(f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h for every i; restores x.</summary>
    public static double[] Gradient(Func<double[], double> f, double[] x, double step = 1e-6)
    {
        var gradient = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double saved = x[i];
            x[i] = saved + step;
            double plus = f(x);
            x[i] = saved - step;
            double minus = f(x);
            x[i] = saved;
            gradient[i] = (plus - minus) / (2 * step);
        }

        return gradient;
    }

    /// <summary>The same in float, evaluated in place on the array a tape reads.</summary>
    public static float[] Gradient(Func<float> f, float[] x, float step = 1e-3f)
    {
        var gradient = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            float saved = x[i];
            x[i] = saved + step;
            double plus = f();
            x[i] = saved - step;
            double minus = f();
            x[i] = saved;
            gradient[i] = (float)((plus - minus) / (2 * step));
        }

        return gradient;
    }

    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = Math.Max(1, Math.Abs(expected[i]));
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= tolerance * scale,
                $"{what}[{i}]: expected {expected[i]}, tape gave {actual[i]}");
        }
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        var expectedDoubles = new double[expected.Length];
        var actualDoubles = new double[actual.Length];
        for (int i = 0; i < expected.Length; i++)
        {
            expectedDoubles[i] = expected[i];
        }

        for (int i = 0; i < actual.Length; i++)
        {
            actualDoubles[i] = actual[i];
        }

        AssertClose(expectedDoubles, actualDoubles, tolerance, what);
    }
}

/// <summary>SplitMix64: the same numbers on every machine and runtime.</summary>
internal sealed class TestRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [low, high).</summary>
    public double Uniform(double low, double high) => low + (high - low) * ((NextUInt64() >> 11) * (1.0 / (1UL << 53)));

    public float[] Floats(int count, double low, double high)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)Uniform(low, high);
        }

        return values;
    }

    public int[] Labels(int count, int classes)
    {
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (int)(NextUInt64() % (ulong)classes);
        }

        return labels;
    }
}
