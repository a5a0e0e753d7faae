using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using SourceGrad.Checkpointing;
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

    /// <summary>
    /// The report writes the runtime's schedule as formulas of its own (the run length and the snapshots of
    /// <see cref="Revolve"/>): evaluated, they must give what the runtime computes, so a change to either fails here.
    /// </summary>
    [Fact]
    public void The_reported_formulas_give_the_runtime_schedule()
    {
        GeneratorRun run = s_run.Value;
        string Message(string method) =>
            Assert.Single(run.Reports, d => d.Id == "SG0037" && d.GetMessage().Contains($"'{method}'", StringComparison.Ordinal)).GetMessage();

        // Binomial, Snapshots = 8: "8·max(1, min(64, steps / 128))" bytes a run, "min(Snapshots, ⌈N / L⌉ − 1)" snapshots.
        const int snapshots = 8;
        Match run8 = Regex.Match(Message("Binomial"), @"max\(1, min\((\d+), steps / (\d+)\)\)");
        Assert.True(run8.Success, Message("Binomial"));
        int cap = int.Parse(run8.Groups[1].Value, CultureInfo.InvariantCulture), divisor = int.Parse(run8.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.Contains($"min(Snapshots, ⌈N / L⌉ − 1), N the loop's iterations, recorded L = max(1, min(8·Snapshots, N / (16·Snapshots)))", Message("Binomial"), StringComparison.Ordinal);
        Assert.Equal((8 * snapshots, 16 * snapshots), (cap, divisor));
        Assert.Contains("snapshots: ⌈N / ⌈√N⌉⌉ − 1 (N the loop's iterations, recorded ⌈√N⌉ at a time)", Message("SqrtN"), StringComparison.Ordinal);
        foreach (int steps in Enumerable.Range(0, 3000).Concat([8191, 8192, 8193, 100_000, 1_000_000]))
        {
            int length = Math.Max(1, Math.Min(cap, steps / divisor));
            Assert.Equal(Revolve.BinomialRecordLength(steps, snapshots), length);
            if (steps == 0)
            {
                continue;
            }

            using (Revolve binomial = Revolve.Binomial(steps, snapshots, length))
            {
                Assert.Equal(Math.Min(snapshots, CeilingDivide(steps, length) - 1), binomial.SnapshotCount);
            }

            int segment = CeilingSquareRoot(steps);
            Assert.Equal(Revolve.SegmentLength(steps), segment);
            using Revolve sqrtN = Revolve.SqrtN(steps);
            Assert.Equal(CeilingDivide(steps, segment) - 1, sqrtN.SnapshotCount);
        }
    }

    private static int CeilingDivide(int a, int b) => (a + b - 1) / b;

    /// <summary>⌈√n⌉ in integers: the least r with r² ≥ n.</summary>
    private static int CeilingSquareRoot(int n)
    {
        int r = 0;
        while ((long)r * r < n)
        {
            r++;
        }

        return r;
    }
}
