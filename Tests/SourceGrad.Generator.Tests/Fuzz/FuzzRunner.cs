using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Microsoft.CodeAnalysis;

namespace SourceGrad.Generator.Tests.Fuzz;

internal enum FailureKind
{
    /// <summary>The generator threw (CS8785) instead of reporting a diagnostic.</summary>
    GeneratorCrashed,

    /// <summary>The generator reported an error on a program that only uses supported C#.</summary>
    UnexpectedDiagnostic,

    /// <summary>The generated gradient does not compile (or is missing, or has another signature).</summary>
    GeneratedCodeDoesNotCompile,

    /// <summary>The gradient threw, returned another value, left other buffer contents, or computed a wrong gradient.</summary>
    WrongGradient,

    /// <summary>The gradient did not finish.</summary>
    Hang,

    /// <summary>The fuzzer wrote a program that is not valid (a bug in the fuzzer, not in the generator).</summary>
    InvalidProgram,

    /// <summary>The generated gradient passes finite differences but differs from the tape's (TapeOracle): a generator or a translator bug.</summary>
    DisagreesWithTape,

    /// <summary>The tape oracle's translator cannot translate the program, or its translation does not compile (a bug in the oracle).</summary>
    TapeTranslationFailed,
}

internal sealed record FuzzFailure(FuzzProgram Program, FailureKind Kind, string Detail, string GeneratedSource)
{
    public string Report(bool withGenerated = true)
    {
        var report = new StringBuilder();
        report.Append($"=== {Kind} in {Program.ClassName}.{Program.Main.Name} ({Program.Origin}) ===\n");
        report.Append(Detail.TrimEnd()).Append('\n');
        report.Append("--- program ---\n").Append(Program.ClassSource());
        if (withGenerated && GeneratedSource.Length > 0)
        {
            report.Append("--- generated ---\n").Append(GeneratedSource);
        }

        return report.ToString();
    }
}

internal sealed class FuzzSummary
{
    public int Generated { get; set; }

    public int Passed { get; set; }

    /// <summary>Of the programs passed, those whose Hessian-vector product was checked too (they return a value and call nothing).</summary>
    public int PassedWithHessianVector { get; set; }

    /// <summary>Of the programs passed, those whose split mode (MForward + MBackward, bit for bit against MGradient, and its guards) was checked too.</summary>
    public int PassedWithSplit { get; set; }

    /// <summary>Of the programs passed, those whose checkpointed twins (binomial and √N, bit for bit against MGradient) were checked too.</summary>
    public int PassedWithCheckpoint { get; set; }

    /// <summary>
    /// Of the programs passed, those with checkpointed twins that were not compared: the store-all gradient runs the
    /// checkpointed loop in another order at the point (LoopOrder), where the two may differ in the last bits.
    /// </summary>
    public int PassedWithCheckpointNotCompared { get; set; }

    public int Skipped { get; set; }

    /// <summary>Evaluation points passed over for another because they were near a kink (or a value was out of range).</summary>
    public int PointsSkipped { get; set; }

    public List<FuzzFailure> Failures { get; } = [];

    public Dictionary<string, int> SkipReasons { get; } = [];

    public TimeSpan Elapsed { get; set; }

    public TimeSpan CompileTime { get; set; }

    public TimeSpan CheckTime { get; set; }

    public override string ToString()
    {
        string reasons = string.Join("; ", SkipReasons.OrderByDescending(r => r.Value).Select(r => $"{r.Value}× {r.Key}"));
        string kinds = string.Join(", ", Failures.GroupBy(f => f.Kind).Select(g => $"{g.Count()} {g.Key}"));
        return $"{Generated} programs: {Passed} passed ({PassedWithHessianVector} with a Hessian-vector product, {PassedWithSplit} with split mode, {PassedWithCheckpoint} with checkpointed twins, {PassedWithCheckpointNotCompared} more with twins whose loop store-all runs in another order), {Skipped} skipped (every point near a kink: {reasons}; {PointsSkipped} points retried), " +
            $"{Failures.Count} failed{(kinds.Length > 0 ? " (" + kinds + ")" : "")}, in {Elapsed.TotalSeconds:F1} s (compiling {CompileTime.TotalSeconds:F1} s, checking {CheckTime.TotalSeconds:F1} s)";
    }
}

