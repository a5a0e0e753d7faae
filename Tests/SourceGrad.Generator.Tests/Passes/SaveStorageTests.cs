namespace SourceGrad.Generator.Tests.Passes;

public class SaveStorageTests
{
    [Fact]
    public void A_value_saved_in_a_loop_with_a_trip_count_goes_into_a_buffer_indexed_by_iteration()
    {
        (_, string after) = PassHarness.BeforeAndAfter(SnapshotCases.OverwrittenScalarInLoop, "SaveStorage");

        Assert.Contains("_slotsBuffer1 = new PooledBuffer<double>(Math.Max(0, coefficients.Length - 1 - 0 + 1));", after);
        Assert.Contains("_slots1[(i - (coefficients.Length - 1)) / -1] = p;", after);
        Assert.Contains("p = _slots1[(i - (coefficients.Length - 1)) / -1];", after);
        Assert.Contains("_slotsBuffer1.Dispose();", after);
    }

    [Fact]
    public void A_value_saved_in_a_loop_without_a_trip_count_goes_on_the_stack()
    {
        (_, string after) = PassHarness.BeforeAndAfter(SnapshotCases.EarlyReturnInLoop, "SaveStorage");

        Assert.Contains("_savedDoubles.Push(acc);", after);
        Assert.Contains("acc = _savedDoubles.Pop();", after);
        Assert.Contains("_savedDoubles.Dispose();", after);
    }
}
