using System.Globalization;

namespace SourceGrad.Benchmarks.Report;

public enum TargetStatus
{
    Met,
    Missed,
    NotMeasured,
}

/// <summary>One DESIGN.md target and what this run measured for it.</summary>
public sealed record TargetVerdict(string Id, string Target, string Measured, TargetStatus Status, string Verdict)
{
    /// <summary>The status as the report and the README headline show it.</summary>
    public string StatusLabel => Status switch
    {
        TargetStatus.Met => "**met**",
        TargetStatus.Missed => "**missed**",
        _ => "not measured",
    };

    /// <summary>The verdict without its leading "met: " or "missed: " (the status says it).</summary>
    public string Explanation =>
        Verdict.StartsWith("met: ", StringComparison.Ordinal) ? Verdict[5..]
        : Verdict.StartsWith("missed: ", StringComparison.Ordinal) ? Verdict[8..]
        : Verdict;
}

/// <summary>The DESIGN.md targets ("Targets"), judged from one result set.</summary>
public static class Targets
{
    public static List<TargetVerdict> Judge(ResultSet results)
    {
        Measurements m = new(results);
        var verdicts = new List<TargetVerdict>();

        // Generated ÷ the natural hand-written adjoint and ÷ the primal: each suite-1 problem against the limit of its
        // kind (HandWrittenLimit, PrimalLimit).
        verdicts.Add(AtMost("hand-written",
            "A generated gradient costs at most 1.2× the natural hand-written adjoint (`HandWritten`) on every scalar and loop problem, "
            + "and at most 1.0× on the loop-heavy ones (the loop MLP, the tanh RNN)",
            GeneratedOver(m, Suites.HandWritten, HandWrittenLimit), "generated ÷ hand-written"));
        verdicts.Add(AtMost("primal", "… and at most 2.5× the primal on loop code, 3× on scalar code (the sigmoid neuron)",
            GeneratedOver(m, Suites.Primal, PrimalLimit), "generated ÷ primal"));

        verdicts.Add(AtMost("tangent", "Forward mode: a generated tangent costs at most 2× the primal on every scalar and loop problem",
            TangentOverPrimal(m), TangentLimit, "tangent ÷ primal"));

        verdicts.Add(AtMost("hessian-vector",
            "Hessian-vector products: a generated `MHessianVector` costs at most 3× the gradient on the scalar and loop problems "
            + "(beside each, in brackets, what the naive two gradients and a central difference cost)",
            HessianVectorOverGradient(m), HessianVectorLimit, "HVP ÷ gradient"));

        verdicts.Add(ZeroAllocations(results));
        verdicts.Add(CheckpointMemory(results, m));
        verdicts.Add(AtMost("checkpoint-time",
            "Checkpointing, same recurrence: binomial (32 snapshots) at most 3× store-all's time, √N at most 2.2×",
            CheckpointTimes(m), "÷ store-all"));
        verdicts.Add(AtMost("split", "Split mode: `MForward` then `MBackward` within 1.1× of `MGradient` (the tanh RNN, 32 units, 16 inputs, 50 steps)",
            m.SplitRatio() is double split ? [("tanh RNN", split)] : [], 1.1, "forward + backward ÷ gradient"));

        var tape = m.ScalarRatios(Suites.ScalarTape).Where(pair => pair.Item2 is not null)
            .Select(pair => (pair.Item1, Speedup: pair.Item2!.Value)).ToList();
        verdicts.Add(AtLeast("tape", "On scalar and loop code, at least 10× faster than the scalar tape", tape, 10, "tape ÷ generated"));

        double? torch = m.TorchRatio(64);
        verdicts.Add(torch is null
            ? new TargetVerdict("torch", "MLP step at batch 64, one thread: at least 2.5× faster than TorchSharp", "not run", TargetStatus.NotMeasured,
                results.Skipped.FirstOrDefault(s => s.Suite == "TorchSharp").Reason ?? "the TorchSharp suite did not run")
            : AtLeast("torch", "MLP step at batch 64, one thread: at least 2.5× faster than TorchSharp", [("batch 64", torch.Value)], 2.5, "TorchSharp ÷ generated"));

        double? floor = m.FloorTimeNs(64), generated64 = m.Mlp(Suites.Generated, 64)?.MinNs;
        verdicts.Add(floor is null || generated64 is null
            ? new TargetVerdict("floor", "… and within 1.5× of the FLOP floor", "not run", TargetStatus.NotMeasured, "the MLP or sgemm suite did not run")
            : AtMost("floor", $"… and within 1.5× of the FLOP floor ({Suites.MlpStepFlops(64) / 1e6:F1} MFLOP at the best measured sgemm rate)",
                [("batch 64", generated64.Value / floor.Value)], 1.5, "generated ÷ floor"));

        verdicts.Add(MatMulVersusOpenBlas(m, results.OpenBlasCore));
        verdicts.Add(TwoThreadScaling(m));
        verdicts.Add(DataParallelScaling(m));
        verdicts.Add(GeneratorPerMethod(results));
        verdicts.Add(GeneratorRerun(results));
        return verdicts;
    }

