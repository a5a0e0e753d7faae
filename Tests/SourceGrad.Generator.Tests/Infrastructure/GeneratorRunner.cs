using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SourceGrad.Generator.Tests.Infrastructure;

/// <summary>One generated file: its hint name and text.</summary>
public sealed record GeneratedFile(string HintName, string Text);

/// <summary>What one run of the generator over an in-memory compilation produced.</summary>
public sealed record GeneratorRun(
    CSharpCompilation InputCompilation,
    Compilation OutputCompilation,
    GeneratorDriver Driver,
    ImmutableArray<GeneratedFile> Sources,
    ImmutableArray<Diagnostic> AllGeneratorDiagnostics,
    ImmutableArray<Diagnostic> CompilationDiagnostics)
{
    /// <summary>
    /// The generator's warnings and errors: what a test means by "the generator reported something". Its info
    /// diagnostics (SG0037, the saved-bytes report on every method) are in <see cref="Reports"/>.
    /// </summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics =>
        AllGeneratorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();

    /// <summary>The generator's info diagnostics (the saved-bytes report, one per method that gets a gradient).</summary>
    public ImmutableArray<Diagnostic> Reports =>
        AllGeneratorDiagnostics.Where(d => d.Severity < DiagnosticSeverity.Warning).ToImmutableArray();

    /// <summary>The one generated file whose hint name contains <paramref name="fragment"/>.</summary>
    public GeneratedFile Source(string fragment) => Assert.Single(Sources, s => s.HintName.Contains(fragment, StringComparison.Ordinal));

    /// <summary>The output compilation's errors and warnings (warnings are errors here, so both fail a build).</summary>
    public ImmutableArray<Diagnostic> CompilationProblems =>
        CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();

    /// <summary>Fails with the generated sources and every problem when the output does not compile cleanly.</summary>
    public void AssertCompilesCleanly()
    {
        if (!CompilationProblems.IsEmpty)
        {
            Assert.Fail("The output compilation has problems:\n" + string.Join("\n", CompilationProblems) + "\n\n" + Dump());
        }
    }

    /// <summary>Emits the output compilation into a fresh, collectible load context and returns the assembly.</summary>
    public Assembly Load()
    {
        using var stream = new MemoryStream();
        var emit = OutputCompilation.Emit(stream);
        if (!emit.Success)
        {
            Assert.Fail("Emit failed:\n" + string.Join("\n", emit.Diagnostics) + "\n\n" + Dump());
        }

        stream.Position = 0;
        var context = new AssemblyLoadContext("generated-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        return context.LoadFromStream(stream);
    }

    public string Dump() => string.Join("\n", Sources.Select(s => $"// ---- {s.HintName}\n{s.Text}"));
}

/// <summary>
/// Runs <see cref="GradientGenerator"/> over in-memory sources compiled against the offline .NET 10 reference
/// assemblies and the SourceGrad runtime, with nullable enabled and warnings reported as errors (as the
/// repository builds). Never touches the network.
/// </summary>
public static class GeneratorRunner
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly CSharpCompilationOptions CompilationOptions = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
        .WithNullableContextOptions(NullableContextOptions.Enable)
        .WithGeneralDiagnosticOption(ReportDiagnostic.Error)
        .WithOptimizationLevel(OptimizationLevel.Release)
        .WithDeterministic(true)
        .WithAllowUnsafe(false);

    /// <summary>The offline .NET 10 reference assemblies and the SourceGrad runtime.</summary>
    public static readonly ImmutableArray<MetadataReference> References =
        Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(DifferentiableAttribute).Assembly.Location))
            .ToImmutableArray();

    /// <summary>The usings every test source gets, so snippets stay short.</summary>
    public const string Prelude = "using System;\nusing SourceGrad;\n\n";

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CreateCompilation(sources.Select((text, i) => (text, $"Source{i}.cs")).ToArray());

    public static CSharpCompilation CreateCompilation(params (string Text, string Path)[] sources) =>
        CSharpCompilation.Create(
            "Generated.Tests.Input",
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, path: s.Path)),
            References,
            CompilationOptions);

    /// <summary>A driver whose generated files are parsed with <paramref name="parseOptions"/> (the project's language version).</summary>
    public static GeneratorDriver CreateDriver(bool trackSteps = true, CSharpParseOptions? parseOptions = null) =>
        CSharpGeneratorDriver.Create(
            new[] { new GradientGenerator().AsSourceGenerator() },
            parseOptions: parseOptions ?? ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>
    /// The global usings an SDK project with ImplicitUsings gets (the default for new projects), as a file of
    /// its own: generated code must compile with them and without them.
    /// </summary>
    public const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    /// <summary>
    /// Runs the generator over <paramref name="sources"/>, each prefixed with <see cref="Prelude"/>, in a
    /// project with the SDK's implicit usings.
    /// </summary>
    public static GeneratorRun Run(params string[] sources) =>
        Run(CreateCompilation(sources.Select(s => Prelude + s).Append(ImplicitUsings).ToArray()));

    /// <summary>
    /// As <see cref="Run(string[])"/>, with warnings kept as warnings, so a test can check a diagnostic's own
    /// severity.
    /// </summary>
    public static GeneratorRun RunForDiagnostics(params string[] sources) =>
        Run(CreateCompilation(sources.Select(s => Prelude + s).Append(ImplicitUsings).ToArray())
            .WithOptions(CompilationOptions.WithGeneralDiagnosticOption(ReportDiagnostic.Default)));

    /// <summary>As <see cref="RunForDiagnostics(string[])"/>, with one more assembly referenced.</summary>
    public static GeneratorRun RunForDiagnostics(MetadataReference library, params string[] sources) =>
        Run(CreateCompilation(sources.Select(s => Prelude + s).Append(ImplicitUsings).ToArray())
            .AddReferences(library)
            .WithOptions(CompilationOptions.WithGeneralDiagnosticOption(ReportDiagnostic.Default)));

    /// <summary>A snippet compiled, without the generator, into an assembly of its own: the callee of another assembly.</summary>
    public static MetadataReference LibraryReference(string library)
    {
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Generated.Tests.Library",
            new[] { CSharpSyntaxTree.ParseText(Prelude + library, ParseOptions, path: "Library.cs") },
            References,
            CompilationOptions);
        using var stream = new System.IO.MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException("the library does not compile: " + string.Join("\n", result.Diagnostics));
        }

        return MetadataReference.CreateFromImage(stream.ToArray());
    }

    /// <summary>As <see cref="Run(string[])"/>, in a project without implicit usings.</summary>
    public static GeneratorRun RunWithoutImplicitUsings(params string[] sources) =>
        Run(CreateCompilation(sources.Select(s => Prelude + s).ToArray()));

    public static GeneratorRun Run(CSharpCompilation compilation, GeneratorDriver? driver = null)
    {
        // The input itself must be valid C# apart from the missing gradients, or a test would prove nothing.
        driver = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(
            compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorDriverRunResult result = driver.GetRunResult();
        var sources = result.Results
            .SelectMany(r => r.GeneratedSources)
            .Select(s => new GeneratedFile(s.HintName, s.SourceText.ToString()))
            .OrderBy(s => s.HintName, StringComparer.Ordinal)
            .ToImmutableArray();
        var run = new GeneratorRun(compilation, output, driver, sources, generatorDiagnostics, output.GetDiagnostics());
        AssertGeneratorDidNotCrash(run);
        return run;
    }

    /// <summary>CS8784/CS8785 mean the generator threw: never acceptable, whatever the user wrote.</summary>
    private static void AssertGeneratorDidNotCrash(GeneratorRun run)
    {
        foreach (Diagnostic diagnostic in run.AllGeneratorDiagnostics.Concat(run.CompilationDiagnostics))
        {
            if (diagnostic.Id is "CS8784" or "CS8785")
            {
                Assert.Fail($"The generator crashed: {diagnostic}");
            }
        }

        foreach (GeneratorRunResult result in run.Driver.GetRunResult().Results)
        {
            if (result.Exception is not null)
            {
                Assert.Fail($"The generator crashed: {result.Exception}");
            }
        }
    }
}
