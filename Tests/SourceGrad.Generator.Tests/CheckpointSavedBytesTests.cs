using Microsoft.CodeAnalysis;
using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests;

/// <summary>
/// The saved-bytes report of a checkpointed gradient: SG0037 and <c>MGradient</c>'s doc comment say the same, what the
/// checkpointed gradient holds (its snapshots and one recorded run, not every iteration), in the attribute's terms and
/// without the generated code's names.
/// </summary>
public class CheckpointSavedBytesTests
{
    private const string Source = """
        public static partial class Held
        {
            [Differentiable(Checkpoint = CheckpointMode.Binomial, Snapshots = 8)]
            public static double Binomial(double w, ReadOnlySpan<double> x, int steps)
            {
                double h = 0;
                for (int t = 0; t < steps; t++)
                {
                    h = Math.Tanh(w * h + x[t]);
                }

                return h;
            }

            [Differentiable(Checkpoint = CheckpointMode.SqrtN)]
            public static double SqrtN(double w, ReadOnlySpan<double> x, int steps)
            {
                double h = 0;
                for (int t = 0; t < steps; t++)
                {
                    h = Math.Tanh(w * h + x[t]);
                }

                return h;
            }
        }
        """;

    private static readonly Lazy<GeneratorRun> s_run = new(() =>
    {
        GeneratorRun run = GeneratorRunner.Run(Source);
        run.AssertCompilesCleanly();
        return run;
    });

    [Theory]
    [InlineData("Binomial", "8·max(1, min(64, steps / 128))", "snapshots: at most 8 (min(Snapshots, ⌈N / L⌉ − 1)")]
    [InlineData("SqrtN", "8·⌈√steps⌉", "snapshots: ⌈N / ⌈√N⌉⌉ − 1")]
    public void The_diagnostic_and_the_doc_comment_say_what_the_checkpointed_gradient_holds(string method, string formula, string snapshots)
    {
        GeneratorRun run = s_run.Value;
        string message = Assert.Single(run.Reports, d => d.Id == "SG0037" && d.GetMessage().Contains($"'{method}'", StringComparison.Ordinal)).GetMessage();
        string gradient = Assert.Single(run.Sources, s => s.HintName.Contains($".{method}.", StringComparison.Ordinal) && s.HintName.EndsWith(".Gradient.g.cs", StringComparison.Ordinal)).Text;
        string remarks = gradient.Split('\n').Single(l => l.Contains("/// Saves ", StringComparison.Ordinal)).Trim();

        Assert.Contains("saves " + formula, message, StringComparison.Ordinal);
        Assert.Contains(snapshots, message, StringComparison.Ordinal);
        Assert.DoesNotContain("_schedule", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Revolve", message, StringComparison.Ordinal);
        string said = message.Substring(message.IndexOf(" saves ", StringComparison.Ordinal) + " saves ".Length);
        Assert.Equal("/// Saves " + said.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal) + ".", remarks);
    }
}
