using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests;

/// <summary>Split mode's generated text and diagnostics (its numbers: Tests/SourceGrad.Tests, SplitModeTests and SplitCatalogueTests).</summary>
public class SplitTests
{
    [Fact]
    public void A_hand_written_method_with_the_forwards_name_is_SG0026_and_blocks_only_the_split()
    {
        const string Source = """
            public static partial class Model
            {
                [Differentiable(Split = true)]
                public static double Loss(double x) => x * x;

                public static double LossForward(double x) => x * x;
            }
            """;
        GeneratorRun run = GeneratorRunner.RunForDiagnostics(Source);

        Assert.Equal("SG0026", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Contains("'LossForward' or 'LossBackward'", Assert.Single(run.GeneratorDiagnostics).GetMessage(), StringComparison.Ordinal);
        Assert.Single(run.Sources, s => s.HintName.EndsWith(".Gradient.g.cs", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Sources, s => s.HintName.EndsWith(".Split.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_parameter_named_saved_leaves_the_state_parameter_another_name()
    {
        const string Source = """
            public static partial class Model
            {
                [Differentiable(Split = true)]
                public static double Scaled(double x, [NoGrad] double saved) => Math.Exp(x) * saved;
            }
            """;
        GeneratorRun run = GeneratorRunner.Run(Source);

        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertCompilesCleanly();
        string split = run.Source(".Split.g.cs").Text;
        Assert.Contains("ScaledForward(double x, double saved, out ScaledSaved saved_2)", split, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_what_the_reverse_sweep_reads_crosses_and_zero_adjoints_start_on_the_backward_side()
    {
        GeneratorRun run = GeneratorRunner.Run(SnapshotCases.EarlyReturnInLoop.Replace("[Differentiable]", "[Differentiable(Split = true)]", StringComparison.Ordinal));

        run.AssertCompilesCleanly();
        string split = run.Source(".Split.g.cs").Text;
        string state = split[split.IndexOf("struct FirstAboveSaved", StringComparison.Ordinal)..split.IndexOf("public void Dispose()", StringComparison.Ordinal)];
        Assert.Contains("internal double _acc;", state, StringComparison.Ordinal);
        Assert.Contains("SaveStack<double> __savedDoubles;", state, StringComparison.Ordinal);
        Assert.DoesNotContain("_result1", state, StringComparison.Ordinal); // returned by the forward, never read backward
        Assert.DoesNotContain("_dAcc", state, StringComparison.Ordinal);    // zero at the boundary: declared again
        string backward = split[split.IndexOf("FirstAboveBackward(", StringComparison.Ordinal)..];
        Assert.Contains("double _dAcc = 0d;", backward, StringComparison.Ordinal);
    }
}