    /// <summary>generated ÷ hand-written at most this much: 1.0× on loop-heavy code, where vectorised adjoint loops should win, 1.2× elsewhere.</summary>
    public static double HandWrittenLimit(ProblemKind kind) => kind == ProblemKind.LoopHeavy ? 1.0 : 1.2;

    /// <summary>generated ÷ primal at most this much: 3× on scalar code, 2.5× on loop code.</summary>
    public static double PrimalLimit(ProblemKind kind) => kind == ProblemKind.Scalar ? 3 : 2.5;

    /// <summary>At most this much: a tangent costs at most 2× the primal.</summary>
    public const double TangentLimit = 2;

    /// <summary>At most this much: a Hessian-vector product costs at most 3× the gradient.</summary>
    public const double HessianVectorLimit = 3;

    /// <summary>The product's time over the gradient's (the suite's baseline), each row naming the naive alternative's.</summary>
    private static List<(string Where, double Value)> HessianVectorOverGradient(Measurements m) =>
        Suites.ScalarProblems
            .Select(problem => (problem.Title, Product: m.ScalarRatio(problem, Suites.HessianVector), Naive: m.ScalarRatio(problem, Suites.NaiveHessianVector)))
            .Where(row => row.Product is not null)
            .Select(row => (row.Naive is double naive ? $"{row.Title} [naive {naive:F2}×]" : row.Title, row.Product!.Value))
            .ToList();

    /// <summary>The tangent's time over the primal's, for each suite-1 problem that ran both.</summary>
    private static List<(string Where, double Value)> TangentOverPrimal(Measurements m) =>
        Suites.ScalarProblems
            .Select(problem => (problem.Title, Tangent: m.ScalarRatio(problem, Suites.Tangent), Primal: m.ScalarRatio(problem, Suites.Primal)))
            .Where(row => row.Tangent is not null && row.Primal is not null)
            .Select(row => (row.Title, row.Tangent!.Value / row.Primal!.Value))
            .ToList();

    /// <summary>The generated gradient's time over <paramref name="contender"/>'s, with its limit, for each suite-1 problem that ran both.</summary>
    private static List<(string Where, double Value, double Limit)> GeneratedOver(Measurements m, string contender, Func<ProblemKind, double> limit) =>
        Suites.ScalarProblems
            .Select(problem => (problem.Title, Ratio: m.ScalarRatio(problem, contender), Limit: limit(problem.Kind)))
            .Where(row => row.Ratio is not null)
            .Select(row => (row.Title, 1 / row.Ratio!.Value, row.Limit))
            .ToList();

