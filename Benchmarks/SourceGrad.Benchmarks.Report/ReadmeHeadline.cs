using System.Globalization;
using System.Text;

namespace SourceGrad.Benchmarks.Report;

/// <summary>
/// The headline of a report for the README: one line per DESIGN.md target, written between two marker comments
/// so that the rest of the README is never touched.
/// </summary>
public static class ReadmeHeadline
{
    public const string Start = "<!-- benchmark headline: written by Benchmarks/report.sh -->";
    public const string End = "<!-- end of benchmark headline -->";

    /// <summary>Replaces the text between the markers of <paramref name="readme"/> with the headline of <paramref name="results"/>.</summary>
    public static string Replace(string readme, ResultSet results, string reportLink)
    {
        int start = readme.IndexOf(Start, StringComparison.Ordinal);
        int end = readme.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new ArgumentException($"The README has no '{Start}' … '{End}' block to write the headline into.", nameof(readme));
        }

        return readme[..(start + Start.Length)] + "\n" + Write(results, reportLink) + readme[end..];
    }

    private static string Write(ResultSet results, string reportLink)
    {
        string machine = results.Host is { } host ? $"{host.Processor}, {host.LogicalCores} logical cores" : "an unrecorded machine";
        var text = new StringBuilder();
        text.Append("Measured ").Append(results.MeasuredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))
            .Append(" UTC on ").Append(machine).Append("; ratios from one run ([the full report](").Append(reportLink)
            .Append(") has every time, the conditions and why a target is missed).\n\n");
        text.Append("| Target (DESIGN.md) | Result |\n|---|---|\n");
        foreach (TargetVerdict verdict in Targets.Judge(results))
        {
            text.Append("| ").Append(verdict.Target).Append(" | ").Append(verdict.StatusLabel).Append(": ").Append(verdict.Explanation).Append(" |\n");
        }

        return text.ToString();
    }
}
