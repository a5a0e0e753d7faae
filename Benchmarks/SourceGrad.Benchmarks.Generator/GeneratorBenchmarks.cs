using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Benchmarks;
using SourceGrad.Generator;

// Benchmarks/report.sh adds --report quick|full (see ReportMode).
IConfig config = ReportMode.Parse(ref args);
BenchmarkSwitcher.FromAssembly(typeof(GeneratorBenchmarks).Assembly).Run(args, config);

/// <summary>
/// The generator's cost: a first run over a file with 1, 10 and 100 differentiable methods, and the re-run
/// after an edit to another file (which must leave every output cached, so it should cost next to nothing).
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private GeneratorDriver _warmDriver = null!;
    private CSharpCompilation _edited = null!;

    [Params(1, 10, 100)]
    public int Methods { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var references = Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(SourceGrad.DifferentiableAttribute).Assembly.Location));
        _compilation = CSharpCompilation.Create(
            "Bench",
            [CSharpSyntaxTree.ParseText(Source(Methods), parse), CSharpSyntaxTree.ParseText("class Unrelated { int A; }", parse)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _warmDriver = NewDriver().RunGenerators(_compilation);
        SyntaxTree unrelated = _compilation.SyntaxTrees[1];
        _edited = _compilation.ReplaceSyntaxTree(unrelated, CSharpSyntaxTree.ParseText("class Unrelated { int A; int B; }", parse));

        // A build runs generators in the long-lived compiler server (or the IDE), where Roslyn's and the generator's
        // code has long been compiled at the JIT's top tier. A quick job's few short iterations end before tiering
        // settles, so they would time tier-0 code: run every contender, alike, until a round takes no less time
        // than the round before. Two seconds were not enough: the JIT's background tiering of Roslyn's code takes
        // longer on two cores, and a one-method file then timed 3.6-5 ms instead of 0.8-0.9 ms.
        var warming = System.Diagnostics.Stopwatch.StartNew();
        double previous = double.MaxValue;
        int steady = 0;
        while (warming.Elapsed < TimeSpan.FromSeconds(20) && (steady < 3 || warming.Elapsed < TimeSpan.FromSeconds(3)))
        {
            double round = WarmingRound();
            steady = round >= 0.97 * previous ? steady + 1 : 0;
            previous = Math.Min(previous, round);
        }
    }

    /// <summary>Every contender for half a second; returns the fastest run of a first run, in milliseconds.</summary>
    private double WarmingRound()
    {
        var round = System.Diagnostics.Stopwatch.StartNew();
        var call = new System.Diagnostics.Stopwatch();
        double fastest = double.MaxValue;
        while (round.Elapsed < TimeSpan.FromSeconds(0.5))
        {
            call.Restart();
            FirstRun();
            fastest = Math.Min(fastest, call.Elapsed.TotalMilliseconds);
            BindingOnly();
            RerunAfterUnrelatedEdit();
        }

        return fastest;
    }

    [Benchmark(Description = "first run")]
    public GeneratorDriver FirstRun() => NewDriver().RunGenerators(_compilation);

    /// <summary>
    /// What any generator that reads method bodies pays: the same discovery, and binding each body to its
    /// operations, with no differentiation. The difference to "first run" is SourceGrad's own work.
    /// </summary>
    [Benchmark(Description = "binding only (baseline)")]
    public GeneratorDriver BindingOnly() =>
        CSharpGeneratorDriver.Create([new BindingOnlyGenerator().AsSourceGenerator()], parseOptions: new CSharpParseOptions(LanguageVersion.Latest))
            .RunGenerators(_compilation);

    [Benchmark(Description = "re-run after an unrelated edit")]
    public GeneratorDriver RerunAfterUnrelatedEdit() => _warmDriver.RunGenerators(_edited);

    private static GeneratorDriver NewDriver() =>
        CSharpGeneratorDriver.Create(
            [new GradientGenerator().AsSourceGenerator()],
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));

    /// <summary>A file of small but real models: a loss with a loop, a branch and an intrinsic each.</summary>
    private static string Source(int methods)
    {
        var source = new StringBuilder("using System; using SourceGrad;\nnamespace Bench;\npublic static partial class Models\n{\n");
        for (int i = 0; i < methods; i++)
        {
            source.Append($$"""
                [Differentiable]
                public static double Model{{i}}(ReadOnlySpan<double> w, double scale, [NoGrad] ReadOnlySpan<double> x)
                {
                    double total = 0;
                    for (int k = 0; k < w.Length; k++)
                    {
                        double z = w[k] * x[k] * scale + {{i}};
                        total += z > 0 ? Math.Tanh(z) : 0.1 * z;
                    }

                    return total * total;
                }

            """);
        }

        return source.Append("}\n").ToString();
    }

    private sealed class BindingOnlyGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var bodies = context.SyntaxProvider.ForAttributeWithMetadataName(
                "SourceGrad.DifferentiableAttribute",
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax,
                static (c, token) => c.SemanticModel.GetOperation(c.TargetNode, token)?.Descendants().Count() ?? 0);
            context.RegisterSourceOutput(bodies, static (_, _) => { });
        }
    }
}