    /// <summary>Binomial (32 snapshots) holds at least 100× less saved memory than store-all on the 100,000-step recurrence.</summary>
    private static TargetVerdict CheckpointMemory(ResultSet results, Measurements m)
    {
        const string target = "Checkpointing: a 100,000-step tanh recurrence with 32 snapshots holds ≥ 100× less than store-all (saved bytes)";
        string Key(string method) => $"{Suites.CheckpointType}.{method}";
        if (!results.SavedBytes.TryGetValue(Key(Suites.CheckpointStoreAll), out long storeAll)
            || !results.SavedBytes.TryGetValue(Key(Suites.CheckpointBinomial), out long binomial) || binomial == 0)
        {
            return new TargetVerdict("checkpoint-memory", target, "not run", TargetStatus.NotMeasured, "the checkpointing suite did not run");
        }

        string sqrt = results.SavedBytes.TryGetValue(Key(Suites.CheckpointSqrtN), out long sqrtN) ? $", √N {sqrtN:N0} B" : "";
        return AtLeast("checkpoint-memory", target, [("binomial", storeAll / (double)binomial)], 100,
            $"store-all {storeAll:N0} B, binomial {binomial:N0} B{sqrt}; store-all ÷ binomial");
    }

    private static List<(string Where, double Value, double Limit)> CheckpointTimes(Measurements m)
    {
        var rows = new List<(string, double, double)>();
        foreach ((string method, string label, double limit) in new[] { (Suites.CheckpointBinomial, "binomial", 3.0), (Suites.CheckpointSqrtN, "√N", 2.2) })
        {
            if (m.CheckpointRatio(method) is double ratio)
            {
                rows.Add((label, ratio, limit));
            }
        }

        return rows;
    }

    private static TargetVerdict AtMost(string id, string target, IReadOnlyList<(string Where, double Value)> values, double limit, string what) =>
        AtMost(id, target, values.Select(v => (v.Where, v.Value, limit)).ToList(), what);

    /// <summary>Met when every value is at most its own limit; the worst is the one furthest over (or nearest to) its limit.</summary>
    private static TargetVerdict AtMost(string id, string target, IReadOnlyList<(string Where, double Value, double Limit)> values, string what)
    {
        if (values.Count == 0)
        {
            return new TargetVerdict(id, target, "not run", TargetStatus.NotMeasured, "no measurements");
        }

        // Limits are shown beside the values only where they differ between rows.
        bool oneLimit = values.All(v => v.Limit == values[0].Limit);
        (string where, double worst, double limit) = values.MaxBy(v => v.Value / v.Limit);
        string measured = $"{what}: " + string.Join(", ", values.Select(v => $"{v.Where} {Ratio(v.Value)}{(oneLimit ? "" : $" (≤ {Ratio(v.Limit)})")}"));
        return worst <= limit
            ? new TargetVerdict(id, target, measured, TargetStatus.Met, $"met: worst {Ratio(worst)} ({where}) ≤ {Ratio(limit)}")
            : new TargetVerdict(id, target, measured, TargetStatus.Missed,
                $"missed: worst {Ratio(worst)} ({where}) > {Ratio(limit)}, {Percent(worst / limit - 1)} over the limit; "
                + $"{values.Count(v => v.Value > v.Limit)} of {values.Count} over");
    }

    private static TargetVerdict AtLeast(string id, string target, IReadOnlyList<(string Where, double Value)> values, double limit, string what)
    {
        if (values.Count == 0)
        {
            return new TargetVerdict(id, target, "not run", TargetStatus.NotMeasured, "no measurements");
        }

        (string where, double worst) = values.MinBy(v => v.Value);
        string measured = $"{what}: " + string.Join(", ", values.Select(v => $"{v.Where} {Ratio(v.Value)}"));
        return worst >= limit
            ? new TargetVerdict(id, target, measured, TargetStatus.Met, $"met: least {Ratio(worst)} ({where}) ≥ {Ratio(limit)}")
            : new TargetVerdict(id, target, measured, TargetStatus.Missed,
                $"missed: least {Ratio(worst)} ({where}) < {Ratio(limit)}, {Percent(1 - worst / limit)} short of it; "
                + $"{values.Count(v => v.Value < limit)} of {values.Count} under");
    }

