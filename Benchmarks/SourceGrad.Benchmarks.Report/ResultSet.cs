using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SourceGrad.Benchmarks.Report;

/// <summary>One benchmark case from a BenchmarkDotNet full JSON report; times in nanoseconds per operation.</summary>
public sealed record BenchmarkResult(
    string Type, string Method, string Parameters, double MinNs, double MedianNs, double MeanNs, int Iterations, long? BytesPerOperation)
{
    /// <summary>Type.Method, then the parameters in brackets if any: <c>MlpStepBenchmarks.Generated[Batch=64]</c>.</summary>
    public string Key => BenchmarkKey(Type, Method, Parameters);

    public static string BenchmarkKey(string type, string method, string parameters = "") =>
        parameters.Length == 0 ? $"{type}.{method}" : $"{type}.{method}[{parameters}]";
}

/// <summary>The machine a report ran on, from BenchmarkDotNet's host information.</summary>
public sealed record HostInfo(
    string Processor, int PhysicalCores, int LogicalCores, string Os, string Runtime, string Sdk, string BenchmarkDotNet, string Job);

/// <summary>
/// Everything report.sh left in a results directory: BenchmarkDotNet's *-report-full.json files, its logs (with the
/// allocation-check and OpenBLAS lines the suites print) and load.tsv (the load average before each suite).
/// </summary>
public sealed partial class ResultSet
{
    private readonly Dictionary<string, BenchmarkResult> _results = new(StringComparer.Ordinal);

    private ResultSet()
    {
    }

    public HostInfo? Host { get; private set; }

    /// <summary>When the last suite finished: the newest JSON report's time.</summary>
    public DateTimeOffset MeasuredAt { get; private set; }

    public IReadOnlyCollection<BenchmarkResult> Results => _results.Values;

    /// <summary>Bytes each generated call allocated on its own thread (AllocationCheck), by benchmark key.</summary>
    public Dictionary<string, (long Bytes, int Calls)> ThreadAllocations { get; } = new(StringComparer.Ordinal);

    /// <summary>The bytes a checkpointing benchmark's gradients hold for their reverse sweeps, by "Type.Method" (its setup logs them).</summary>
    public Dictionary<string, long> SavedBytes { get; } = new(StringComparer.Ordinal);

    /// <summary>The kernel family OpenBLAS chose, when the matrix-product suite ran.</summary>
    public string? OpenBlasCore { get; private set; }

    /// <summary>(label, load average) pairs, in the order report.sh recorded them.</summary>
    public List<(string Label, string Load)> LoadAverages { get; } = [];

    /// <summary>Suites report.sh could not run, with the reason (e.g. the TorchSharp project did not build).</summary>
    public List<(string Suite, string Reason)> Skipped { get; } = [];