/// <summary>
/// Generates programs, compiles them in batches (one compilation for many programs is much faster than one
/// each), attributes every generator diagnostic and compile error to its program, and checks the rest.
/// </summary>
internal static class FuzzRunner
{
    /// <summary>How long one program's checks may take before the gradient counts as hanging.</summary>
    private static readonly TimeSpan s_hangTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The diagnostic the generator reports when it catches an exception of its own.</summary>
    public const string InternalFailure = "SG0018";

    public static FuzzSummary Run(ulong seed, long first, int count, int batchSize, Action<string>? log = null)
    {
        var summary = new FuzzSummary();
        var clock = Stopwatch.StartNew();
        for (long start = first; start < first + count; start += batchSize)
        {
            int size = (int)Math.Min(batchSize, first + count - start);
            List<FuzzProgram> programs = Enumerable.Range(0, size).Select(k => ProgramGenerator.Create(seed, start + k)).ToList();
            RunBatch(programs, summary);
            log?.Invoke($"programs {first}..{start + size - 1}: {summary}");
        }

        summary.Elapsed = clock.Elapsed;
        return summary;
    }

    /// <summary>Compiles and checks one batch, adding the outcome to <paramref name="summary"/>.</summary>
    public static void RunBatch(IReadOnlyList<FuzzProgram> programs, FuzzSummary summary)
    {
        summary.Generated += programs.Count;
        var clock = Stopwatch.StartNew();
        (LoadedAssembly? assembly, GeneratorRun? run) = Compile(programs, summary.Failures);
        summary.CompileTime += clock.Elapsed;
        if (assembly is null)
        {
            return;
        }

        using (assembly)
        {
            var compiled = programs.Where(p => summary.Failures.All(f => f.Program != p))
                .Select(p => CompiledProgram.From(p, assembly.Assembly, GeneratedSource(run!, p)))
                .ToList();
            clock.Restart();
            CheckResult?[] results = CheckAll(compiled, out int hung);
            summary.CheckTime += clock.Elapsed;
            for (int k = 0; k < compiled.Count; k++)
            {
                FuzzProgram program = compiled[k].Program;
                CheckResult? result = k == hung ? new CheckResult(Verdict.Failed, "the gradient did not finish") : results[k];
                summary.PointsSkipped += result?.PointsSkipped ?? 0;
                switch (result?.Verdict)
                {
                    case Verdict.Passed:
                        summary.Passed++;
                        summary.PassedWithHessianVector += compiled[k].HessianVector is null ? 0 : 1;
                        summary.PassedWithSplit += compiled[k].Split is null ? 0 : 1;
                        summary.PassedWithCheckpoint += result.CheckpointCompared ? 1 : 0;
                        summary.PassedWithCheckpointNotCompared += compiled[k].Checkpointed is { Count: > 0 } && !result.CheckpointCompared ? 1 : 0;
                        break;
                    case Verdict.Skipped:
                        summary.Skipped++;
                        string reason = result.Detail.StartsWith("near a kink", StringComparison.Ordinal) ? "near a kink" : result.Detail;
                        summary.SkipReasons[reason] = summary.SkipReasons.GetValueOrDefault(reason) + 1;
                        break;
                    case Verdict.Failed:
                        FailureKind kind = k == hung ? FailureKind.Hang
                            : result.Detail.StartsWith("invalid program", StringComparison.Ordinal) ? FailureKind.InvalidProgram
                            : result.Detail.StartsWith(TapeOracle.MismatchHeading, StringComparison.Ordinal) ? FailureKind.DisagreesWithTape
                            : FailureKind.WrongGradient;
                        summary.Failures.Add(new FuzzFailure(program, kind, result.Detail, GeneratedSource(run!, program)));
                        break;
                    default:
                        // Not reached because an earlier program hung.
                        summary.Skipped++;
                        summary.SkipReasons["not run after a hang"] = summary.SkipReasons.GetValueOrDefault("not run after a hang") + 1;
                        break;
                }
            }
        }
    }

