namespace SourceGrad.Tests.Catalogue;

public class ExtremumCatalogueTests : CatalogueTest
{
    /// <summary>
    /// Values in [−2, 2] at least 0.1 apart, in random order: finite differences of a maximum are only meaningful where
    /// no step changes which value is largest.
    /// </summary>
    private static double[] Separated(Random rng, int n)
    {
        double[] values = Enumerable.Range(0, n).Select(i => -2 + 4.0 * (i + 0.5) / Math.Max(n, 1) + (rng.NextDouble() - 0.5) * 0.02).ToArray();
        rng.Shuffle(values);
        return values;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(40)]
    public void ScaledMax(int n) => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", Separated(rng, n));
        Arg<double> w = Arg.Scalar("w", 0.5 + rng.NextDouble());
        FiniteDifference.Check([x, w],
            () => ExtremumCatalogue.ScaledMax(x.Value, w.Value[0]),
            seed => ExtremumCatalogue.ScaledMaxGradient(x.Value, w.Value[0], x.Grad, ref w.Grad[0], seed),
            () => (ExtremumCatalogue.ScaledMaxTangent(x.Value, w.Value[0], x.Tangent, w.Tangent[0], out var tangent), tangent),
            Precision.Double,
            hessianVector: () => ExtremumCatalogue.ScaledMaxHessianVector(x.Value, w.Value[0], x.Tangent, w.Tangent[0], x.Grad, ref w.Grad[0], x.Hv, ref w.Hv[0]));
    });

    [Fact]
    public void Ties_go_to_the_first_argument_of_Max()
    {
        double[] x = [1, 3, 3, 2];
        double[] first = new double[4], last = new double[4];
        Assert.Equal(3, ExtremumCatalogue.FirstMaxGradient(x, first, 2));
        Assert.Equal(3, ExtremumCatalogue.LastMaxGradient(x, last, 2));
        Assert.Equal([0, 2, 0, 0], first);
        Assert.Equal([0, 0, 2, 0], last);
        Assert.Equal(3, ExtremumCatalogue.FirstMaxTangent(x, [1, 10, 100, 1000], out double firstTangent));
        Assert.Equal(3, ExtremumCatalogue.LastMaxTangent(x, [1, 10, 100, 1000], out double lastTangent));
        Assert.Equal(10, firstTangent);
        Assert.Equal(100, lastTangent);
    }

    [Fact]
    public void A_maximum_that_never_takes_over_leaves_the_adjoint_with_the_value_before_the_loop()
    {
        double[] x = [4, 1, 2, 4];
        double[] dX = new double[4];
        Assert.Equal(4 * 4 + 3 * 4, ExtremumCatalogue.MaxAfterUseGradient(x, dX, 1));
        Assert.Equal([2 * 4 + 3, 0, 0, 0], dX);
        Assert.Equal(4 * 4 + 3 * 4, ExtremumCatalogue.MaxAfterUseTangent(x, [1, 10, 100, 1000], out double tangent));
        Assert.Equal(2 * 4 + 3, tangent);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(20)]
    public void MinOfLocalF(int n) => AtRandomPoints(rng =>
    {
        Arg<float> x = Arg.Of("x", Separated(rng, n).Select(v => (float)(Math.Round(v / FiniteDifference.FloatQuantum) * FiniteDifference.FloatQuantum)).ToArray());
        Arg<float> start = Arg.Scalar("start", 0.5f);
        FiniteDifference.Check([x, start],
            () => ExtremumCatalogue.MinOfLocalF(x.Value, start.Value[0]),
            seed => ExtremumCatalogue.MinOfLocalFGradient(x.Value, start.Value[0], x.Grad, ref start.Grad[0], (float)seed),
            () => (ExtremumCatalogue.MinOfLocalFTangent(x.Value, start.Value[0], x.Tangent, start.Tangent[0], out var tangent), tangent),
            Precision.Float,
            hessianVector: () => ExtremumCatalogue.MinOfLocalFHessianVector(x.Value, start.Value[0], x.Tangent, start.Tangent[0], x.Grad, ref start.Grad[0], x.Hv, ref start.Hv[0]));
    });

    [Theory]
    [InlineData(1, 4)]
    [InlineData(3, 5)]
    [InlineData(4, 1)]
    public void SumOfRowMaxima(int rows, int columns) => AtRandomPoints(rng =>
    {
        Arg<double> a = Arg.Of("a", Separated(rng, rows * columns));
        FiniteDifference.Check([a],
            () => ExtremumCatalogue.SumOfRowMaxima(a.Value, columns),
            seed => ExtremumCatalogue.SumOfRowMaximaGradient(a.Value, columns, a.Grad, seed),
            () => (ExtremumCatalogue.SumOfRowMaximaTangent(a.Value, columns, a.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => ExtremumCatalogue.SumOfRowMaximaHessianVector(a.Value, columns, a.Tangent, a.Grad, a.Hv));
    });

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(9)]
    public void MaxAfterUse(int n) => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", Separated(rng, n));
        FiniteDifference.Check([x],
            () => ExtremumCatalogue.MaxAfterUse(x.Value),
            seed => ExtremumCatalogue.MaxAfterUseGradient(x.Value, x.Grad, seed),
            () => (ExtremumCatalogue.MaxAfterUseTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => ExtremumCatalogue.MaxAfterUseHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });
}
