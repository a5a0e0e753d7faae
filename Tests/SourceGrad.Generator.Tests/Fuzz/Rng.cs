using CsCheck;

namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>Convenience draws from a CsCheck <see cref="PCG"/> stream.</summary>
internal sealed class Rng(PCG pcg)
{
    public int Next(int exclusiveMax) => exclusiveMax <= 1 ? 0 : (int)pcg.Next((uint)exclusiveMax);

    public int Between(int low, int highInclusive) => low + Next(highInclusive - low + 1);

    public double NextDouble() => (pcg.Next64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>An index drawn with the given relative weights (zero weights are never drawn).</summary>
    public int Weighted(params int[] weights)
    {
        int total = weights.Sum();
        int draw = Next(total);
        for (int i = 0; i < weights.Length; i++)
        {
            if (draw < weights[i])
            {
                return i;
            }

            draw -= weights[i];
        }

        throw new InvalidOperationException("all weights are zero");
    }

    /// <summary>
    /// A PCG stream for item <paramref name="index"/> of the run with seed <paramref name="seed"/>, mixed
    /// (SplitMix64) so neighbouring items get unrelated streams and any one item can be regenerated alone.
    /// </summary>
    public static PCG Stream(ulong seed, long index)
    {
        ulong z = seed + 0x9E3779B97F4A7C15UL * (ulong)(index + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return new PCG((uint)(z >> 33) | 1, z);
    }
}
