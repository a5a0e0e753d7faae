using SourceGrad.Benchmarks.Report;

// Reads a results directory left by Benchmarks/report.sh and writes docs/benchmarks.md and its chart.
// Arguments: --results DIR --mode quick|full --output FILE.md --chart FILE.png [--readme README.md]
Dictionary<string, string> options = ParseOptions(args);
string resultsDirectory = Required(options, "results");
string output = Required(options, "output");
string chart = Required(options, "chart");
string mode = options.GetValueOrDefault("mode", "full");
string notesPath = options.GetValueOrDefault("notes", Path.Combine(AppContext.BaseDirectory, "Notes.md"));

ResultSet results = ResultSet.Load(resultsDirectory);
if (results.Results.Count == 0)
{
    Console.Error.WriteLine($"No BenchmarkDotNet *-report-full.json under '{resultsDirectory}': nothing to report.");
    return 1;
}

RatioChart.Save(results, chart);
string chartLink = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(output))!, Path.GetFullPath(chart)).Replace('\\', '/');
string markdown = new MarkdownReport(results, Notes.Load(notesPath), mode, results.MeasuredAt, chartLink).Write();
File.WriteAllText(output, markdown);
if (options.TryGetValue("readme", out string? readme))
{
    // The README links the report: relative to the README's folder.
    string reportLink = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(readme))!, Path.GetFullPath(output)).Replace('\\', '/');
    File.WriteAllText(readme, ReadmeHeadline.Replace(File.ReadAllText(readme), results, reportLink));
    Console.WriteLine($"Wrote the headline into {readme}.");
}

Console.WriteLine($"Wrote {output} and {chart} from {results.Results.Count} benchmark cases.");
return 0;

static Dictionary<string, string> ParseOptions(string[] args)
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    for (int i = 0; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
        {
            throw new ArgumentException($"Expected '--name value' pairs, but argument {i} is '{args[i]}'.", nameof(args));
        }

        options[args[i][2..]] = args[++i];
    }

    return options;
}

static string Required(Dictionary<string, string> options, string name) =>
    options.TryGetValue(name, out string? value)
        ? value
        : throw new ArgumentException($"The option --{name} is required (--results DIR --output FILE.md --chart FILE.png [--mode quick|full]).", nameof(options));
