namespace SourceGrad.Generator.Tests.Passes;

public class LoopScopedAdjointsTests
{
    [Fact]
    public void The_adjoint_of_a_local_of_the_loop_body_is_declared_in_the_reverse_loop_and_not_zeroed_at_its_end()
    {
        (string before, string after) = PassHarness.BeforeAndAfter(SnapshotCases.SpanMlpLayer, "LoopScopedAdjoints");

        string[] beforeLines = PassHarness.Lines(before);
        string[] afterLines = PassHarness.Lines(after);
        Assert.Contains("float _dSum = 0f;", beforeLines.Take(3));
        Assert.Contains("_dSum = 0f;", beforeLines);
        Assert.DoesNotContain("float _dSum = 0f;", afterLines.Take(3));
        Assert.DoesNotContain("_dSum = 0f;", afterLines);

        // Declared first thing in the body of the reverse loop over o.
        int loop = Array.IndexOf(afterLines, "for (int o = outputs - 1; o >= 0; o--)");
        Assert.True(loop > 0, after);
        Assert.Equal("float _dSum = 0f;", afterLines[loop + 2]);
    }
}
