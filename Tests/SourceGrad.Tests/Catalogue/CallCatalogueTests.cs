namespace SourceGrad.Tests.Catalogue;

public class CallCatalogueTests : CatalogueTest
{
    private const int N = 5;

    /// <summary>Checked by <see cref="ScalarTableTests"/>.</summary>
    internal static readonly ScalarCase[] Table =
    [
        ScalarCase.Double("Square", [(-2, 2)],
            x => CallCatalogue.Square(x[0]),
            (x, d, s) => CallCatalogue.SquareGradient(x[0], ref d[0], s),
            (x, t) => (CallCatalogue.SquareTangent(x[0], t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => CallCatalogue.SquareHessianVector(x[0], v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("Logistic", [(-3, 3)],
            x => CallCatalogue.Logistic(x[0]),
            (x, d, s) => CallCatalogue.LogisticGradient(x[0], ref d[0], s),
            (x, t) => (CallCatalogue.LogisticTangent(x[0], t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => CallCatalogue.LogisticHessianVector(x[0], v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("ComposedScalars", [(-2, 2), (-2, 2)],
            x => CallCatalogue.ComposedScalars(x[0], x[1]),
            (x, d, s) => CallCatalogue.ComposedScalarsGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (CallCatalogue.ComposedScalarsTangent(x[0], x[1], t[0], t[1], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => CallCatalogue.ComposedScalarsHessianVector(x[0], x[1], v[0], v[1], ref d[0], ref d[1], ref hv[0], ref hv[1])),
        ScalarCase.Double("ChainOfCalls", [(-2, 2)],
            x => CallCatalogue.ChainOfCalls(x[0]),
            (x, d, s) => CallCatalogue.ChainOfCallsGradient(x[0], ref d[0], s),
            (x, t) => (CallCatalogue.ChainOfCallsTangent(x[0], t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => CallCatalogue.ChainOfCallsHessianVector(x[0], v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("InactiveArguments", [(-2, 2)],
            x => CallCatalogue.InactiveArguments(x[0], 3),
            (x, d, s) => CallCatalogue.InactiveArgumentsGradient(x[0], 3, ref d[0], s),
            (x, t) => (CallCatalogue.InactiveArgumentsTangent(x[0], 3, t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => CallCatalogue.InactiveArgumentsHessianVector(x[0], 3, v[0], ref d[0], ref hv[0])),
        ScalarCase.Float("FloatCalls", [(0.5, 2), (0.3, 2)],
            x => CallCatalogue.FloatCalls(x[0], x[1]),
            (x, d, s) => CallCatalogue.FloatCallsGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (CallCatalogue.FloatCallsTangent(x[0], x[1], t[0], t[1], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => CallCatalogue.FloatCallsHessianVector(x[0], x[1], v[0], v[1], ref d[0], ref d[1], ref hv[0], ref hv[1])),
        ScalarCase.Double("CallsIntoNestedAndStruct", [(-2, 2)],
            x => CallCatalogue.CallsIntoNestedAndStruct(x[0]),
            (x, d, s) => CallCatalogue.CallsIntoNestedAndStructGradient(x[0], ref d[0], s),
            (x, t) => (CallCatalogue.CallsIntoNestedAndStructTangent(x[0], t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => CallCatalogue.CallsIntoNestedAndStructHessianVector(x[0], v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("Nested.Inner", [(-2, 2)],
            x => CallCatalogue.Nested.Inner(x[0]),
            (x, d, s) => CallCatalogue.Nested.InnerGradient(x[0], ref d[0], s),
            (x, t) => (CallCatalogue.Nested.InnerTangent(x[0], t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => CallCatalogue.Nested.InnerHessianVector(x[0], v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("CatalogueStruct.Cube", [(-2, 2)],
            x => CatalogueStruct.Cube(x[0]),
            (x, d, s) => CatalogueStruct.CubeGradient(x[0], ref d[0], s),
            (x, t) => (CatalogueStruct.CubeTangent(x[0], t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => CatalogueStruct.CubeHessianVector(x[0], v[0], ref d[0], ref hv[0])),
    ];

    [Fact]
    public void Norm() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x],
            () => CallCatalogue.Norm(x.Value),
            seed => CallCatalogue.NormGradient(x.Value, x.Grad, seed),
            () => (CallCatalogue.NormTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => CallCatalogue.NormHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    [Fact]
    public void NormOfArray() => AtRandomPoints(rng =>
    {
        Arg<double> a = Arg.Of("a", rng.Doubles(N, -2, 2));
        FiniteDifference.Check([a],
            () => CallCatalogue.NormOfArray(a.Value),
            seed => CallCatalogue.NormOfArrayGradient(a.Value, a.Grad, seed),
            () => (CallCatalogue.NormOfArrayTangent(a.Value, a.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => CallCatalogue.NormOfArrayHessianVector(a.Value, a.Tangent, a.Grad, a.Hv));
    });

    [Fact]
    public void CallsInLoop() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x],
            () => CallCatalogue.CallsInLoop(x.Value),
            seed => CallCatalogue.CallsInLoopGradient(x.Value, x.Grad, seed),
            () => (CallCatalogue.CallsInLoopTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => CallCatalogue.CallsInLoopHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    [Fact]
    public void ExpectedValueUnderSoftmax() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -2, 2));
        Arg<double> values = Arg.Of("values", rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x, values],
            () => CallCatalogue.ExpectedValueUnderSoftmax(x.Value, values.Value),
            seed => CallCatalogue.ExpectedValueUnderSoftmaxGradient(x.Value, values.Value, x.Grad, values.Grad, seed),
            () => (CallCatalogue.ExpectedValueUnderSoftmaxTangent(x.Value, values.Value, x.Tangent, values.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => CallCatalogue.ExpectedValueUnderSoftmaxHessianVector(x.Value, values.Value, x.Tangent, values.Tangent, x.Grad, values.Grad, x.Hv, values.Hv));
    });

    [Fact]
    public void InPlaceCallsInLoop() => AtRandomPoints(rng =>
    {
        Arg<double> a = Arg.Written("a", rng.Doubles(N, -1, 1), rng.Doubles(N, -2, 2));
        Arg<double> scale = Arg.Scalar("scale", rng.Uniform(0.5, 1.2));
        FiniteDifference.Check([a, scale],
            () => Void(() => CallCatalogue.InPlaceCallsInLoop(a.Value, scale.Value[0], 3)),
            _ => Void(() => CallCatalogue.InPlaceCallsInLoopGradient(a.Value, scale.Value[0], 3, a.Grad, ref scale.Grad[0])),
            () => VoidTangent(() => CallCatalogue.InPlaceCallsInLoopTangent(a.Value, scale.Value[0], 3, a.Tangent, scale.Tangent[0])),
            Precision.Double);
    });

    [Fact]
    public void SoftPlusEnergy_uses_the_hand_written_span_rule() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x],
            () => CallCatalogue.SoftPlusEnergy(x.Value),
            seed => CallCatalogue.SoftPlusEnergyGradient(x.Value, x.Grad, seed),
            () => (CallCatalogue.SoftPlusEnergyTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => CallCatalogue.SoftPlusEnergyHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    [Fact]
    public void MultiplyInLoop_calls_the_rule_with_each_iterations_arguments() => AtRandomPoints(rng =>
    {
        Arg<float> x = Arg.Of("x", rng.Floats(N, -1.5, 1.5));
        FiniteDifference.Check([x],
            () => CallCatalogue.MultiplyInLoop(x.Value),
            seed => CallCatalogue.MultiplyInLoopGradient(x.Value, x.Grad, (float)seed),
            () => (CallCatalogue.MultiplyInLoopTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Float,
            hessianVector: () => CallCatalogue.MultiplyInLoopHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    /// <summary>
    /// The straight-through rule says d round(v)/dv = 1 where the body's true derivative is 0: the generated
    /// gradient and tangent must follow the rules, so here they differ from finite differences on purpose.
    /// </summary>
    [Theory]
    [InlineData(0.3)]
    [InlineData(-1.1)]
    [InlineData(2.7)]
    public void QuantizedTimesInput_follows_the_rule_not_the_body(double x)
    {
        double quantized = Math.Round(4 * x) / 4;
        double dX = 0.5;
        double value = CallCatalogue.QuantizedTimesInputGradient(x, ref dX, 2);
        Assert.Equal(quantized * x, value, 1e-12);
        Assert.Equal(0.5 + 2 * (quantized + x), dX, 1e-12);
        Assert.Equal(value, CallCatalogue.QuantizedTimesInputTangent(x, 2, out double tangent));
        Assert.Equal(2 * (quantized + x), tangent, 1e-12);

        // By the rules, d/dx = q + x and d²/dx² = 2 (the rule's tangent passes tDReturn straight through too).
        double gradient = 0, hv = 0.25;
        Assert.Equal(value, CallCatalogue.QuantizedTimesInputHessianVector(x, 1.5, ref gradient, ref hv));
        Assert.Equal(quantized + x, gradient, 1e-12);
        Assert.Equal(0.25 + 2 * 1.5, hv, 1e-12);
    }
}