    private static TargetVerdict ZeroAllocations(ResultSet results)
    {
        const string Target = "0 bytes allocated per generated call in steady state";
        if (results.ThreadAllocations.Count == 0)
        {
            return new TargetVerdict("allocations", Target, "not run", TargetStatus.NotMeasured, "no allocation checks in the logs");
        }

        var allocating = results.ThreadAllocations.Where(pair => pair.Value.Bytes > 0).ToList();
        string measured = $"{results.ThreadAllocations.Count} generated benchmarks, bytes on the calling thread (the data-parallel steps' worker threads too) over 64 warm calls each";
        return allocating.Count == 0
            ? new TargetVerdict("allocations", Target, measured, TargetStatus.Met, "met: 0 B in every one")
            : new TargetVerdict("allocations", Target, measured, TargetStatus.Missed,
                "missed: " + string.Join(", ", allocating.Select(pair => $"{pair.Key} {(double)pair.Value.Bytes / pair.Value.Calls:F1} B/call")));
    }

    private static TargetVerdict MatMulVersusOpenBlas(Measurements m, string? core)
    {
        const string Target = "Matmul (float, one thread, 512³): at least 90% of OpenBLAS";
        double? ours = m.MatMulRate("SourceGradMatMul", Suites.SgemmSize), theirs = m.MatMulRate("OpenBlasSgemm", Suites.SgemmSize);
        if (ours is null || theirs is null)
        {
            return new TargetVerdict("matmul", Target, "not run", TargetStatus.NotMeasured, "the MatMul suite did not run (is OpenBLAS installed?)");
        }

        double share = ours.Value / theirs.Value;
        string measured = $"SourceGrad {ours:F1} GFLOP/s, OpenBLAS ({core ?? "kernel unknown"}) {theirs:F1} GFLOP/s: {Percent(share)}";
        return share >= 0.9
            ? new TargetVerdict("matmul", Target, measured, TargetStatus.Met, $"met: {Percent(share)} ≥ 90%")
            : new TargetVerdict("matmul", Target, measured, TargetStatus.Missed, $"missed: {Percent(share)} < 90%, {Percent(0.9 - share)} points short");
    }

    private static TargetVerdict TwoThreadScaling(Measurements m)
    {
        const string Target = "Matmul: two threads scale ≥ 1.8×";
        var ours = Suites.ScalingSizes.Select(size => ($"{size}³", m.TwoThreadScaling("SourceGradMatMul", size)))
            .Where(pair => pair.Item2 is not null).Select(pair => (pair.Item1, pair.Item2!.Value)).ToList();
        if (ours.Count == 0)
        {
            return new TargetVerdict("threads", Target, "not run", TargetStatus.NotMeasured, "the wall-clock run of the MatMul suite did not run");
        }

        // OpenBLAS's own scaling in the same run says what the machine allows.
        string openBlas = string.Join(", ", Suites.ScalingSizes
            .Select(size => (size, m.TwoThreadScaling("OpenBlasSgemm", size)))
            .Where(pair => pair.Item2 is not null)
            .Select(pair => $"{pair.size}³ {Ratio(pair.Item2!.Value)}"));
        TargetVerdict verdict = AtLeast("threads", Target, ours, 1.8, "one-thread time ÷ two-thread time (wall clock)");
        return openBlas.Length == 0 ? verdict : verdict with { Measured = verdict.Measured + $"; OpenBLAS in the same run: {openBlas}" };
    }

    private static TargetVerdict DataParallelScaling(Measurements m)
    {
        const string Target = "MLP step at batch 256, loop-written and kernel-based models: two threads (`DataParallelGradient`) ≥ 1.85× one thread";
        // Each model's ceiling (its shards alone on two threads) goes beside it in brackets: what no reduction could beat.
        string Labelled(string method, string label) =>
            m.DataParallel(method, 1) is { } one && m.DataParallel(method + Suites.DataParallelCeilingSuffix, 2) is { } ceiling
                ? $"{label} [ceiling {one.MinNs / ceiling.MinNs:F2}×]"
                : label;
        var scaling = Suites.DataParallelModels.Select(model => (Label: Labelled(model.Method, model.Label), m.DataParallelScaling(model.Method)))
            .Where(pair => pair.Item2 is not null).Select(pair => (pair.Label, pair.Item2!.Value)).ToList();
        return scaling.Count == 0
            ? new TargetVerdict("dataparallel", Target, "not run", TargetStatus.NotMeasured, "the wall-clock run of the data-parallel suite did not run")
            : AtLeast("dataparallel", Target, scaling, 1.85, "one-thread step ÷ two-thread step (wall clock)");
    }

