using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SourceGrad.Oracle;
using SourceGrad.Tests.Catalogue;

namespace SourceGrad.Tests.Oracle;

/// <summary>
/// The catalogue's methods translated to the scalar tape (<see cref="TapeTranslator"/>) and compiled in memory, with a
/// harness per method that calls the tape version and one that calls the generated gradient compiled into this
/// test assembly (docs/tape-oracle.md).
/// </summary>
internal sealed class CatalogueOracle
{
    public const string AssemblyName = "SourceGrad.CatalogueOracle";

    /// <summary>Catalogue methods the oracle leaves out, and why.</summary>
    public static readonly Dictionary<string, string> Excluded = new()
    {
        ["CallCatalogue.QuantizedTimesInput"] =
            "calls StraightThroughRound, whose hand-written rule deliberately differs from its body's derivative (the tape differentiates bodies)",
    };

    private static readonly Lazy<CatalogueOracle> s_instance = new(() => new CatalogueOracle());

    private readonly Dictionary<string, (TapeHarness.Call Tape, TapeHarness.Call Generated, IMethodSymbol Method)> _methods = [];

    private readonly Dictionary<string, TapeHarness.Call> _splits = [];

    public static CatalogueOracle Instance => s_instance.Value;

    /// <summary>"Type.Method" of every catalogue method compared.</summary>
    public IReadOnlyCollection<string> Names => _methods.Keys;

    public (TapeHarness.Call Tape, TapeHarness.Call Generated, IMethodSymbol Method) this[string name] => _methods[name];

    /// <summary>The translated source, for failure messages.</summary>
    public string TranslatedSource { get; }

    private CatalogueOracle()
    {
        string folder = Path.Combine(RepositoryRoot(), "Tests", "SourceGrad.Tests", "Catalogue");
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        List<SyntaxTree> trees = Directory.GetFiles(folder, "*Catalogue.cs")
            .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), parse, path))
            .Append(CSharpSyntaxTree.ParseText("global using System;\nglobal using System.Linq;\nglobal using System.Collections.Generic;\n", parse, "Usings.cs"))
            .ToList();
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
            .WithAllowUnsafe(true).WithOptimizationLevel(OptimizationLevel.Release).WithNullableContextOptions(NullableContextOptions.Enable);
        var source = CSharpCompilation.Create("Catalogue", trees, References(), options);

        var methods = new List<IMethodSymbol>();
        foreach (SyntaxTree tree in trees)
        {
            SemanticModel model = source.GetSemanticModel(tree);
            foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>())
            {
                if (model.GetDeclaredSymbol(declaration) is IMethodSymbol method
                    && method.GetAttributes().Any(a => a.AttributeClass?.Name == "DifferentiableAttribute")
                    && !Excluded.ContainsKey(Name(method)))
                {
                    methods.Add(method);
                }
            }
        }

        TranslatedSource = TapeTranslator.Translate(source, methods, TapeOutput.Standalone);
        var harness = new StringBuilder("namespace SourceGrad.Oracle.Harness\n{\npublic static class Calls\n{\n");
        foreach (IMethodSymbol method in methods)
        {
            harness.Append(TapeHarness.OnTape(method, Identifier(method) + "_Tape", TapeOutput.Standalone));
            harness.Append(TapeHarness.Generated(method, Identifier(method) + "_Generated"));
            harness.Append(TapeHarness.Generated(method, Identifier(method) + "_Split", split: true));
        }

        harness.Append("}\n}\n");
        var oracle = CSharpCompilation.Create(
            AssemblyName,
            [CSharpSyntaxTree.ParseText(TranslatedSource, parse, "Translated.cs"), CSharpSyntaxTree.ParseText(harness.ToString(), parse, "Harness.cs")],
            References().Append(MetadataReference.CreateFromFile(typeof(SourceGrad.Tape.Tape).Assembly.Location))
                .Append(MetadataReference.CreateFromFile(typeof(CatalogueOracle).Assembly.Location)),
            options.WithNullableContextOptions(NullableContextOptions.Disable));
        using var stream = new MemoryStream();
        var emitted = oracle.Emit(stream);
        if (!emitted.Success)
        {
            throw new InvalidOperationException("the translated catalogue does not compile:\n"
                + string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)) + "\n" + TranslatedSource);
        }

        Assembly assembly = Assembly.Load(stream.ToArray());
        Type calls = assembly.GetType("SourceGrad.Oracle.Harness.Calls", throwOnError: true)!;
        foreach (IMethodSymbol method in methods)
        {
            _methods[Name(method)] = (
                calls.GetMethod(Identifier(method) + "_Tape")!.CreateDelegate<TapeHarness.Call>(),
                calls.GetMethod(Identifier(method) + "_Generated")!.CreateDelegate<TapeHarness.Call>(),
                method);
            _splits[Name(method)] = calls.GetMethod(Identifier(method) + "_Split")!.CreateDelegate<TapeHarness.Call>();
        }
    }

    /// <summary>The harness that runs a method's split mode (<c>MForward</c> then <c>MBackward</c>) through the same arguments.</summary>
    public TapeHarness.Call Split(string name) => _splits[name];

    /// <summary>Translates the [Differentiable] methods of one source file (for tests of the translator itself).</summary>
    public static string TranslateSource(string source)
    {
        SyntaxTree tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), "Snippet.cs");
        var compilation = CSharpCompilation.Create("Snippet", [tree], References(), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        SemanticModel model = compilation.GetSemanticModel(tree);
        IEnumerable<IMethodSymbol> methods = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>()
            .Select(d => model.GetDeclaredSymbol(d)!)
            .Where(m => m.GetAttributes().Any(a => a.AttributeClass?.Name == "DifferentiableAttribute"));
        return TapeTranslator.Translate(compilation, methods, TapeOutput.Standalone);
    }

    /// <summary>"Type.Method", with nested types as Outer.Inner.</summary>
    public static string Name(IMethodSymbol method)
    {
        string type = method.ContainingType.Name;
        for (INamedTypeSymbol? outer = method.ContainingType.ContainingType; outer is not null; outer = outer.ContainingType) type = outer.Name + "." + type;
        return type + "." + method.Name;
    }

    private static string Identifier(IMethodSymbol method) => Name(method).Replace('.', '_');

    /// <summary>The running framework's assemblies and the SourceGrad runtime (no network, no reference packs needed).</summary>
    private static IEnumerable<MetadataReference> References() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(DifferentiableAttribute).Assembly.Location));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SourceGrad.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("SourceGrad.sln not found above " + AppContext.BaseDirectory);
    }
}
