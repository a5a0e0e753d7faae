using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests;

/// <summary>
/// The incremental pipeline caches: after a rerun or an edit that does not touch a [Differentiable] method,
/// every output of every tracked step is Cached or Unchanged (so nothing is emitted again), as in
/// NetEscapades.EnumGenerators' and Mapperly's incremental tests.
/// </summary>
public class IncrementalCachingTests
{
    /// <summary>Every tracked step name the generator declares.</summary>
    public static IReadOnlyList<string> TrackedStepNames { get; } = typeof(StepNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    /// <summary>
    /// Differentiable methods (one calling a rule, one with an error, one with its tangent and split mode, one with its
    /// Hessian-vector product), the rule and its
    /// tangent rule, and a plain method last, in one file: every step has work.
    /// </summary>
    private const string Model = SnapshotCases.CallToRule + "\n\n" + DiagnosticTests.MethodWithAnError + "\n\n" + """
        public static partial class Lecture
        {
            [TangentOf(nameof(Multiply))]
            public static double MultiplyTangent(double a, double b, double tA, double tB, out double tangent)
            {
                tangent = tA * b + a * tB;
                return a * b;
            }
        }

        public static partial class Model
        {
            [Differentiable(Tangent = true, Split = true)]
            public static void Layer(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, Span<float> output)
            {
                for (int i = 0; i < output.Length; i++)
                {
                    float sum = 0;
                    for (int j = 0; j < input.Length; j++)
                    {
                        sum += weights[i * input.Length + j] * input[j];
                    }

                    output[i] = sum > 0 ? sum : 0.01f * sum;
                }
            }

            [Differentiable(HessianVector = true)]
            public static float Energy(ReadOnlySpan<float> x)
            {
                float energy = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    energy += x[i] * x[i] * x[i];
                }

                return energy;
            }

            [Differentiable(Checkpoint = CheckpointMode.SqrtN, Split = true)]
            public static double Horizon(double w, ReadOnlySpan<double> x)
            {
                double h = 0;
                for (int t = 0; t < x.Length; t++)
                {
                    h = Math.Tanh(w * h + x[t]);
                }

                return h;
            }

            public static int Unrelated(int a) => a + 1;
        }
        """;

    private const string OtherFile = """
        public static class Helpers
        {
            public static int Twice(int a) => 2 * a;
        }
        """;

    private static (CSharpCompilation Compilation, GeneratorDriver Driver) FirstRun()
    {
        CSharpCompilation compilation = GeneratorRunner.CreateCompilation(
            (GeneratorRunner.Prelude + Model, "Model.cs"),
            (GeneratorRunner.Prelude + OtherFile, "Helpers.cs"),
            (GeneratorRunner.ImplicitUsings, "GlobalUsings.cs"));
        GeneratorDriver driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);
        GeneratorRunResult first = Assert.Single(driver.GetRunResult().Results);
        Assert.Null(first.Exception);
        Assert.Equal(9, first.GeneratedSources.Length); // four gradients (one checkpointed), a tangent, two splits, a Hessian-vector product and its seeded overload
        foreach (string step in TrackedStepNames)
        {
            Assert.True(first.TrackedSteps.ContainsKey(step), $"The step '{step}' did not run or is not tracked.");
        }

        return (compilation, driver);
    }

    [Fact]
    public void Every_step_name_is_tracked_and_its_outputs_are_new_on_the_first_run()
    {
        (_, GeneratorDriver driver) = FirstRun();
        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);