    /// <summary>
    /// Compiles the programs with the generator; programs with a generator error, a generator crash or a compile
    /// error become failures and the rest is compiled again without them. Returns the loaded assembly of the rest.
    /// </summary>
    public static (LoadedAssembly? Assembly, GeneratorRun? Run) Compile(IReadOnlyList<FuzzProgram> programs, List<FuzzFailure> failures)
    {
        var remaining = programs.ToList();
        while (remaining.Count > 0)
        {
            GeneratorRun run = RunGenerator(remaining);
            // The second oracle: the programs translated to the tape, compiled into the same assembly.
            (List<SyntaxTree> tapeTrees, var untranslatable) = TapeOracle.Translate(run.Output, remaining);
            run = run with { Output = run.Output.AddSyntaxTrees(tapeTrees) };
            (LoadedAssembly? assembly, ImmutableArray<Diagnostic> errors) = run.Emit();
            List<FuzzFailure> found = Problems(remaining, run, errors);
            foreach ((FuzzProgram program, string message) in untranslatable.Where(u => found.All(f => f.Program != u.Program)))
            {
                found.Add(new FuzzFailure(program, FailureKind.TapeTranslationFailed, message, GeneratedSource(run, program)));
            }

            if (found.Count == 0 && assembly is not null)
            {
                return (assembly, run);
            }

            assembly?.Dispose();

            failures.AddRange(found);
            remaining.RemoveAll(p => found.Any(f => f.Program == p));
        }

        return (null, null);
    }

    public static GeneratorRun RunGenerator(IEnumerable<FuzzProgram> programs)
    {
        var trees = new List<SyntaxTree>
        {
            InMemoryCompilation.Parse(InMemoryCompilation.ImplicitUsings, "GlobalUsings.cs"),
            InMemoryCompilation.Parse(FuzzLibrary.Source, FuzzLibrary.FileName),
        };
        trees.AddRange(programs.Select(p => InMemoryCompilation.Parse(p.FileSource(), p.FileName)));
        return InMemoryCompilation.RunGenerator(InMemoryCompilation.Create(trees));
    }

    private static List<FuzzFailure> Problems(IReadOnlyList<FuzzProgram> programs, GeneratorRun run, ImmutableArray<Diagnostic> errors)
    {
        var failures = new List<FuzzFailure>();
        void Add(FuzzProgram program, FailureKind kind, string detail)
        {
            if (failures.All(f => f.Program != program))
            {
                failures.Add(new FuzzFailure(program, kind, detail, GeneratedSource(run, program)));
            }
        }

        if (run.Exception is not null || run.GeneratorDiagnostics.Any(d => d.Id == "CS8785"))
        {
            // The exception names no method: find the programs that crash it one by one.
            string message = run.Exception?.ToString() ?? run.GeneratorDiagnostics.First(d => d.Id == "CS8785").ToString();
            if (programs.Count == 1)
            {
                Add(programs[0], FailureKind.GeneratorCrashed, message);
                return failures;
            }

            foreach (FuzzProgram program in programs)
            {
                GeneratorRun alone = RunGenerator([program]);
                if (alone.Exception is not null || alone.GeneratorDiagnostics.Any(d => d.Id == "CS8785"))
                {
                    Add(program, FailureKind.GeneratorCrashed, alone.Exception?.ToString() ?? message);
                }
            }

            if (failures.Count == 0)
            {
                throw new InvalidOperationException("the generator crashed on the batch but on no program alone: " + message);
            }

            return failures;
        }

        // An error in the program's own code that is not about its gradient means the program is not valid C#.
        foreach (Diagnostic error in errors.Where(e => !InGeneratedCode(e) && !InTapeCode(e) && !e.GetMessage().Contains("Gradient", StringComparison.Ordinal)))
        {
            Add(Owner(programs, error), FailureKind.InvalidProgram, error.ToString());
        }

        // SG0018 is the generator catching its own exception: a crash by another name.
        foreach (Diagnostic diagnostic in run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            Add(Owner(programs, diagnostic), diagnostic.Id == InternalFailure ? FailureKind.GeneratorCrashed : FailureKind.UnexpectedDiagnostic, diagnostic.ToString());
        }

        foreach (Diagnostic error in errors.Where(InTapeCode))
        {
            Add(Owner(programs, error), FailureKind.TapeTranslationFailed, "the translation to the tape does not compile: " + error + "\n  " + LineAt(error));
        }

        foreach (Diagnostic error in errors)
        {
            Add(Owner(programs, error), FailureKind.GeneratedCodeDoesNotCompile, error + (InGeneratedCode(error) ? "\n  " + LineAt(error) : ""));
        }

        return failures;
    }

