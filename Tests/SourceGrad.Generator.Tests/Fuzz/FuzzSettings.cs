using System.Globalization;

namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>
/// How many programs to check. CI uses the defaults (a fixed seed); a long run sets
/// SOURCEGRAD_FUZZ_COUNT (e.g. 20000), and optionally SOURCEGRAD_FUZZ_SEED, SOURCEGRAD_FUZZ_FIRST (the index of the
/// first program, to rerun one program alone), SOURCEGRAD_FUZZ_BATCH (programs per compilation),
/// SOURCEGRAD_FUZZ_SHRINK (how many failures to shrink, 0 for none), SOURCEGRAD_FUZZ_SHRINK_SECONDS (time for each)
/// and SOURCEGRAD_FUZZ_LOG (a file that gets the progress and every failure as the run goes).
/// </summary>
internal sealed record FuzzSettings(ulong Seed, long First, int Count, int BatchSize, int Shrink, int ShrinkSeconds, string? LogPath)
{
    public const ulong DefaultSeed = 20250601;

    public const int DefaultCount = 500;

    public static FuzzSettings FromEnvironment() => new(
        Read("SOURCEGRAD_FUZZ_SEED", DefaultSeed, ulong.Parse),
        Read("SOURCEGRAD_FUZZ_FIRST", 0L, long.Parse),
        Read("SOURCEGRAD_FUZZ_COUNT", DefaultCount, int.Parse),
        Read("SOURCEGRAD_FUZZ_BATCH", 125, int.Parse),
        Read("SOURCEGRAD_FUZZ_SHRINK", 1, int.Parse),
        Read("SOURCEGRAD_FUZZ_SHRINK_SECONDS", 90, int.Parse),
        Environment.GetEnvironmentVariable("SOURCEGRAD_FUZZ_LOG") is { Length: > 0 } log ? log : null);

    private static T Read<T>(string name, T fallback, Func<string, IFormatProvider, T> parse)
    {
        string? text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        try
        {
            return parse(text.Trim(), CultureInfo.InvariantCulture);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"{name} is '{text}', which is not a valid {typeof(T).Name}", name, e);
        }
    }
}
