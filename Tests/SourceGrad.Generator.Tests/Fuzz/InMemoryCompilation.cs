using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>
/// Compiles C# in memory with the SourceGrad generator, against the offline .NET 10 reference assemblies and
/// the runtime (never the network), and loads the result into a collectible load context.
/// </summary>
internal static class InMemoryCompilation
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>The global usings the SDK adds when ImplicitUsings is on, as every project here has it.</summary>
    public const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private static readonly CSharpCompilationOptions s_options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
        .WithOptimizationLevel(OptimizationLevel.Release)
        .WithAllowUnsafe(true)
        .WithNullableContextOptions(NullableContextOptions.Enable)
        .WithConcurrentBuild(true);

    public static MetadataReference RuntimeReference { get; } =
        MetadataReference.CreateFromFile(typeof(DifferentiableAttribute).Assembly.Location);

    /// <summary>The scalar tape, which the tape oracle's translations of the programs run on.</summary>
    public static MetadataReference TapeReference { get; } =
        MetadataReference.CreateFromFile(typeof(SourceGrad.Tape.Tape).Assembly.Location);

    /// <summary>The .NET 10 reference assemblies, the SourceGrad runtime and the tape.</summary>
    public static ImmutableArray<MetadataReference> DefaultReferences { get; } =
        [.. Basic.Reference.Assemblies.Net100.References.All, RuntimeReference, TapeReference];

    public static SyntaxTree Parse(string source, string path) =>
        CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    public static CSharpCompilation Create(IEnumerable<SyntaxTree> trees, IEnumerable<MetadataReference>? references = null, string name = "Fuzz") =>
        CSharpCompilation.Create(name, trees, references ?? DefaultReferences, s_options);

    /// <summary>Runs the generator over <paramref name="input"/>; an exception inside it becomes a CS8785 diagnostic.</summary>
    public static GeneratorRun RunGenerator(CSharpCompilation input)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new GradientGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));
        driver = driver.RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorDriverRunResult result = driver.GetRunResult();
        ImmutableArray<GeneratedSourceResult> sources = result.Results.SelectMany(r => r.GeneratedSources).ToImmutableArray();
        Exception? exception = result.Results.Select(r => r.Exception).FirstOrDefault(e => e is not null);
        return new GeneratorRun((CSharpCompilation)output, generatorDiagnostics, sources, exception);
    }
}

/// <summary>What one generator run produced.</summary>
internal sealed record GeneratorRun(
    CSharpCompilation Output,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<GeneratedSourceResult> GeneratedSources,
    Exception? Exception)
{
    /// <summary>The generated file whose hint name starts with the given type and method, if any.</summary>
    public string? GeneratedText(string hintPrefix) =>
        GeneratedSources.FirstOrDefault(s => s.HintName.StartsWith(hintPrefix, StringComparison.Ordinal)).SourceText?.ToString();

    /// <summary>
    /// Emits the output compilation (emitting binds every method, so its diagnostics are the compile errors) and,
    /// when it succeeds, loads it into a fresh collectible context.
    /// </summary>
    public (LoadedAssembly? Assembly, ImmutableArray<Diagnostic> Errors) Emit()
    {
        using var stream = new MemoryStream();
        var emitted = Output.Emit(stream);
        ImmutableArray<Diagnostic> errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        if (!emitted.Success)
        {
            return (null, errors);
        }

        stream.Position = 0;
        var context = new AssemblyLoadContext("SourceGrad.Fuzz", isCollectible: true);
        return (new LoadedAssembly(context, context.LoadFromStream(stream)), errors);
    }
}

/// <summary>An assembly in a collectible context; dispose to let the context unload.</summary>
internal sealed class LoadedAssembly(AssemblyLoadContext context, Assembly assembly) : IDisposable
{
    public Assembly Assembly { get; } = assembly;

    public void Dispose() => context.Unload();
}