    public static ResultSet Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new ArgumentException($"The results directory '{directory}' does not exist.", nameof(directory));
        }

        var set = new ResultSet();
        foreach (string file in Directory.EnumerateFiles(directory, "*-report-full.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            set.ReadJson(file);
        }

        foreach (string file in Directory.EnumerateFiles(directory, "*.log", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            set.ReadLog(file);
        }

        set.ReadTable(Path.Combine(directory, "load.tsv"), set.LoadAverages);
        set.ReadTable(Path.Combine(directory, "skipped.tsv"), set.Skipped);
        return set;
    }

    /// <summary>Added to the type of a benchmark from the wall-clock run (see Benchmarks/Shared/ReportMode.cs).</summary>
    public const string WallClockTypeSuffix = " (wall clock)";

    public BenchmarkResult? Find(string type, string method, string parameters = "") =>
        _results.GetValueOrDefault(BenchmarkResult.BenchmarkKey(type, method, parameters));

    private void ReadJson(string file)
    {
        DateTimeOffset written = File.GetLastWriteTimeUtc(file);
        MeasuredAt = written > MeasuredAt ? written : MeasuredAt;
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(file));
        JsonElement root = document.RootElement;
        JsonElement host = root.GetProperty("HostEnvironmentInfo");
        foreach (JsonElement benchmark in root.GetProperty("Benchmarks").EnumerateArray())
        {
            if (!benchmark.TryGetProperty("Statistics", out JsonElement statistics) || statistics.ValueKind != JsonValueKind.Object)
            {
                continue; // a benchmark that failed has no statistics
            }

            // The wall-clock run of a suite (its multi-threaded cases) is kept apart from its CPU-time run.
            string job = JobOf(benchmark.GetProperty("DisplayInfo").GetString() ?? "");
            string type = benchmark.GetProperty("Type").GetString()!;
            if (job.Split('(')[0].EndsWith(ReportContract.WallClockJobSuffix, StringComparison.Ordinal))
            {
                type += WallClockTypeSuffix;
            }

            long? bytes = benchmark.TryGetProperty("Memory", out JsonElement memory) && memory.ValueKind == JsonValueKind.Object
                ? memory.GetProperty("BytesAllocatedPerOperation").GetInt64()
                : null;
            var result = new BenchmarkResult(
                type,
                benchmark.GetProperty("Method").GetString()!,
                benchmark.GetProperty("Parameters").GetString() ?? "",
                statistics.GetProperty("Min").GetDouble(),
                statistics.GetProperty("Median").GetDouble(),
                statistics.GetProperty("Mean").GetDouble(),
                statistics.GetProperty("N").GetInt32(),
                bytes);
            _results[result.Key] = result;
            Host ??= new HostInfo(
                host.GetProperty("ProcessorName").GetString() ?? "unknown",
                host.GetProperty("PhysicalCoreCount").GetInt32(),
                host.GetProperty("LogicalCoreCount").GetInt32(),
                host.GetProperty("OsVersion").GetString() ?? "unknown",
                host.GetProperty("RuntimeVersion").GetString() ?? "unknown",
                host.GetProperty("DotNetCliVersion").GetString() ?? "unknown",
                host.GetProperty("BenchmarkDotNetVersion").GetString() ?? "unknown",
                job);
        }
    }

    private void ReadLog(string file)
    {
        foreach (string line in File.ReadLines(file))
        {
            Match allocation = AllocationLine().Match(line);
            if (allocation.Success)
            {
                ThreadAllocations[allocation.Groups["key"].Value] = (
                    long.Parse(allocation.Groups["bytes"].Value, CultureInfo.InvariantCulture),
                    int.Parse(allocation.Groups["calls"].Value, CultureInfo.InvariantCulture));
                continue;
            }

            Match saved = SavedBytesLine().Match(line);
            if (saved.Success)
            {
                SavedBytes[saved.Groups["key"].Value] = long.Parse(saved.Groups["bytes"].Value, CultureInfo.InvariantCulture);
                continue;
            }

            Match core = OpenBlasLine().Match(line);
            if (core.Success)
            {
                OpenBlasCore = core.Groups["core"].Value;
            }
        }
    }

    private void ReadTable(string file, List<(string, string)> rows)
    {
        if (!File.Exists(file))
        {
            return;
        }

        foreach (string line in File.ReadLines(file).Where(line => line.Contains('\t', StringComparison.Ordinal)))
        {
            string[] cells = line.Split('\t', 2);
            rows.Add((cells[0].Trim(), cells[1].Trim()));
        }
    }

    /// <summary>"MlpStepBenchmarks.Generated: quick(Clock=..., ...) [Batch=1]" → "quick(Clock=..., ...)".</summary>
    private static string JobOf(string displayInfo)
    {
        int start = displayInfo.IndexOf(": ", StringComparison.Ordinal);
        int end = displayInfo.LastIndexOf(" [", StringComparison.Ordinal);
        return start < 0 ? displayInfo : displayInfo[(start + 2)..(end > start ? end : displayInfo.Length)];
    }

    [GeneratedRegex(@"// allocation check: (?<key>\S+): (?<bytes>\d+) B in (?<calls>\d+) calls")]
    private static partial Regex AllocationLine();

    [GeneratedRegex(@"// saved bytes: (?<key>\S+): (?<bytes>\d+) B")]
    private static partial Regex SavedBytesLine();

    [GeneratedRegex(@"// OpenBLAS core: (?<core>[^;]+);")]
    private static partial Regex OpenBlasLine();
}
