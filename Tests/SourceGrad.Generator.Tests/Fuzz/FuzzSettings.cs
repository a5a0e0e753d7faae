using System.Globalization;

namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>
/// How many programs to check. CI uses the defaults (a fixed seed); a long run sets
/// SOURCEGRAD_FUZZ_COUNT (e.g. 20000), and optionally SOURCEGRAD_FUZZ_SEED, SOURCEGRAD_FUZZ_FIRST (the index of the
/// first program, to rerun one program alone), SOURCEGRAD_FUZZ_BATCH (programs per compilation),
/// SOURCEGRAD_FUZZ_SHRINK (how many failures to shrink, 0 for none), SOURCEGRAD_FUZZ_SHRINK_SECONDS (time for each)
/// and SOURCEGRAD_FUZZ_LOG (a file that gets the progress and every failure as the run goes). With
/// SOURCEGRAD_FUZZ_LONG_BUFFERS=1 buffers hold 9 to 40 values instead of 0 to 5, so that loops over them are long enough
/// for whole vectors (8 doubles or 16 floats) and exercise the vectorised loops and their scalar tails.
/// </summary>
internal sealed record FuzzSettings(ulong Seed, long First, int Count, int BatchSize, int Shrink, int ShrinkSeconds, string? LogPath)
{
    public const ulong DefaultSeed = 20250601;

    public const int DefaultCount = 500;

    /// <summary>Whether buffers are long enough for the vectorised loops (SOURCEGRAD_FUZZ_LONG_BUFFERS=1).</summary>
    public static bool LongBuffers { get; } = Environment.GetEnvironmentVariable("SOURCEGRAD_FUZZ_LONG_BUFFERS") == "1";

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
