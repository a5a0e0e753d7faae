using Microsoft.CodeAnalysis;
using SourceGrad.Generator.Model;
using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests;

/// <summary>
/// What flows between pipeline steps is plain, equatable data: no symbol, syntax, semantic model,
/// compilation, Roslyn location or operation survives recognition (as the dotnet/runtime and NetEscapades
/// generators require).
/// </summary>
public class ModelPurityTests
{
    /// <summary>Methods of every kind the tests know, with and without diagnostics, and a rule.</summary>
    public static TheoryData<string> Corpora() => new()
    {
        "snapshot cases",
        "diagnostic cases",
        "supported constructs",
        "unsupported constructs",
    };

    private static IEnumerable<string> Corpus(string name) => name switch
    {
        "snapshot cases" => SnapshotCases.All.Values,
        "diagnostic cases" => DiagnosticCases.ById.Values.Select(c => MarkedSource.Parse(c.Snippet).Text),
        "supported constructs" => SupportedConstructTests.Examples.Values.Select(e => e.Source),
        "unsupported constructs" => UnsupportedConstructTests.Constructs.Values.Select(c => MarkedSource.Parse(c.Snippet).Text),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a corpus."),
    };

    [Theory]
    [MemberData(nameof(Corpora))]
    public void Step_outputs_hold_no_compilation_objects_and_compare_by_value(string corpus)
    {
        int models = 0;
        foreach (string source in Corpus(corpus))
        {
            GeneratorRunResult result = Assert.Single(GeneratorRunner.RunForDiagnostics(source).Driver.GetRunResult().Results);
            foreach ((string step, var runs) in result.TrackedSteps.Where(pair => IncrementalCachingTests.TrackedStepNames.Contains(pair.Key)))
            {
                foreach ((object? value, _) in runs.SelectMany(run => run.Outputs))
                {
                    models += value is MethodModel ? 1 : 0;
                    List<string> problems = ModelGraph.Problems(value);
                    Assert.True(problems.Count == 0, $"An output of '{step}' is unfit for caching:\n{string.Join("\n", problems)}");
                }
            }
        }

        Assert.True(models > 0, "No MethodModel was inspected.");
    }

    [Fact]
    public void The_walker_finds_compilation_objects_and_reference_equality()
    {
        // The control: a walker that never complains would make the test above pass vacuously.
        Compilation compilation = GeneratorRunner.CreateCompilation("class C { }");
        var problems = ModelGraph.Problems(new Holder(compilation, compilation.SyntaxTrees.First().GetRoot(), new[] { 1 }, new object()));

        Assert.Contains(problems, p => p.Contains("Compilation", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("SyntaxNode", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("array", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("compares by reference", StringComparison.Ordinal) && p.Contains("System.Object", StringComparison.Ordinal));
    }

    [Fact]
    public void The_walker_looks_inside_equatable_arrays_and_allows_their_storage()
    {
        Compilation compilation = GeneratorRunner.CreateCompilation("class C { }");
        var nested = new Nested(new[] { new Holder(compilation, compilation.SyntaxTrees.First().GetRoot(), new[] { 1 }, new object()) }.ToEquatableArray());

        List<string> problems = ModelGraph.Problems(nested);

        Assert.Contains(problems, p => p.StartsWith("Nested.Items._items[0].Compilation", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.StartsWith("Nested.Items._items is an array", StringComparison.Ordinal));
    }

    [Fact]
    public void Recognising_the_same_source_twice_gives_equal_models()
    {
        MethodModel first = Assert.Single(Models(SnapshotCases.SpanMlpLayer));
        MethodModel second = Assert.Single(Models(SnapshotCases.SpanMlpLayer));

        Assert.NotSame(first, second);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    private static IEnumerable<MethodModel> Models(string source) =>
        Assert.Single(GeneratorRunner.Run(source).Driver.GetRunResult().Results)
            .TrackedSteps[StepNames.Recognition]
            .SelectMany(run => run.Outputs)
            .Select(output => (MethodModel)output.Value);

    private sealed record Nested(EquatableArray<Holder> Items);

    private sealed record Holder(Compilation Compilation, SyntaxNode Node, int[] Numbers, object Plain);
}