    private static bool InGeneratedCode(Diagnostic diagnostic) =>
        diagnostic.Location.GetLineSpan().Path?.EndsWith(".g.cs", StringComparison.Ordinal) == true;

    private static bool InTapeCode(Diagnostic diagnostic) => TapeOracle.IsTapeFile(diagnostic.Location.GetLineSpan().Path ?? "");

    private static FuzzProgram Owner(IReadOnlyList<FuzzProgram> programs, Diagnostic diagnostic)
    {
        // Generator diagnostics carry a file path but no syntax tree.
        string file = Path.GetFileName(diagnostic.Location.GetLineSpan().Path ?? "");
        return programs.FirstOrDefault(p => file == p.FileName || file.StartsWith($"{FuzzProgram.Namespace}.{p.ClassName}.", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("a diagnostic outside every program: " + diagnostic);
    }

    private static string LineAt(Diagnostic diagnostic)
    {
        SyntaxTree? tree = diagnostic.Location.SourceTree;
        if (tree is null)
        {
            return "";
        }

        int line = diagnostic.Location.GetLineSpan().StartLinePosition.Line;
        return tree.GetText().Lines[line].ToString().Trim();
    }

    /// <summary>Every file the generator wrote for the program (its helpers' gradients and the main one).</summary>
    public static string GeneratedSource(GeneratorRun run, FuzzProgram program) => string.Join("\n",
        run.GeneratedSources
            .Where(s => s.HintName.StartsWith($"{FuzzProgram.Namespace}.{program.ClassName}.", StringComparison.Ordinal))
            .Select(s => s.SourceText.ToString()));

    /// <summary>Checks each program on a background thread, so a gradient that never returns fails the run instead of hanging it.</summary>
    private static CheckResult?[] CheckAll(IReadOnlyList<CompiledProgram> compiled, out int hung)
    {
        var results = new CheckResult?[compiled.Count];
        int current = -1;
        var worker = new Thread(() =>
        {
            for (int k = 0; k < compiled.Count; k++)
            {
                Volatile.Write(ref current, k);
                FuzzProgram program = compiled[k].Program;
                results[k] = GradientChecker.Check(compiled[k], new Rng(Rng.Stream(program.Seed ^ 0x5EED, program.Index)));
            }

            Volatile.Write(ref current, compiled.Count);
        })
        { IsBackground = true, Name = "fuzz checks" };
        worker.Start();
        int watched = -1;
        var sinceProgress = Stopwatch.StartNew();
        while (!worker.Join(50))
        {
            int now = Volatile.Read(ref current);
            if (now != watched)
            {
                watched = now;
                sinceProgress.Restart();
            }
            else if (sinceProgress.Elapsed > s_hangTimeout)
            {
                hung = now;
                return results;
            }
        }

        hung = -1;
        return results;
    }
}
