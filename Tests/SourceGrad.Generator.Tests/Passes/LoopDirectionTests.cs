namespace SourceGrad.Generator.Tests.Passes;

public class LoopDirectionTests
{
    [Fact]
    public void A_reverse_loop_of_independent_iterations_runs_ascending()
    {
        (string before, string after) = PassHarness.BeforeAndAfter(SnapshotCases.SpanMlpLayer, "LoopDirection");

        Assert.Contains("for (int i = inputs - 1; i >= 0; i--)", before);
        Assert.Contains("for (int i = 0; i < inputs; i++)", after);
    }

    [Fact]
    public void A_reverse_loop_that_carries_an_adjoint_from_iteration_to_iteration_stays_descending()
    {
        // Horner's rule: each iteration's adjoint of p comes from the next iteration's.
        (string before, string after) = PassHarness.BeforeAndAfter(SnapshotCases.OverwrittenScalarInLoop, "LoopDirection");

        Assert.Equal(before, after);
    }

    [Fact]
    public void A_loop_whose_stack_records_pop_in_order_stays_descending()
    {
        (string before, string after) = PassHarness.BeforeAndAfter(SnapshotCases.EarlyReturnInLoop, "LoopDirection");

        Assert.Equal(before, after);
    }
}
