using System.Globalization;
using System.Text;

namespace SourceGrad.Benchmarks.Report;

/// <summary>Writes docs/benchmarks.md from a result set: the conditions, the targets' verdicts and every suite's table.</summary>
public sealed class MarkdownReport(ResultSet results, Notes notes, string mode, DateTimeOffset date, string chartPath)
{
    private readonly Measurements _m = new(results);
    private readonly StringBuilder _text = new();

    public string Write()
    {
        List<TargetVerdict> verdicts = Targets.Judge(results);
        Line("# Benchmarks");
        Line();
        Line($"Written by `bash Benchmarks/report.sh{(mode == "quick" ? " --quick" : "")}` ({mode} run) from measurements of {date:yyyy-MM-dd HH:mm} UTC; "
            + "regenerate it rather than editing it (the explanations come from `Benchmarks/SourceGrad.Benchmarks.Report/Notes.md`).");
        Line();
        WriteConditions();
        WriteTargets(verdicts);
        WriteVectorizedComparison();
        Line($"![Each contender's time over the generated gradient's, per problem (log scale)]({chartPath})");
        Line();
        WriteScalarSuite();
        WriteMlpSuite();
        WriteMatMulSuite();
        WriteGeneratorSuite();
        WriteDataParallelSuite();
        WriteMissedTargetNotes(verdicts);
        if (notes["reading"] is { } reading)
        {
            Line("## Reading the numbers");
            Line();
            Line(reading);
            Line();
        }

        WriteHowToRun();
        return _text.ToString().TrimEnd() + "\n";
    }

    private void WriteConditions()
    {
        HostInfo? host = results.Host;
        Line("## Machine and conditions");
        Line();
        Line("| | |");
        Line("|---|---|");
        if (host is not null)
        {
            Line($"| CPU | {host.Processor}, {host.PhysicalCores} cores, {host.LogicalCores} logical{CpuDetail()} |");
            Line($"| OS | {host.Os} |");
            Line($"| .NET | {host.Runtime}, SDK {host.Sdk} |");
            Line($"| BenchmarkDotNet | {host.BenchmarkDotNet}, job `{host.Job}` |");
        }

        Line("| Clock | the benchmark thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), so time spent descheduled while other work runs is not counted |");
        Line("| Statistic | time = the minimum over the iterations (the least disturbed one); median beside it; ratios = contender ÷ generated, from one run |");
        if (results.LoadAverages.Count > 0)
        {
            Line($"| Load average (1, 5, 15 min) | {string.Join("; ", results.LoadAverages.Select(l => $"{l.Label}: {l.Load}"))} |");
        }

        foreach ((string suite, string reason) in results.Skipped)
        {
            Line($"| Skipped | {suite}: {reason} |");
        }

        Line($"| Date | {date:yyyy-MM-dd HH:mm} UTC |");
        Line();
        if (notes["conditions"] is { } conditions)
        {
            Line(conditions);
            Line();
        }
    }

    private static string CpuDetail()
    {
        const string CpuInfo = "/proc/cpuinfo";
        if (!File.Exists(CpuInfo))
        {
            return "";
        }

        string[] lines = File.ReadAllLines(CpuInfo);
        string? model = lines.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        string? flags = lines.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
        bool avx512 = flags?.Contains(" avx512f", StringComparison.Ordinal) == true;
        return $" ({model}; AVX-512F {(avx512 ? "yes" : "no")})";
    }

    private void WriteTargets(List<TargetVerdict> verdicts)
    {
        Line("## Targets (DESIGN.md)");
        Line();
        Line("| Target | Measured | Verdict |");
        Line("|---|---|---|");
        foreach (TargetVerdict verdict in verdicts)
        {
            Line($"| {verdict.Target} | {verdict.Measured} | {verdict.StatusLabel}: {verdict.Explanation} |");
        }

        Line();
    }

    /// <summary>Generated ÷ the hand-written adjoint vectorised by hand, beside generated ÷ the scalar one the targets use.</summary>
    private void WriteVectorizedComparison()
    {
        var rows = Suites.ScalarProblems
            .Select(problem => (problem, Scalar: _m.ScalarRatio(problem, Suites.HandWritten), Vectorized: _m.ScalarRatio(problem, Suites.HandWrittenVectorized)))
            .Where(row => row.Scalar is not null || row.Vectorized is not null)
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }

        Line("### Beside the targets: the hand-written vectorised adjoint");
        Line();
        Line("Not a target: the same adjoint as `HandWritten`, vectorised by hand (`HandWrittenVectorized`), so that both comparisons are visible. "
            + "The kind of a problem sets its limits.");
        Line();
        Line("| Problem | Kind | generated ÷ hand-written (the target's limit) | generated ÷ hand-written vectorised adjoint (information) |");
        Line("|---|---|---:|---:|");
        foreach ((Problem problem, double? scalar, double? vectorized) in rows)
        {
            string target = scalar is null ? "" : $"{Targets.Ratio(1 / scalar.Value)} (≤ {Targets.Ratio(Targets.HandWrittenLimit(problem.Kind))})";
            Line($"| {problem.Title} | {KindLabel(problem.Kind)} | {target} | {(vectorized is null ? "none" : Targets.Ratio(1 / vectorized.Value))} |");
        }

        Line();
        if (notes["vectorized"] is { } vectorizedNotes)
        {
            Line(vectorizedNotes);
            Line();
        }
    }

    private static string KindLabel(ProblemKind kind) => kind switch
    {
        ProblemKind.Scalar => "scalar",
        ProblemKind.Loop => "loop",
        _ => "loop-heavy",
    };

    private void WriteScalarSuite()
    {
        Line("## Suite 1: scalar and loop code");
        Line();
        Line("Each problem in double precision (the loop MLP in float), all inputs active but the data (the loop MLP's images and "
            + "labels, the tanh RNN's sequence and targets). The generated gradient comes from a "
            + "`[Differentiable]` method; every other contender computes the same gradient (checked to agree before timing).");
        Line();
        Line("| Problem | Contender | Time | Median | × generated | Allocated |");
        Line("|---|---|---:|---:|---:|---:|");
        foreach (Problem problem in Suites.ScalarProblems)
        {
            BenchmarkResult? generated = _m.Scalar(problem, Suites.Generated);
            foreach ((string method, string label) in Suites.ScalarContenders)
            {
                if (_m.Scalar(problem, method) is { } result)
                {
                    Line($"| {(method == Suites.Generated ? problem.Title : "")} | {label} | {Targets.Time(result.MinNs)} | {Targets.Time(result.MedianNs)} | "
                        + $"{RatioCell(result, generated)} | {Bytes(result.BytesPerOperation)} |");
                }
            }
        }

        Line();
    }

    private void WriteMlpSuite()
    {
        Line("## Suite 2: one SGD step of a 784-128-10 MLP");
        Line();
        Line("ReLU hidden layer, softmax cross-entropy, SGD (learning rate 0.01), one thread (`Linalg.MaxDegreeOfParallelism = 1`, "
            + "`torch.set_num_threads(1)`), the same initial weights and batch for all (`MlpProblem`). The FLOP floor is the step's "
            + "matrix products (forward x·W1 and h·W2; backward xᵀ·dZ1, hᵀ·dZ2 and dZ2·W2ᵀ) at the best sgemm rate measured in the run"
            + (_m.BestSgemm() is { } best ? $": {best.Rate:F1} GFLOP/s, {best.Source}." : "."));
        Line();
        Line("| Batch | Contender | Time | Median | × generated | Allocated |");
        Line("|---:|---|---:|---:|---:|---:|");
        foreach (int batch in Suites.MlpBatches)
        {
            BenchmarkResult? generated = _m.Mlp(Suites.Generated, batch);
            bool first = true;
            foreach ((string method, string label) in Suites.MlpContenders)
            {
                if (_m.Mlp(method, batch) is { } result)
                {
                    Line($"| {(first ? batch.ToString(CultureInfo.InvariantCulture) : "")} | {label} | {Targets.Time(result.MinNs)} | "
                        + $"{Targets.Time(result.MedianNs)} | {RatioCell(result, generated)} | {Bytes(result.BytesPerOperation)} |");
                    first = false;
                }
            }

            BenchmarkResult? torchGenerated = _m.Torch(Suites.Generated, batch);
            if (_m.Torch("TorchSharp", batch) is { } torch && torchGenerated is not null)
            {
                Line($"| | generated, in the TorchSharp program's run | {Targets.Time(torchGenerated.MinNs)} | {Targets.Time(torchGenerated.MedianNs)} | 1.00× | "
                    + $"{Bytes(torchGenerated.BytesPerOperation)} |");
                Line($"| | TorchSharp (× that run's generated) | {Targets.Time(torch.MinNs)} | {Targets.Time(torch.MedianNs)} | "
                    + $"{RatioCell(torch, torchGenerated)} | {Bytes(torch.BytesPerOperation)} managed |");
            }

            if (_m.FloorTimeNs(batch) is { } floor && generated is not null)
            {
                Line($"| | FLOP floor ({Suites.MlpStepFlops(batch) / 1e6:F2} MFLOP) | {Targets.Time(floor)} | | {Targets.Ratio(floor / generated.MinNs)} | |");
            }
        }

        Line();
    }

    private void WriteMatMulSuite()
    {
        Line("## Suite 3: matrix multiply against OpenBLAS");
        Line();
        Line($"Square float products on one thread; OpenBLAS kernel: {results.OpenBlasCore ?? "unknown"} (the report runs without "
            + "`OPENBLAS_CORETYPE`, so OpenBLAS picks its best kernel). Two-thread scaling needs wall-clock time: see [matmul.md](matmul.md).");
        Line();
        Line("| Size | SourceGrad | OpenBLAS | SourceGrad GFLOP/s | OpenBLAS GFLOP/s | SourceGrad ÷ OpenBLAS rate |");
        Line("|---:|---:|---:|---:|---:|---:|");
        foreach (int size in new[] { 64, 128, 256, 512, 1024 })
        {
            BenchmarkResult? ours = results.Find(Suites.MatMulType, "SourceGradMatMul", $"Size={size}&Threads=1");
            BenchmarkResult? theirs = results.Find(Suites.MatMulType, "OpenBlasSgemm", $"Size={size}&Threads=1");
            if (ours is null || theirs is null)
            {
                continue;
            }

            double oursRate = Measurements.Gflops(size, ours.MinNs), theirsRate = Measurements.Gflops(size, theirs.MinNs);
            Line($"| {size} | {Targets.Time(ours.MinNs)} | {Targets.Time(theirs.MinNs)} | {oursRate:F1} | {theirsRate:F1} | {Targets.Percent(oursRate / theirsRate)} |");
        }

        Line();
    }

    private void WriteGeneratorSuite()
    {
        Line("## Suite 4: the generator");
        Line();
        Line("A driver running the generator over one file of N small differentiable methods (a loop, a branch, an intrinsic each), "
            + "a generator that only binds the same bodies (what any generator reading method bodies pays), and the re-run after an "
            + "edit to another file.");
        Line();
        Line("| Methods | First run | Binding only | Re-run after unrelated edit | First run per method | Own work per method | Allocated (first run) |");
        Line("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int count in Suites.GeneratorMethodCounts)
        {
            string parameters = $"Methods={count}";
            BenchmarkResult? first = results.Find(Suites.GeneratorType, "FirstRun", parameters);
            BenchmarkResult? binding = results.Find(Suites.GeneratorType, "BindingOnly", parameters);
            BenchmarkResult? rerun = results.Find(Suites.GeneratorType, "RerunAfterUnrelatedEdit", parameters);
            if (first is null)
            {
                continue;
            }

            string own = binding is null ? "" : Targets.Time(Math.Max(0, first.MinNs - binding.MinNs) / count);
            Line($"| {count} | {Targets.Time(first.MinNs)} | {(binding is null ? "" : Targets.Time(binding.MinNs))} | "
                + $"{(rerun is null ? "" : Targets.Time(rerun.MinNs))} | {Targets.Time(first.MinNs / count)} | {own} | {Bytes(first.BytesPerOperation)} |");
        }

        Line();
    }

    private void WriteMissedTargetNotes(List<TargetVerdict> verdicts)
    {
        var missed = verdicts.Where(v => v.Status == TargetStatus.Missed).ToList();
        if (missed.Count == 0)
        {
            return;
        }

        Line("## Why the missed targets are missed");
        Line();
        foreach (TargetVerdict verdict in missed)
        {
            Line($"**{verdict.Target}** ({verdict.Explanation}).");
            Line();
            Line(notes[verdict.Id] ?? "(no analysis written yet: add a section `## " + verdict.Id + "` to Notes.md)");
            Line();
        }
    }

    private void WriteDataParallelSuite()
    {
        bool scaling = Suites.DataParallelModels.Any(model => _m.DataParallel(model.Method, 1) is not null);
        bool distributed = Suites.DistributedContenders.Any(contender => _m.Distributed(contender.Method) is not null);
        if (!scaling && !distributed)
        {
            return;
        }

        Line("## Suite 5: data-parallel steps");
        Line();
        Line($"One SGD step of the 784-128-10 MLP at batch {Suites.DataParallelBatch}, timed by the wall clock: `DataParallelGradient` splits the batch "
            + "into one shard per thread and sums the shards' gradients in a fixed order; products stay on their thread. "
            + "[scale.md](scale.md) says what runs where.");
        Line();
        if (scaling)
        {
            Line("The ceiling is the shards' gradients alone on two threads, each into a buffer of its own, with no sum and no update "
                + "(nothing crosses the cores): one-thread step ÷ ceiling is the best scaling any reduction and update could leave on this machine.");
            Line();
            Line("| Model | 1 thread | 2 threads | 1 thread ÷ 2 threads | Ceiling (shards alone, 2 threads) | 1 thread ÷ ceiling | Allocated per step (2 threads: caller and workers) |");
            Line("|---|---:|---:|---:|---:|---:|---:|");
            foreach ((string method, string label) in Suites.DataParallelModels)
            {
                if (_m.DataParallel(method, 1) is { } one && _m.DataParallel(method, 2) is { } two)
                {
                    BenchmarkResult? ceiling = _m.DataParallel(method + Suites.DataParallelCeilingSuffix, 2);
                    string ceilingTime = ceiling is null ? "" : Targets.Time(ceiling.MinNs);
                    string ceilingRatio = ceiling is null ? "" : Targets.Ratio(one.MinNs / ceiling.MinNs);
                    Line($"| {label} | {Targets.Time(one.MinNs)} | {Targets.Time(two.MinNs)} | {Targets.Ratio(one.MinNs / two.MinNs)} | {ceilingTime} | {ceilingRatio} | {StepAllocation(method, two)} |");
                }
            }

            Line();
        }

        if (distributed)
        {
            BenchmarkResult? baseline = _m.Distributed(Suites.DistributedContenders[0].Method);
            Line("The digits MLP (Samples/Distributed) over two Orleans silos against the same step in-process; the overhead is the Orleans step "
                + "minus the in-process two-thread step: the weights sent to both workers and the two gradients sent back, as bytes.");
            Line();
            Line("| Step | Time | Median | × in-process 2 threads | Overhead per step |");
            Line("|---|---:|---:|---:|---:|");
            foreach ((string method, string label) in Suites.DistributedContenders)
            {
                if (_m.Distributed(method) is { } result)
                {
                    string overhead = baseline is null || method != "OrleansTwoSilos" ? "" : Targets.Time(result.MinNs - baseline.MinNs);
                    Line($"| {label} | {Targets.Time(result.MinNs)} | {Targets.Time(result.MedianNs)} | {RatioCell(result, baseline)} | {overhead} |");
                }
            }

            Line();
        }
    }

    private void WriteHowToRun()
    {
        Line("## Running the benchmarks");
        Line();
        Line("```sh");
        Line("bash Benchmarks/report.sh           # every suite, full job; rewrites this page and images/benchmarks.png");
        Line("bash Benchmarks/report.sh --quick   # the same, a few short iterations per benchmark");
        Line("dotnet run -c Release --project Benchmarks/SourceGrad.Benchmarks -- --filter '*Rosenbrock*'   # one suite, interactively");
        Line("```");
        Line();
        Line("The TorchSharp suite runs only when `Benchmarks/SourceGrad.Benchmarks.Torch` builds (about 720 MB of packages; "
            + "[torchsharp.md](torchsharp.md)); the MatMul suite needs OpenBLAS (`Benchmarks/SourceGrad.Benchmarks/MatMul/install-openblas.sh`).");
    }

    private static string RatioCell(BenchmarkResult result, BenchmarkResult? generated) =>
        generated is null ? "" : Targets.Ratio(result.MinNs / generated.MinNs);

    /// <summary>
    /// A two-thread step's bytes per call: the setup's count on the calling thread and the workers (AllocationCheck),
    /// where it ran; else BenchmarkDotNet's column, which counts the whole process (the JIT's tiering included).
    /// </summary>
    /// <summary>
    /// The two-thread step's bytes from its setup's allocation check (the caller's and the workers'), keyed without the
    /// wall-clock suffix its timing row carries; BenchmarkDotNet's whole-process count only where no check ran.
    /// </summary>
    private string StepAllocation(string method, BenchmarkResult twoThreads) =>
        results.ThreadAllocations.TryGetValue(BenchmarkResult.BenchmarkKey(Suites.DataParallelType, method, "Threads=2"), out var check)
            ? Bytes(check.Bytes / check.Calls) + (check.Bytes % check.Calls == 0 ? "" : "+")
            : Bytes(twoThreads.BytesPerOperation);

    private static string Bytes(long? bytes) => bytes switch
    {
        null => "",
        0 => "0 B",
        < 10_000 => $"{bytes} B",
        _ => $"{bytes / 1024.0:F1} KB",
    };

    private void Line(string text = "") => _text.Append(text).Append('\n');
}
