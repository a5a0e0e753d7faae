namespace SourceGrad.Tests.Catalogue;

public class EdgeCatalogueTests : CatalogueTest
{
    private const int N = 6;

    /// <summary>Checked by <see cref="ScalarTableTests"/>.</summary>
    internal static readonly ScalarCase[] Table =
    [
        ScalarCase.Double("BoolParameter(true)", [(-2, 2)],
            x => EdgeCatalogue.BoolParameter(x[0], true),
            (x, d, s) => EdgeCatalogue.BoolParameterGradient(x[0], true, ref d[0], s),
            (x, t) => (EdgeCatalogue.BoolParameterTangent(x[0], true, t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => EdgeCatalogue.BoolParameterHessianVector(x[0], true, v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("BoolParameter(false)", [(-2, 2)],
            x => EdgeCatalogue.BoolParameter(x[0], false),
            (x, d, s) => EdgeCatalogue.BoolParameterGradient(x[0], false, ref d[0], s),
            (x, t) => (EdgeCatalogue.BoolParameterTangent(x[0], false, t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => EdgeCatalogue.BoolParameterHessianVector(x[0], false, v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("ConstantsAndFields", [(-2, 2), (-1, 1), (0.5, 2)],
            x => EdgeCatalogue.ConstantsAndFields(x[0], x[1], x[2]),
            (x, d, s) => EdgeCatalogue.ConstantsAndFieldsGradient(x[0], x[1], x[2], ref d[0], ref d[1], ref d[2], s),
            (x, t) => (EdgeCatalogue.ConstantsAndFieldsTangent(x[0], x[1], x[2], t[0], t[1], t[2], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => EdgeCatalogue.ConstantsAndFieldsHessianVector(x[0], x[1], x[2], v[0], v[1], v[2], ref d[0], ref d[1], ref d[2], ref hv[0], ref hv[1], ref hv[2])),
        ScalarCase.Double("ReturnsFromDoAndWhile(limit 3)", [(0.1, 0.45)],
            x => EdgeCatalogue.ReturnsFromDoAndWhile(x[0], 3),
            (x, d, s) => EdgeCatalogue.ReturnsFromDoAndWhileGradient(x[0], 3, ref d[0], s),
            (x, t) => (EdgeCatalogue.ReturnsFromDoAndWhileTangent(x[0], 3, t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => EdgeCatalogue.ReturnsFromDoAndWhileHessianVector(x[0], 3, v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("ReturnsFromDoAndWhile(limit 20)", [(0.1, 0.45)],
            x => EdgeCatalogue.ReturnsFromDoAndWhile(x[0], 20),
            (x, d, s) => EdgeCatalogue.ReturnsFromDoAndWhileGradient(x[0], 20, ref d[0], s),
            (x, t) => (EdgeCatalogue.ReturnsFromDoAndWhileTangent(x[0], 20, t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => EdgeCatalogue.ReturnsFromDoAndWhileHessianVector(x[0], 20, v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("ContractionMap", [(-2, 2), (-1, 1)],
            x => EdgeCatalogue.ContractionMap(x[0], x[1], 5000),
            (x, d, s) => EdgeCatalogue.ContractionMapGradient(x[0], x[1], 5000, ref d[0], ref d[1], s),
            (x, t) => (EdgeCatalogue.ContractionMapTangent(x[0], x[1], 5000, t[0], t[1], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => EdgeCatalogue.ContractionMapHessianVector(x[0], x[1], 5000, v[0], v[1], ref d[0], ref d[1], ref hv[0], ref hv[1])),
        ScalarCase.Double("NamedArguments", [(0.5, 2), (0.5, 2)],
            x => EdgeCatalogue.NamedArguments(x[0], x[1]),
            (x, d, s) => EdgeCatalogue.NamedArgumentsGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (EdgeCatalogue.NamedArgumentsTangent(x[0], x[1], t[0], t[1], out var tangent), tangent)),
    ];

    [Fact]
    public void LocalsNamedLikeTemporaries() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Scalar("x", rng.Uniform(-2, 2));
        Arg<double> a = Arg.Of("a", rng.Doubles(N, -1, 1));
        FiniteDifference.Check([x, a],
            () => EdgeCatalogue.LocalsNamedLikeTemporaries(x.Value[0], a.Value),
            seed => EdgeCatalogue.LocalsNamedLikeTemporariesGradient(x.Value[0], a.Value, ref x.Grad[0], a.Grad, seed),
            () => (EdgeCatalogue.LocalsNamedLikeTemporariesTangent(x.Value[0], a.Value, x.Tangent[0], a.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => EdgeCatalogue.LocalsNamedLikeTemporariesHessianVector(x.Value[0], a.Value, x.Tangent[0], a.Tangent, ref x.Grad[0], a.Grad, ref x.Hv[0], a.Hv));
    });

    [Fact]
    public void LocalNamedLikeAdjoint() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Scalar("x", rng.Uniform(-2, 2));
        FiniteDifference.Check([x],
            () => EdgeCatalogue.LocalNamedLikeAdjoint(x.Value[0]),
            seed => EdgeCatalogue.LocalNamedLikeAdjointGradient(x.Value[0], ref x.Grad[0], seed),
            () => (EdgeCatalogue.LocalNamedLikeAdjointTangent(x.Value[0], x.Tangent[0], out var tangent), tangent),
            Precision.Double,
            hessianVector: () => EdgeCatalogue.LocalNamedLikeAdjointHessianVector(x.Value[0], x.Tangent[0], ref x.Grad[0], ref x.Hv[0]));
    });

    [Fact]
    public void LocalConstant() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Scalar("x", rng.Uniform(-2, 2));
        FiniteDifference.Check([x],
            () => EdgeCatalogue.LocalConstant(x.Value[0]),
            seed => EdgeCatalogue.LocalConstantGradient(x.Value[0], ref x.Grad[0], seed),
            () => (EdgeCatalogue.LocalConstantTangent(x.Value[0], x.Tangent[0], out var tangent), tangent),
            Precision.Double,
            hessianVector: () => EdgeCatalogue.LocalConstantHessianVector(x.Value[0], x.Tangent[0], ref x.Grad[0], ref x.Hv[0]));
    });

    /// <summary>The int output is written by the gradient as by the method, and gets no adjoint.</summary>
    [Fact]
    public void MaxWithIndex() => AtRandomPoints(rng =>
    {
        double[] values;
        do values = rng.Doubles(N, -2, 2);
        while (values.OrderDescending().Take(2).Aggregate((a, b) => a - b) < 0.05);

        int expected = Array.IndexOf(values, values.Max());
        Arg<double> x = Arg.Of("x", values);
        int[] index = [-1];
        FiniteDifference.Check([x],
            () => EdgeCatalogue.MaxWithIndex(x.Value, index),
            seed =>
            {
                index[0] = -1;
                return EdgeCatalogue.MaxWithIndexGradient(x.Value, index, x.Grad, seed);
            },
            () =>
            {
                index[0] = -1;
                return (EdgeCatalogue.MaxWithIndexTangent(x.Value, index, x.Tangent, out var tangent), tangent);
            },
            Precision.Double,
                hessianVector: () => EdgeCatalogue.MaxWithIndexHessianVector(x.Value, index, x.Tangent, x.Grad, x.Hv));
        Assert.Equal(expected, index[0]);
    });

    [Fact]
    public void UnusualLoops() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x],
            () => EdgeCatalogue.UnusualLoops(x.Value),
            seed => EdgeCatalogue.UnusualLoopsGradient(x.Value, x.Grad, seed),
            () => (EdgeCatalogue.UnusualLoopsTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => EdgeCatalogue.UnusualLoopsHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    /// <summary>Only y[0] is written: the rest of y passes its upstream gradient through.</summary>
    [Fact]
    public void WriteSquare() => AtRandomPoints(rng =>
    {
        Arg<double> v = Arg.Scalar("v", rng.Uniform(-2, 2));
        Arg<double> y = Arg.Written("y", rng.Doubles(3, -1, 1), rng.Doubles(3, -2, 2));
        FiniteDifference.Check([v, y],
            () => Void(() => EdgeCatalogue.WriteSquare(v.Value[0], y.Value)),
            _ => Void(() => EdgeCatalogue.WriteSquareGradient(v.Value[0], y.Value, ref v.Grad[0], y.Grad)),
            () => VoidTangent(() => EdgeCatalogue.WriteSquareTangent(v.Value[0], y.Value, v.Tangent[0], y.Tangent)),
            Precision.Double);
    });

    [Fact]
    public void SplitPositiveNegative() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.DoublesAwayFromZero(N, -2, 2, 0.1));
        Arg<double> positive = Arg.Written("positive", rng.Doubles(N, -1, 1), rng.Doubles(N, -2, 2));
        Arg<double> negative = Arg.Written("negative", rng.Doubles(N, -1, 1), rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x, positive, negative],
            () => Void(() => EdgeCatalogue.SplitPositiveNegative(x.Value, positive.Value, negative.Value)),
            _ => Void(() => EdgeCatalogue.SplitPositiveNegativeGradient(x.Value, positive.Value, negative.Value, x.Grad, positive.Grad, negative.Grad)),
            () => VoidTangent(() => EdgeCatalogue.SplitPositiveNegativeTangent(x.Value, positive.Value, negative.Value, x.Tangent, positive.Tangent, negative.Tangent)),
            Precision.Double);
    });

    [Fact]
    public void RepeatedSoftmax() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x],
            () => EdgeCatalogue.RepeatedSoftmax(x.Value, 3),
            seed => EdgeCatalogue.RepeatedSoftmaxGradient(x.Value, 3, x.Grad, seed),
            () => (EdgeCatalogue.RepeatedSoftmaxTangent(x.Value, 3, x.Tangent, out var tangent), tangent),
            Precision.Double);
    });

    [Fact]
    public void NarrowedAccumulation() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x],
            () => EdgeCatalogue.NarrowedAccumulation(x.Value),
            seed => EdgeCatalogue.NarrowedAccumulationGradient(x.Value, x.Grad, (float)seed),
            () => (EdgeCatalogue.NarrowedAccumulationTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Float,
            hessianVector: () => EdgeCatalogue.NarrowedAccumulationHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    [Fact]
    public void ConditionReadsElements() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -1.5, 1.5).Select(v => Math.Abs(v + 1) < 0.1 ? v + 0.3 : v).ToArray());
        FiniteDifference.Check([x],
            () => EdgeCatalogue.ConditionReadsElements(x.Value),
            seed => EdgeCatalogue.ConditionReadsElementsGradient(x.Value, x.Grad, seed),
            () => (EdgeCatalogue.ConditionReadsElementsTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => EdgeCatalogue.ConditionReadsElementsHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    /// <summary>Samples where the loop returns early and where it runs to the statement after it.</summary>
    [Fact]
    public void ExpUntilThenDouble() => AtRandomPoints(rng =>
    {
        const double Limit = 3;
        double[] values;
        do values = rng.Doubles(N, -1, 1.3);
        while (values.Any(v => Math.Abs(Math.Exp(v) - Limit) < 0.1));

        Arg<double> x = Arg.Of("x", values);
        Arg<double> y = Arg.Written("y", rng.Doubles(N, -1, 1), rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x, y],
            () => Void(() => EdgeCatalogue.ExpUntilThenDouble(x.Value, y.Value, Limit)),
            _ => Void(() => EdgeCatalogue.ExpUntilThenDoubleGradient(x.Value, y.Value, Limit, x.Grad, y.Grad)),
            () => VoidTangent(() => EdgeCatalogue.ExpUntilThenDoubleTangent(x.Value, y.Value, Limit, x.Tangent, y.Tangent)),
            Precision.Double);
    });

    [Fact]
    public void ArrayLocalThroughCallee() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, 0.2, 2));
        FiniteDifference.Check([x],
            () => EdgeCatalogue.ArrayLocalThroughCallee(x.Value),
            seed => EdgeCatalogue.ArrayLocalThroughCalleeGradient(x.Value, x.Grad, seed),
            () => (EdgeCatalogue.ArrayLocalThroughCalleeTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Double);
    });

    /// <summary>The same buffer as both arguments, with one adjoint (or one tangent) for both: contributions from each add up.</summary>
    [Fact]
    public void Aliased_arguments_share_one_adjoint()
    {
        double[] x = [0.5, -1.5, 2];
        double[] dX = [1, 1, 1];
        double value = BufferCatalogue.DotGradient(x, x, dX, dX);
        Assert.Equal(0.25 + 2.25 + 4, value);
        Assert.Equal([2, -2, 5], dX);
        double[] tX = [1, 10, 100];
        Assert.Equal(value, BufferCatalogue.DotTangent(x, x, tX, tX, out double tangent));
        Assert.Equal(2 * (0.5 - 15 + 200), tangent);
    }
}
