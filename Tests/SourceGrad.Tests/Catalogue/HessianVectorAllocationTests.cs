namespace SourceGrad.Tests.Catalogue;

/// <summary>
/// Generated Hessian-vector products allocate nothing in steady state: their saves and their tangents' go to pooled
/// buffers and stacks, and a written span's direction is copied into pooled storage.
/// </summary>
public class HessianVectorAllocationTests
{
    [Fact]
    public void Products_through_save_stacks_early_returns_and_spans_written_in_place_allocate_nothing()
    {
        double[] x = [0.5, -0.25, 1.5, 0.75, -1, 0.125, 2, 0.3];
        double[] v = [1, -0.5, 0.25, 2, -1, 0.5, 0.75, -0.125];
        double[] start = [0.9, -1.1, 0.4, 1.2, -0.7, 0.2, 0.6, -0.3];
        double[] a = new double[start.Length], dX = new double[x.Length], hvX = new double[x.Length];
        double dLimit = 0, hvLimit = 0, dThreshold = 0, hvThreshold = 0;

        void Round()
        {
            BufferCatalogue.BreakAndContinueHessianVector(x, 5, v, 0.5, dX, ref dLimit, hvX, ref hvLimit);
            BufferCatalogue.EarlyReturnInLoopHessianVector(x, 6, v, 0.25, dX, ref dThreshold, hvX, ref hvThreshold);
            start.CopyTo(a, 0);
            BufferCatalogue.SquareInPlaceHessianVector(a, v, dX, hvX);
        }

        Allocations.AssertSteadyStateAllocatesNothing(Round, steps: 100, warmup: 5);

        // The rounds did run: the products added something.
        Assert.NotEqual(0, hvX.Sum(Math.Abs));
    }
}
