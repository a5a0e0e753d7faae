using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SourceGrad.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SourceGrad.Generator.Tests.ConsumerMatrix;

/// <summary>
/// Generated code compiles in every consumer project: the whole <see cref="ConsumerCorpus"/> is compiled once per
/// <see cref="ConsumerConfiguration"/>, with that project's compilation and parse options, and must come out with no
/// diagnostic at all; then every case's gradient runs from the one loaded assembly and must agree with central
/// differences.
/// </summary>
public class ConsumerMatrixTests(ITestOutputHelper output)
{
    public static TheoryData<string> Configurations() => new(ConsumerConfiguration.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Configurations))]
    public void The_corpus_compiles_with_no_diagnostic_and_its_gradients_agree_with_central_differences(string name)
    {
        ConsumerConfiguration configuration = ConsumerConfiguration.Named(name);
        GeneratorRun run = Build(configuration);

        Assert.True(run.GeneratorDiagnostics.IsEmpty, "the generator reported:\n" + string.Join("\n", run.GeneratorDiagnostics));
        Assert.All(run.Reports, d => Assert.Equal(DiagnosticSeverity.Info, d.Severity)); // SG0037 stays info under warnings as errors
        Diagnostic[] diagnostics = run.CompilationDiagnostics.Where(d => d.Severity != DiagnosticSeverity.Hidden).ToArray();
        Assert.True(diagnostics.Length == 0, $"{name}: {diagnostics.Length} diagnostics\n{Describe(diagnostics)}");

        Assembly assembly = run.Load();
        var failures = new List<string>();
        int checkedCases = 0;
        foreach (CorpusCase corpusCase in configuration.Cases)
        {
            try
            {
                Check(corpusCase, assembly);
                checkedCases++;
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException or TargetInvocationException)
            {
                failures.Add($"{corpusCase}: {e.Message}");
            }
        }

        output.WriteLine($"{name}: {run.Sources.Length} generated files, {checkedCases} cases agree with central differences");
        Assert.True(failures.Count == 0, $"{name}: {failures.Count} gradients disagree\n" + string.Join("\n", failures));
    }

    [Fact]
    public void Every_configuration_has_a_name_of_its_own()
    {
        Assert.Equal(ConsumerConfiguration.All.Count, ConsumerConfiguration.All.Select(c => c.Name).Distinct().Count());
    }

    /// <summary>
    /// The consumer's project as its compiler sees it: the corpus, the configuration's files and a harness per method,
    /// parsed at the configuration's language version, compiled with its options, and the generator run over it.
    /// </summary>
    private static GeneratorRun Build(ConsumerConfiguration configuration)
    {
        CSharpParseOptions parseOptions = configuration.ParseOptions;
        CSharpCompilation input = CSharpCompilation.Create(
            "Consumer",
            configuration.Files.Select(f => CSharpSyntaxTree.ParseText(f.Source, parseOptions, f.Path)),
            GeneratorRunner.References,
            configuration.CompilationOptions);

        string harnesses = string.Join("\n", configuration.Cases
            .Where(c => !c.InGenericType)
            .DistinctBy(c => c.HarnessName)
            .Select(c => SpanGradientCheck.HarnessFor(input, c.Type, c.Method, c.HarnessName)));
        input = input.AddSyntaxTrees(CSharpSyntaxTree.ParseText(harnesses, parseOptions, "Tests/Harnesses.cs"));
        return GeneratorRunner.Run(input, GeneratorRunner.CreateDriver(trackSteps: false, parseOptions));
    }

    private static void Check(CorpusCase corpusCase, Assembly assembly)
    {
        if (corpusCase.InGenericType)
        {
            Type closed = assembly.GetType(corpusCase.Type, throwOnError: true)!.MakeGenericType(typeof(int));
            GradientCheck.AssertMatchesFiniteDifferences(closed, corpusCase.Method, corpusCase.Arguments);
        }
        else
        {
            SpanGradientCheck.AssertMatchesFiniteDifferences(assembly.GetType(corpusCase.HarnessName, throwOnError: true)!, corpusCase.Arguments);
        }
    }

    /// <summary>Each diagnostic with the line it points at, so a failure in a generated file shows the code at fault.</summary>
    private static string Describe(IEnumerable<Diagnostic> diagnostics)
    {
        var text = new StringBuilder();
        foreach (Diagnostic diagnostic in diagnostics)
        {
            text.AppendLine(diagnostic.ToString());
            if (diagnostic.Location.SourceTree is { } tree)
            {
                int line = diagnostic.Location.GetLineSpan().StartLinePosition.Line;
                text.AppendLine("    " + tree.GetText().Lines[line].ToString().Trim());
            }
        }

        return text.ToString();
    }
}
