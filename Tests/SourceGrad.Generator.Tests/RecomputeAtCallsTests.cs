using Microsoft.CodeAnalysis;
using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests;

/// <summary>
/// Recompute at calls: which of a callee's methods a calling gradient's text calls (the numbers, bit for bit against
/// recomputation: Tests/SourceGrad.Tests, RecomputeAtCallsTests).
/// </summary>
public class RecomputeAtCallsTests
{
    private const string Caller = """

            [Differentiable]
            public static double Loss(double x, double w)
            {
                double s = 0;
                for (int t = 0; t < 4; t++)
                {
                    s += Cell(s + x, w);
                }

                return s + Cell(x, w);
            }
        }
        """;

    private static string Model(string attribute) => $$"""
        public static partial class Model
        {
            [{{attribute}}]
            public static double Cell(double x, double w) => Math.Tanh(w * x) * x;
        """ + Caller;

    private static string LossGradient(GeneratorRun run) => Of(run, "Model.Loss.", ".Gradient.g.cs");

    [Fact]
    public void A_callee_with_split_mode_keeps_its_state_the_forward_calls_its_forward_and_the_reverse_its_backward()
    {
        GeneratorRun run = GeneratorRunner.Run(Model("Differentiable(Split = true)"));

        run.AssertCompilesCleanly();
        string gradient = LossGradient(run);
        Assert.Contains("global::Model.CellSaved _cellSaved1 = default;", gradient, StringComparison.Ordinal);
        Assert.Contains("global::SourceGrad.Internal.StateStack<global::Model.CellSaved> _cellSavedStack1 = default;", gradient, StringComparison.Ordinal);
        Assert.Contains("global::Model.CellForward(_x, w, out _cellSaved1);", gradient, StringComparison.Ordinal);
        Assert.Contains("_cellSavedStack1.Push(_cellSaved1);", gradient, StringComparison.Ordinal);
        Assert.Contains("_cellSaved1 = _cellSavedStack1.Pop();", gradient, StringComparison.Ordinal);
        Assert.Contains("global::Model.CellBackward(_x, w, ref _cellSaved1, ", gradient, StringComparison.Ordinal);
        Assert.Contains("_cellSavedStack1.Dispose();", gradient, StringComparison.Ordinal);

        // The call outside the loop keeps its state in a local of its own, with no stack.
        Assert.Contains("global::Model.CellForward(x, w, out _cellSaved2);", gradient, StringComparison.Ordinal);
        Assert.Contains("global::Model.CellBackward(x, w, ref _cellSaved2, ", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("_cellSavedStack2", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("CellGradient(", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("global::Model.Cell(", gradient, StringComparison.Ordinal);

        // The saved-bytes report counts the kept states by the callee's own report, not as bytes of the caller.
        string report = Assert.Single(run.Reports, d => d.Id == "SG0037" && d.GetMessage().Contains("'Loss'", StringComparison.Ordinal)).GetMessage();
        Assert.Contains("the saved state of each call of 'Cell' (what CellForward keeps: its own report)", report, StringComparison.Ordinal);
        Assert.DoesNotContain("cellSaved", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Recompute_true_calls_the_callee_then_its_gradient_and_never_its_forward()
    {
        GeneratorRun run = GeneratorRunner.Run(Model("Differentiable(Split = true, Recompute = true)"));

        run.AssertCompilesCleanly();
        string gradient = LossGradient(run);
        Assert.Contains("global::Model.Cell(_x, w);", gradient, StringComparison.Ordinal);
        Assert.Contains("global::Model.CellGradient(_x, w, ", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("CellForward", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("CellBackward", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("CellSaved", gradient, StringComparison.Ordinal);

        // The callee still has its split pair, for code that calls it by hand.
        Assert.Contains("CellForward(double x, double w, out CellSaved saved)", Of(run, "Model.Cell.", ".Split.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_callee_without_split_mode_is_recomputed_as_before()
    {
        GeneratorRun run = GeneratorRunner.Run(Model("Differentiable"));

        run.AssertCompilesCleanly();
        string gradient = LossGradient(run);
        Assert.Contains("global::Model.CellGradient(_x, w, ", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("CellForward", gradient, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hand_written_forward_in_place_of_the_split_pair_leaves_callers_recomputing()
    {
        GeneratorRun run = GeneratorRunner.RunForDiagnostics(Model("Differentiable(Split = true)").Replace(
            "[Differentiable]\n    public static double Loss",
            "public static double CellForward(double x, double w) => x;\n\n    [Differentiable]\n    public static double Loss",
            StringComparison.Ordinal));

        Assert.Equal("SG0026", Assert.Single(run.GeneratorDiagnostics).Id);
        string gradient = LossGradient(run);
        Assert.Contains("global::Model.CellGradient(_x, w, ", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("CellForward(", gradient, StringComparison.Ordinal);
    }

    [Fact]
    public void Hessian_vector_products_recompute_their_callees()
    {
        GeneratorRun run = GeneratorRunner.Run(Model("Differentiable(Split = true)").Replace(
            "[Differentiable]\n    public static double Loss", "[Differentiable(HessianVector = true)]\n    public static double Loss", StringComparison.Ordinal));

        run.AssertCompilesCleanly();
        Assert.Contains("global::Model.CellForward(_x, w, out _cellSaved1);", Of(run, "Model.Loss.", ".Gradient.g.cs"), StringComparison.Ordinal);
        string product = Of(run, "Model.Loss.", ".HessianVector.g.cs");
        Assert.DoesNotContain("CellForward", product, StringComparison.Ordinal);
        Assert.DoesNotContain("CellBackward", product, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpointed_gradient_recomputes_its_callees_and_its_store_all_split_keeps_them()
    {
        GeneratorRun run = GeneratorRunner.Run(Model("Differentiable(Split = true)").Replace(
            "[Differentiable]\n    public static double Loss", "[Differentiable(Checkpoint = CheckpointMode.SqrtN, Split = true)]\n    public static double Loss",
            StringComparison.Ordinal));

        run.AssertCompilesCleanly();
        string gradient = Of(run, "Model.Loss.", ".Gradient.g.cs");
        Assert.Contains("global::Model.CellGradient(_x, w, ", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("CellForward", gradient, StringComparison.Ordinal);
        Assert.Contains("global::Model.CellForward(_x, w, out _cellSaved1);", Of(run, "Model.Loss.", ".Split.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_referenced_callee_without_its_split_pair_is_recomputed()
    {
        MetadataReference library = GeneratorRunner.LibraryReference("""
            public static partial class Library
            {
                [Differentiable(Split = true)]
                public static double Cell(double x, double w) => Math.Tanh(w * x) * x;
            }
            """);
        GeneratorRun run = GeneratorRunner.RunForDiagnostics(library, """
            public static partial class Model
            {
                [Differentiable]
                public static double Loss(double x, double w) => Library.Cell(x, w) * x;
            }
            """);

        string gradient = LossGradient(run);
        Assert.Contains("global::Library.CellGradient(x, w, ", gradient, StringComparison.Ordinal);
        Assert.DoesNotContain("CellForward", gradient, StringComparison.Ordinal);
    }

    private static string Of(GeneratorRun run, string method, string suffix) =>
        Assert.Single(run.Sources, s => s.HintName.Contains(method, StringComparison.Ordinal) && s.HintName.EndsWith(suffix, StringComparison.Ordinal)).Text;
}
