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

    /// <summary>Replaces the text between the markers of <paramref name="readme"/> with the headline of <paramref name="verdicts"/>.</summary>
    public static string Replace(string readme, IReadOnlyList<TargetVerdict> verdicts, DateTimeOffset measuredAt, string reportLink)
    {
        int start = readme.IndexOf(Start, StringComparison.Ordinal);
        int end = readme.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new ArgumentException($"The README has no '{Start}' … '{End}' block to write the headline into.", nameof(readme));
        }

        return readme[..(start + Start.Length)] + "\n" + Write(verdicts, measuredAt, reportLink) + readme[end..];
    }

    public static string Write(IReadOnlyList<TargetVerdict> verdicts, DateTimeOffset measuredAt, string reportLink)
    {
        var text = new StringBuilder();
        text.Append("Measured ").Append(measuredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)).Append(" UTC").Append(" on this repository's 2-core CI-class machine; ratios from one run (")
            .Append("[the full report](").Append(reportLink).Append(") has every time, the machine and why a target is missed).\n\n");
        text.Append("| Target (DESIGN.md) | Result |\n|---|---|\n");
        foreach (TargetVerdict verdict in verdicts)
        {
            string status = verdict.Status switch
            {
                TargetStatus.Met => "met",
                TargetStatus.Missed => "**missed**",
                _ => "not measured",
            };
            text.Append("| ").Append(verdict.Target).Append(" | ").Append(status).Append(": ").Append(MarkdownReport.StripStatus(verdict.Verdict)).Append(" |\n");
        }

        return text.ToString();
    }
}
