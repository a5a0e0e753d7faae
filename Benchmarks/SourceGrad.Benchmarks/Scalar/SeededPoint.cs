namespace SourceGrad.Benchmarks.Scalar;

/// <summary>Deterministic benchmark inputs.</summary>
public static class SeededPoint
{
    public static double[] Uniform(int length, long seed, double low, double high)
    {
        var random = new SeededRandom(seed);
        var values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = random.NextDouble(low, high);
        }

        return values;
    }
}
