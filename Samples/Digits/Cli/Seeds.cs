namespace SourceGrad.Samples.Digits.Cli;

/// <summary>
/// One --seed gives each use of randomness its own stream, so changing, say, the number of epochs does not change the
/// initial weights. (<see cref="SeededRandom"/> mixes its seed through SplitMix64, so neighbouring seeds give unrelated streams.)
/// </summary>
internal static class Seeds
{
    public static SeededRandom Initialization(long seed) => new(seed);

    public static long Shuffling(long seed) => unchecked(seed + 1);

    public static SeededRandom TrainingMasks(long seed) => new(unchecked(seed + 2));

    public static SeededRandom TestMasks(long seed) => new(unchecked(seed + 3));

    public static long Shifting(long seed) => unchecked(seed + 5);

    public static SeededRandom ToyData(long seed) => new(unchecked(seed + 4));
}
