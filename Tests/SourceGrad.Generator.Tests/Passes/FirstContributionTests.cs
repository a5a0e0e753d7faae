namespace SourceGrad.Generator.Tests.Passes;

public class FirstContributionTests
{
    [Fact]
    public void An_adjoint_that_starts_at_zero_takes_its_first_contribution_as_its_value()
    {
        (string before, string after) = PassHarness.BeforeAndAfter(SnapshotCases.LectureLoss, "FirstContribution");

        Assert.Contains("_dError += _d1 * 0.5d;", before);
        Assert.Contains("_dError = _d1 * 0.5d;", after);

        // The second contribution still adds.
        Assert.Contains("_dError += seed * _e1;", after);
    }

    [Fact]
    public void An_adjoint_first_reached_inside_a_loop_still_starts_from_zero()
    {
        (string before, string after) = PassHarness.BeforeAndAfter(SnapshotCases.OverwrittenScalarInLoop, "FirstContribution");

        // _dP is first added to before the loop (return p), then inside it: only the first changes.
        Assert.Contains("_dP += seed;", before);
        Assert.Contains("_dP = seed;", after);
        Assert.Contains("_dP += _t1 * x;", after);
    }
}
