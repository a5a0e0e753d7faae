using System.Globalization;

namespace SourceGrad.Samples.Digits.Cli;

/// <summary>Number formats shared by every command's output (invariant culture, so logs read the same everywhere).</summary>
internal static class Format
{
    public static string Percent(double fraction) => (100 * fraction).ToString("F2", CultureInfo.InvariantCulture) + "%";

    public static string Number(double value, int decimals = 4) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    public static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s";

    public static string Decibels(double value) => value.ToString("F2", CultureInfo.InvariantCulture) + " dB";

    /// <summary>A change in decibels, always with its sign.</summary>
    public static string DecibelChange(double value) => (value >= 0 ? "+" : "") + Decibels(value);
}