        foreach (string step in TrackedStepNames)
        {
            Assert.All(result.TrackedSteps[step].SelectMany(s => s.Outputs), output => Assert.Equal(IncrementalStepRunReason.New, output.Reason));
        }
    }

    [Fact]
    public void Running_again_on_the_same_compilation_leaves_every_output_cached()
    {
        (CSharpCompilation compilation, GeneratorDriver driver) = FirstRun();

        driver = driver.RunGenerators(compilation.Clone());

        AssertEveryOutputCachedOrUnchanged(driver);
    }

    [Fact]
    public void Adding_an_unrelated_file_leaves_every_output_cached()
    {
        (CSharpCompilation compilation, GeneratorDriver driver) = FirstRun();

        driver = driver.RunGenerators(compilation.AddSyntaxTrees(
            CSharpSyntaxTree.ParseText("public static class Extra { public static int Three => 3; }", GeneratorRunner.ParseOptions, "Extra.cs")));

        AssertEveryOutputCachedOrUnchanged(driver);
    }

    [Fact]
    public void Editing_an_unrelated_file_leaves_every_output_cached()
    {
        (CSharpCompilation compilation, GeneratorDriver driver) = FirstRun();

        driver = driver.RunGenerators(ReplaceText(compilation, "Helpers.cs", "2 * a", "a + a + a"));

        AssertEveryOutputCachedOrUnchanged(driver);
    }

    [Fact]
    public void Editing_a_plain_method_below_the_differentiable_ones_leaves_every_output_cached()
    {
        (CSharpCompilation compilation, GeneratorDriver driver) = FirstRun();

        driver = driver.RunGenerators(ReplaceText(compilation, "Model.cs", "a + 1", "a + 2"));

        AssertEveryOutputCachedOrUnchanged(driver);
    }

    [Fact]
    public void Inserting_a_line_above_the_methods_moves_their_diagnostics_but_emits_no_source_again()
    {
        (CSharpCompilation compilation, GeneratorDriver driver) = FirstRun();

        driver = driver.RunGenerators(ReplaceText(compilation, "Model.cs", "public static partial class Lecture", "// a new first line\npublic static partial class Lecture"));

        // Recognition keeps locations (diagnostics must move with the code); the emitted text must not change.
        // A source output's value is the pair (added sources, reported diagnostics): only those that add sources count.
        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);
        Assert.Contains(result.TrackedSteps[StepNames.Diagnostics].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        var emitting = result.TrackedSteps[StepNames.Emission].SelectMany(s => s.Outputs)
            .Concat(result.TrackedOutputSteps.SelectMany(p => p.Value).SelectMany(s => s.Outputs)
                .Where(o => o.Value is System.Runtime.CompilerServices.ITuple { Length: 2 } pair && pair[0] is System.Collections.ICollection { Count: > 0 }));
        Assert.All(emitting, output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{output.Reason}: {output.Value}"));
    }

    [Fact]
    public void Editing_a_differentiable_method_regenerates_it_and_only_it()
    {
        // The control: the caching assertions above could pass vacuously if nothing were ever rerun.
        (CSharpCompilation compilation, GeneratorDriver driver) = FirstRun();

        driver = driver.RunGenerators(ReplaceText(compilation, "Model.cs", "0.01f * sum", "0.02f * sum"));

        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);
        var emission = result.TrackedSteps[StepNames.Emission].SelectMany(s => s.Outputs).ToList();
        Assert.Single(emission, output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.All(result.GeneratedSources.Where(s => s.HintName.Contains("Layer", StringComparison.Ordinal)),
            source => Assert.Contains("0.02f * sum", source.SourceText.ToString(), StringComparison.Ordinal));
        Assert.Single(result.TrackedSteps[StepNames.TangentEmission].SelectMany(s => s.Outputs), output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Single(result.TrackedSteps[StepNames.SplitEmission].SelectMany(s => s.Outputs), output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.All(emission.Where(o => o.Reason != IncrementalStepRunReason.Modified),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
    }

    private static CSharpCompilation ReplaceText(CSharpCompilation compilation, string path, string oldText, string newText)
    {
        SyntaxTree tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        string text = tree.GetText().ToString();
        Assert.Contains(oldText, text, StringComparison.Ordinal);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text.Replace(oldText, newText, StringComparison.Ordinal))));
    }

    private static void AssertEveryOutputCachedOrUnchanged(GeneratorDriver driver)
    {
        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);
        Assert.Null(result.Exception);
        var steps = TrackedStepNames.Select(name => (name, result.TrackedSteps[name]))
            .Concat(result.TrackedOutputSteps.Select(pair => (name: "output " + pair.Key, pair.Value)));
        foreach ((string name, var runs) in steps)
        {
            foreach ((object value, IncrementalStepRunReason reason) in runs.SelectMany(run => run.Outputs))
            {
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"An output of the step '{name}' is {reason}: {value}");
            }
        }
    }
}