    /// <summary>The generator's first run over a file, per differentiable method in it.</summary>
    private const double GeneratorLimitMs = 2;

    private static TargetVerdict GeneratorPerMethod(ResultSet results)
    {
        const string Target = "The generator: at most 2 ms per differentiable method";
        var perMethod = Suites.GeneratorMethodCounts
            .Select(count => (count, results.Find(Suites.GeneratorType, "FirstRun", $"Methods={count}")))
            .Where(pair => pair.Item2 is not null)
            .Select(pair => ($"{pair.count} method{(pair.count == 1 ? "" : "s")}", pair.Item2!.MinNs / pair.count / 1e6))
            .ToList();
        if (perMethod.Count == 0)
        {
            return new TargetVerdict("generator", Target, "not run", TargetStatus.NotMeasured, "the generator suite did not run");
        }

        (string where, double worst) = perMethod.MaxBy(v => v.Item2);
        string measured = "first run ÷ methods: " + string.Join(", ", perMethod.Select(v => $"{v.Item1} {v.Item2:F2} ms"));
        return worst <= GeneratorLimitMs
            ? new TargetVerdict("generator", Target, measured, TargetStatus.Met, $"met: worst {worst:F2} ms ({where}) ≤ {GeneratorLimitMs} ms")
            : new TargetVerdict("generator", Target, measured, TargetStatus.Missed, $"missed: {worst:F2} ms ({where}) > {GeneratorLimitMs} ms");
    }

    private static TargetVerdict GeneratorRerun(ResultSet results)
    {
        const string Target = "… and an unrelated edit leaves every output cached";
        BenchmarkResult? rerun = results.Find(Suites.GeneratorType, "RerunAfterUnrelatedEdit", "Methods=100");
        BenchmarkResult? first = results.Find(Suites.GeneratorType, "FirstRun", "Methods=100");
        BenchmarkResult? binding = results.Find(Suites.GeneratorType, "BindingOnly", "Methods=100");
        if (rerun is null || first is null || binding is null)
        {
            return new TargetVerdict("cached", Target, "not run", TargetStatus.NotMeasured, "the generator suite did not run");
        }

        // That outputs stay cached is a property the generator's tests assert; this run measures what the re-run costs.
        string measured = $"100 methods: re-run after an unrelated edit {Time(rerun.MinNs)} = {Percent(rerun.MinNs / first.MinNs)} of a first run, "
            + $"{Ratio(rerun.MinNs / binding.MinNs)} the binding-only baseline";
        return new TargetVerdict("cached", Target, measured, TargetStatus.Met,
            "every output Cached or Unchanged, asserted by Tests/SourceGrad.Generator.Tests/IncrementalCachingTests.cs; the re-run's cost is "
            + "Roslyn re-running each attribute transform (recognition binds the bodies again) while differentiation and emission stay cached");
    }

    public static string Ratio(double value) => value.ToString(value >= 100 ? "F0" : value >= 10 ? "F1" : "F2", CultureInfo.InvariantCulture) + "×";

    public static string Percent(double share) => (100 * share).ToString("F0", CultureInfo.InvariantCulture) + "%";

    /// <summary>Nanoseconds as ns, µs, ms or s, three significant digits.</summary>
    public static string Time(double nanoseconds)
    {
        (double value, string unit) = nanoseconds switch
        {
            < 1e3 => (nanoseconds, "ns"),
            < 1e6 => (nanoseconds / 1e3, "µs"),
            < 1e9 => (nanoseconds / 1e6, "ms"),
            _ => (nanoseconds / 1e9, "s"),
        };
        return value.ToString(value >= 100 ? "F0" : value >= 10 ? "F1" : "F2", CultureInfo.InvariantCulture) + " " + unit;
    }
}
