using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using SourceGrad.Generator.Tests.Fuzz;
using Deadline = SourceGrad.Generator.Tests.Infrastructure.Deadline;

namespace SourceGrad.Generator.Tests.Corpus;

/// <summary>
/// Runs the generator over real code with [Differentiable] on every method and lists what went wrong:
/// a generator crash, an error the input did not already have (in generated code or anywhere else), or a
/// method that got neither a gradient nor an SG error.
/// </summary>
internal static class CorpusChecker
{
    /// <summary>What a corpus compilation may use: the .NET 10 references and the assemblies the tests themselves load.</summary>
    public static ImmutableArray<MetadataReference> References(bool withRuntime)
    {
        Type[] loaded =
        [
            typeof(FactAttribute), typeof(Assert), typeof(Xunit.Abstractions.ITestOutputHelper),
            typeof(Compilation), typeof(CSharpCompilation), typeof(CsCheck.Gen), typeof(GradientGenerator),
        ];
        IEnumerable<MetadataReference> references = Basic.Reference.Assemblies.Net100.References.All
            .Concat(loaded.Select(t => t.Assembly.Location).Distinct().Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)));
        return withRuntime ? [.. references, InMemoryCompilation.RuntimeReference] : [.. references];
    }

    public static CorpusResult Check(
        string assemblyName,
        IReadOnlyList<(string Path, string Source)> files,
        ImmutableArray<MetadataReference> references,
        bool implicitUsings = true)
    {
        var trees = files
            .Select(f => DifferentiableEverywhere.Rewrite(InMemoryCompilation.Parse(f.Source, f.Path)))
            .Concat(implicitUsings ? [InMemoryCompilation.Parse(InMemoryCompilation.ImplicitUsings, "GlobalUsings.g.cs")] : [])
            .ToList();
        CSharpCompilation input = InMemoryCompilation.Create(trees, references, assemblyName);
        var inputErrors = input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(Key).ToHashSet();
        var problems = new List<string>();
        (bool finished, GeneratorRun? finishedRun) = Deadline.Run(() => InMemoryCompilation.RunGenerator(input), s_generatorLimit, "corpus generator run");
        if (!finished)
        {
            problems.Add($"the generator did not finish within {s_generatorLimit.TotalSeconds} s");
            problems.AddRange(HangingMethods(assemblyName, files, references));
            return new CorpusResult(problems, 0, 0, 0, 0);
        }

        GeneratorRun run = finishedRun!;
        if (Crashed(run))
        {
            // A crash names no method: find the methods that cause it, one at a time.
            problems.Add("the generator threw: " + (run.Exception?.ToString() ?? run.GeneratorDiagnostics.First(d => d.Id is "CS8785" or "CS8784").ToString()));
            problems.AddRange(CrashingMethods(assemblyName, files, references));
            return new CorpusResult(problems, 0, 0, 0, 0);
        }

        problems.AddRange(run.GeneratorDiagnostics.Where(d => d.Id == FuzzRunner.InternalFailure)
            .Select(d => $"the generator failed on a method: {d}\n    at: {MethodAt(trees, d)}"));
        foreach (Diagnostic error in run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && !inputErrors.Contains(Key(d))))
        {
            problems.Add($"new error {error}\n    at: {LineAt(error)}{GeneratedFileOf(run, error)}");
        }

        int methods = 0;
        int gradients = 0;
        var sgErrors = run.GeneratorDiagnostics
            .Where(d => d.Id.StartsWith("SG", StringComparison.Ordinal) && d.Id != FuzzRunner.InternalFailure && d.Severity == DiagnosticSeverity.Error)
            .ToList();
        foreach (SyntaxTree tree in trees)
        {
            SemanticModel model = run.Output.GetSemanticModel(tree);
            foreach (MethodDeclarationSyntax method in tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                methods++;
                if (model.GetDeclaredSymbol(method) is not IMethodSymbol symbol)
                {
                    continue;
                }

                bool hasGradient = symbol.ContainingType.GetMembers(symbol.Name + "Gradient")
                    .Any(m => m.Locations.Any(l => l.SourceTree is { } t && !trees.Contains(t)));
                bool hasError = sgErrors.Any(d => Inside(d, tree, method.Span));
                gradients += hasGradient ? 1 : 0;
                if (!hasGradient && !hasError && !IsExempt(symbol, method))
                {
                    problems.Add($"{tree.FilePath}: '{symbol.ToDisplayString()}' got neither a gradient nor an SG error");
                }
            }
        }

        return new CorpusResult(problems, methods, gradients, sgErrors.Count, run.GeneratorDiagnostics.Count(d => d.Id.StartsWith("SG", StringComparison.Ordinal)));
    }

    /// <summary>The source of the method a diagnostic points into.</summary>
    private static string MethodAt(List<SyntaxTree> trees, Diagnostic diagnostic)
    {
        SyntaxTree? tree = trees.FirstOrDefault(t => t.FilePath == diagnostic.Location.GetLineSpan().Path);
        SyntaxNode? method = tree?.GetRoot().FindNode(diagnostic.Location.SourceSpan).AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault();
        return method?.ToString() ?? "";
    }

    /// <summary>How long one generator run over a project may take (it takes seconds) before it counts as hanging.</summary>
    private static readonly TimeSpan s_generatorLimit = TimeSpan.FromSeconds(120);

    /// <summary>The methods on which the generator, given that method alone, does not finish within a few seconds.</summary>
    private static IEnumerable<string> HangingMethods(string assemblyName, IReadOnlyList<(string Path, string Source)> files, ImmutableArray<MetadataReference> references) =>
        MethodsWhere(assemblyName, files, references, run => run is null, TimeSpan.FromSeconds(20))
            .Select(m => $"the generator does not finish on this method alone ({m.Path}):\n{m.Method}");

    private static bool Crashed(GeneratorRun run) =>
        run.Exception is not null || run.GeneratorDiagnostics.Any(d => d.Id is "CS8785" or "CS8784");

    private static IEnumerable<string> CrashingMethods(string assemblyName, IReadOnlyList<(string Path, string Source)> files, ImmutableArray<MetadataReference> references) =>
        MethodsWhere(assemblyName, files, references, run => run is not null && Crashed(run), s_generatorLimit)
            .Select(m => $"the generator crashes on this method alone ({m.Path}):\n{m.Method}");

    /// <summary>
    /// The methods that, given [Differentiable] alone, make a generator run fit <paramref name="bad"/> (which sees
    /// null for a run that did not finish in <paramref name="limit"/>): files first, then the methods of a bad file.
    /// </summary>
    private static IEnumerable<(string Path, SyntaxNode Method)> MethodsWhere(
        string assemblyName,
        IReadOnlyList<(string Path, string Source)> files,
        ImmutableArray<MetadataReference> references,
        Func<GeneratorRun?, bool> bad,
        TimeSpan limit)
    {
        List<SyntaxTree> parsed = files.Select(f => InMemoryCompilation.Parse(f.Source, f.Path)).ToList();
        bool IsBad(Func<SyntaxNode, bool> only)
        {
            List<SyntaxTree> trees = parsed.Select(t => DifferentiableEverywhere.Rewrite(t, only))
                .Append(InMemoryCompilation.Parse(InMemoryCompilation.ImplicitUsings, "GlobalUsings.g.cs")).ToList();
            CSharpCompilation compilation = InMemoryCompilation.Create(trees, references, assemblyName);
            (bool finished, GeneratorRun? run) = Deadline.Run(() => InMemoryCompilation.RunGenerator(compilation), limit, "corpus isolation");
            return bad(finished ? run : null);
        }

        foreach (SyntaxTree tree in parsed.Where(t => IsBad(node => node.SyntaxTree == t)))
        {
            IEnumerable<SyntaxNode> methods = tree.GetRoot().DescendantNodes().Where(n => n is MethodDeclarationSyntax or LocalFunctionStatementSyntax);
            foreach (SyntaxNode method in methods.Where(m => IsBad(node => node == m)))
            {
                yield return (tree.FilePath, method);
            }
        }
    }

    /// <summary>
    /// Declarations the generator cannot see as methods of their own: the defining half of a partial method
    /// (its implementation is the one reported on) and methods of types whose declaration is broken in the input.
    /// </summary>
    private static bool IsExempt(IMethodSymbol symbol, MethodDeclarationSyntax method) =>
        symbol.PartialImplementationPart is not null
        || (method.Body is null && method.ExpressionBody is null && method.Modifiers.Any(SyntaxKind.PartialKeyword));

    private static bool Inside(Diagnostic diagnostic, SyntaxTree tree, TextSpan span) =>
        diagnostic.Location.GetLineSpan().Path == tree.FilePath && span.Contains(diagnostic.Location.SourceSpan.Start);

    private static (string Id, string Path, int Start, string Message) Key(Diagnostic d) =>
        (d.Id, d.Location.GetLineSpan().Path ?? "", d.Location.SourceSpan.Start, d.GetMessage());

    private static string LineAt(Diagnostic diagnostic)
    {
        if (diagnostic.Location.SourceTree is not { } tree)
        {
            return "";
        }

        return tree.GetText().Lines[diagnostic.Location.GetLineSpan().StartLinePosition.Line].ToString().Trim();
    }

    private static string GeneratedFileOf(GeneratorRun run, Diagnostic error)
    {
        string path = Path.GetFileName(error.Location.GetLineSpan().Path ?? "");
        GeneratedSourceResult generated = run.GeneratedSources.FirstOrDefault(s => s.HintName == path);
        return generated.SourceText is null ? "" : "\n--- " + path + " ---\n" + generated.SourceText;
    }
}

internal sealed record CorpusResult(IReadOnlyList<string> Problems, int Methods, int Gradients, int SgErrors, int SgDiagnostics)
{
    public override string ToString() =>
        $"{Methods} methods: {Gradients} gradients, {SgErrors} SG errors ({SgDiagnostics} SG diagnostics in all), {Problems.Count} problems";
}
