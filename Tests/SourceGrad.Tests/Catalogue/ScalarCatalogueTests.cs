namespace SourceGrad.Tests.Catalogue;

public class ScalarCatalogueTests : CatalogueTest
{
    private static readonly (double, double) Symmetric = (-2, 2);
    private static readonly (double, double) Positive = (0.5, 3);

    /// <summary>Checked by <see cref="ScalarTableTests"/>.</summary>
    internal static readonly ScalarCase[] Table =
    [
        ScalarCase.Double("Polynomial", [Symmetric],
            x => ScalarCatalogue.Polynomial(x[0]),
            (x, d, s) => ScalarCatalogue.PolynomialGradient(x[0], ref d[0], s),
            (x, t) => (ScalarCatalogue.PolynomialTangent(x[0], t[0], out var tangent), tangent)),
        ScalarCase.Double("Quotient", [(0.5, 2), (0.5, 2)],
            x => ScalarCatalogue.Quotient(x[0], x[1]),
            (x, d, s) => ScalarCatalogue.QuotientGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ScalarCatalogue.QuotientTangent(x[0], x[1], t[0], t[1], out var tangent), tangent)),
        ScalarCase.Double("UnaryOperators", [Symmetric, Symmetric],
            x => ScalarCatalogue.UnaryOperators(x[0], x[1]),
            (x, d, s) => ScalarCatalogue.UnaryOperatorsGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ScalarCatalogue.UnaryOperatorsTangent(x[0], x[1], t[0], t[1], out var tangent), tangent)),
        ScalarCase.Double("ExpLog", [Positive],
            x => ScalarCatalogue.ExpLog(x[0]),
            (x, d, s) => ScalarCatalogue.ExpLogGradient(x[0], ref d[0], s),
            (x, t) => (ScalarCatalogue.ExpLogTangent(x[0], t[0], out var tangent), tangent)),
        ScalarCase.Double("Log2Log10", [Positive, Positive],
            x => ScalarCatalogue.Log2Log10(x[0], x[1]),
            (x, d, s) => ScalarCatalogue.Log2Log10Gradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ScalarCatalogue.Log2Log10Tangent(x[0], x[1], t[0], t[1], out var tangent), tangent)),
        ScalarCase.Double("SqrtCbrt", [(-3, 3), (0.1, 1)],
            x => ScalarCatalogue.SqrtCbrt(x[0], x[1]),
            (x, d, s) => ScalarCatalogue.SqrtCbrtGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ScalarCatalogue.SqrtCbrtTangent(x[0], x[1], t[0], t[1], out var tangent), tangent),
            accept: x => Math.Abs(x[0] - x[1]) > 0.2),
        ScalarCase.Double("PowBothActive", [(0.5, 2), Symmetric],
            x => ScalarCatalogue.PowBothActive(x[0], x[1]),
            (x, d, s) => ScalarCatalogue.PowBothActiveGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ScalarCatalogue.PowBothActiveTangent(x[0], x[1], t[0], t[1], out var tangent), tangent)),
        ScalarCase.Double("PowConstantExponent", [Symmetric],
            x => ScalarCatalogue.PowConstantExponent(x[0]),
            (x, d, s) => ScalarCatalogue.PowConstantExponentGradient(x[0], ref d[0], s),
            (x, t) => (ScalarCatalogue.PowConstantExponentTangent(x[0], t[0], out var tangent), tangent)),
        ScalarCase.Double("Trigonometric", [(-1.5, 1.5)],
            x => ScalarCatalogue.Trigonometric(x[0]),
            (x, d, s) => ScalarCatalogue.TrigonometricGradient(x[0], ref d[0], s),
            (x, t) => (ScalarCatalogue.TrigonometricTangent(x[0], t[0], out var tangent), tangent)),
        ScalarCase.Double("InverseTrigonometric", [(-0.9, 0.9)],
            x => ScalarCatalogue.InverseTrigonometric(x[0]),
            (x, d, s) => ScalarCatalogue.InverseTrigonometricGradient(x[0], ref d[0], s),
            (x, t) => (ScalarCatalogue.InverseTrigonometricTangent(x[0], t[0], out var tangent), tangent)),
        ScalarCase.Double("Angle", [Symmetric, Symmetric],
            x => ScalarCatalogue.Angle(x[0], x[1]),
            (x, d, s) => ScalarCatalogue.AngleGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ScalarCatalogue.AngleTangent(x[0], x[1], t[0], t[1], out var tangent), tangent),
            // Away from the origin and from the branch cut along the negative x axis.
            accept: x => Math.Sqrt(x[0] * x[0] + x[1] * x[1]) > 0.3 && !(x[1] < 0 && Math.Abs(x[0]) < 0.2)),
        ScalarCase.Double("Hyperbolic", [Symmetric],
            x => ScalarCatalogue.Hyperbolic(x[0]),
            (x, d, s) => ScalarCatalogue.HyperbolicGradient(x[0], ref d[0], s),
            (x, t) => (ScalarCatalogue.HyperbolicTangent(x[0], t[0], out var tangent), tangent)),
        ScalarCase.Double("AbsoluteValue", [Symmetric, Symmetric],
            x => ScalarCatalogue.AbsoluteValue(x[0], x[1]),
            (x, d, s) => ScalarCatalogue.AbsoluteValueGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ScalarCatalogue.AbsoluteValueTangent(x[0], x[1], t[0], t[1], out var tangent), tangent),
            accept: x => Math.Abs(x[0] - x[1]) > 0.1 && Math.Abs(x[0]) > 0.1),
        ScalarCase.Double("MinMax", [Symmetric, Symmetric],
            x => ScalarCatalogue.MinMax(x[0], x[1]),
            (x, d, s) => ScalarCatalogue.MinMaxGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ScalarCatalogue.MinMaxTangent(x[0], x[1], t[0], t[1], out var tangent), tangent),
            accept: x => Math.Abs(x[0] - x[1]) > 0.1 && Math.Abs(x[0] - 2 * x[1]) > 0.1),
        ScalarCase.Double("Clamped", [Symmetric, (0, 2)],
            x => ScalarCatalogue.Clamped(x[0], x[1]),
            (x, d, s) => ScalarCatalogue.ClampedGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ScalarCatalogue.ClampedTangent(x[0], x[1], t[0], t[1], out var tangent), tangent),
            accept: x => Math.Abs(x[0] * x[0] - x[1]) > 0.1 && Math.Abs(x[0] * x[0] - x[1] - 1) > 0.1),
        ScalarCase.Double("FusedMultiplyAdd", [Symmetric, Symmetric, Symmetric],
            x => ScalarCatalogue.FusedMultiplyAdd(x[0], x[1], x[2]),
            (x, d, s) => ScalarCatalogue.FusedMultiplyAddGradient(x[0], x[1], x[2], ref d[0], ref d[1], ref d[2], s),
            (x, t) => (ScalarCatalogue.FusedMultiplyAddTangent(x[0], x[1], x[2], t[0], t[1], t[2], out var tangent), tangent)),
        ScalarCase.Double("PiecewiseConstant", [(-3, 3)],
            x => ScalarCatalogue.PiecewiseConstant(x[0]),
            (x, d, s) => ScalarCatalogue.PiecewiseConstantGradient(x[0], ref d[0], s),
            (x, t) => (ScalarCatalogue.PiecewiseConstantTangent(x[0], t[0], out var tangent), tangent),
            accept: x => ScalarCase.DistanceToGrid(x[0], 0.5) > 0.05),
        ScalarCase.Float("ExpLogF", [Positive],
            x => ScalarCatalogue.ExpLogF(x[0]),
            (x, d, s) => ScalarCatalogue.ExpLogFGradient(x[0], ref d[0], s),
            (x, t) => (ScalarCatalogue.ExpLogFTangent(x[0], t[0], out var tangent), tangent)),
        ScalarCase.Float("SqrtCbrtPowF", [(0.5, 2), Symmetric],
            x => ScalarCatalogue.SqrtCbrtPowF(x[0], x[1]),
            (x, d, s) => ScalarCatalogue.SqrtCbrtPowFGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ScalarCatalogue.SqrtCbrtPowFTangent(x[0], x[1], t[0], t[1], out var tangent), tangent),
            accept: x => Math.Abs(x[1]) > 0.2),
        ScalarCase.Float("TrigonometricF", [(-1.5, 1.5)],
            x => ScalarCatalogue.TrigonometricF(x[0]),
            (x, d, s) => ScalarCatalogue.TrigonometricFGradient(x[0], ref d[0], s),
            (x, t) => (ScalarCatalogue.TrigonometricFTangent(x[0], t[0], out var tangent), tangent)),
        ScalarCase.Float("InverseTrigonometricF", [(-0.8, 0.8), (-0.8, 0.8)],
            x => ScalarCatalogue.InverseTrigonometricF(x[0], x[1]),
            (x, d, s) => ScalarCatalogue.InverseTrigonometricFGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ScalarCatalogue.InverseTrigonometricFTangent(x[0], x[1], t[0], t[1], out var tangent), tangent)),
        ScalarCase.Float("HyperbolicF", [Symmetric],
            x => ScalarCatalogue.HyperbolicF(x[0]),
            (x, d, s) => ScalarCatalogue.HyperbolicFGradient(x[0], ref d[0], s),
            (x, t) => (ScalarCatalogue.HyperbolicFTangent(x[0], t[0], out var tangent), tangent)),
        ScalarCase.Float("AbsMinMaxClampF", [Symmetric, Symmetric],
            x => ScalarCatalogue.AbsMinMaxClampF(x[0], x[1]),
            (x, d, s) => ScalarCatalogue.AbsMinMaxClampFGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ScalarCatalogue.AbsMinMaxClampFTangent(x[0], x[1], t[0], t[1], out var tangent), tangent),
            accept: x => Math.Abs(x[0]) > 0.15 && Math.Abs(x[1]) > 0.15 && Math.Abs(x[0] - x[1]) > 0.15
                && Math.Abs(Math.Abs(x[0] * x[1]) - 0.5) > 0.15),
        ScalarCase.Float("FusedMultiplyAddF", [Symmetric, Symmetric, Symmetric],
            x => ScalarCatalogue.FusedMultiplyAddF(x[0], x[1], x[2]),
            (x, d, s) => ScalarCatalogue.FusedMultiplyAddFGradient(x[0], x[1], x[2], ref d[0], ref d[1], ref d[2], s),
            (x, t) => (ScalarCatalogue.FusedMultiplyAddFTangent(x[0], x[1], x[2], t[0], t[1], t[2], out var tangent), tangent)),
        ScalarCase.Float("PiecewiseConstantF", [(-3, 3)],
            x => ScalarCatalogue.PiecewiseConstantF(x[0]),
            (x, d, s) => ScalarCatalogue.PiecewiseConstantFGradient(x[0], ref d[0], s),
            (x, t) => (ScalarCatalogue.PiecewiseConstantFTangent(x[0], t[0], out var tangent), tangent),
            accept: x => ScalarCase.DistanceToGrid(x[0], 0.5) > 0.1),
        ScalarCase.Double("NarrowingResult", [(-1, 1)],
            x => ScalarCatalogue.NarrowingResult(x[0]),
            (x, d, s) => ScalarCatalogue.NarrowingResultGradient(x[0], ref d[0], (float)s),
            (x, t) => (ScalarCatalogue.NarrowingResultTangent(x[0], t[0], out var tangent), tangent),
            precision: Precision.Float),
        ScalarCase.Double("Locals", [Symmetric, Symmetric],
            x => ScalarCatalogue.Locals(x[0], x[1]),
            (x, d, s) => ScalarCatalogue.LocalsGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ScalarCatalogue.LocalsTangent(x[0], x[1], t[0], t[1], out var tangent), tangent)),
        ScalarCase.Double("CompoundAssignments", [Symmetric, Symmetric],
            x => ScalarCatalogue.CompoundAssignments(x[0], x[1]),
            (x, d, s) => ScalarCatalogue.CompoundAssignmentsGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ScalarCatalogue.CompoundAssignmentsTangent(x[0], x[1], t[0], t[1], out var tangent), tangent)),
        ScalarCase.Double("OverwrittenLocal", [(-1.5, 1.5)],
            x => ScalarCatalogue.OverwrittenLocal(x[0]),
            (x, d, s) => ScalarCatalogue.OverwrittenLocalGradient(x[0], ref d[0], s),
            (x, t) => (ScalarCatalogue.OverwrittenLocalTangent(x[0], t[0], out var tangent), tangent)),
        ScalarCase.Double("OverwrittenParameter", [(-1, 1), (-1, 1)],
            x => ScalarCatalogue.OverwrittenParameter(x[0], x[1]),
            (x, d, s) => ScalarCatalogue.OverwrittenParameterGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ScalarCatalogue.OverwrittenParameterTangent(x[0], x[1], t[0], t[1], out var tangent), tangent)),
        ScalarCase.Double("IntegerParameter", [Symmetric],
            x => ScalarCatalogue.IntegerParameter(x[0], 3),
            (x, d, s) => ScalarCatalogue.IntegerParameterGradient(x[0], 3, ref d[0], s),
            (x, t) => (ScalarCatalogue.IntegerParameterTangent(x[0], 3, t[0], out var tangent), tangent)),
        ScalarCase.Double("ConstantScale", [Symmetric],
            x => ScalarCatalogue.ConstantScale(x[0], 0.7),
            (x, d, s) => ScalarCatalogue.ConstantScaleGradient(x[0], 0.7, ref d[0], s),
            (x, t) => (ScalarCatalogue.ConstantScaleTangent(x[0], 0.7, t[0], out var tangent), tangent)),
        ScalarCase.Float("ConstantScaleF", [Symmetric],
            x => ScalarCatalogue.ConstantScaleF(1.5f, x[0], 3),
            (x, d, s) => ScalarCatalogue.ConstantScaleFGradient(1.5f, x[0], 3, ref d[0], s),
            (x, t) => (ScalarCatalogue.ConstantScaleFTangent(1.5f, x[0], 3, t[0], out var tangent), tangent)),
        ScalarCase.Double("InternalSquare", [Symmetric],
            x => ScalarCatalogue.InternalSquare(x[0]),
            (x, d, s) => ScalarCatalogue.InternalSquareGradient(x[0], ref d[0], s),
            (x, t) => (ScalarCatalogue.InternalSquareTangent(x[0], t[0], out var tangent), tangent)),
    ];

    /// <summary>float and double parameters in one method: each adjoint has its parameter's type.</summary>
    [Fact]
    public void MixedPrecision() => AtRandomPoints(rng =>
    {
        Arg<float> x = Arg.Scalar("x", rng.QuantizedFloat(-1.5, 1.5));
        Arg<double> y = Arg.Scalar("y", rng.Uniform(-1.5, 1.5));
        FiniteDifference.Check(
            [x, y],
            () => ScalarCatalogue.MixedPrecision(x.Value[0], y.Value[0]),
            seed => ScalarCatalogue.MixedPrecisionGradient(x.Value[0], y.Value[0], ref x.Grad[0], ref y.Grad[0], seed),
            () => (ScalarCatalogue.MixedPrecisionTangent(x.Value[0], y.Value[0], x.Tangent[0], y.Tangent[0], out var tangent), tangent),
            Precision.Float);
    });

    /// <summary>
    /// xʸ for x &lt; 0 (an integer y): along a direction that keeps y fixed the tangent is y·xʸ⁻¹·tX, though Log(x) is
    /// NaN; the gradient keeps the NaN in dY, where it belongs, and dX finite.
    /// </summary>
    [Fact]
    public void Pow_of_a_negative_base_has_a_finite_tangent_along_the_base()
    {
        double value = ScalarCatalogue.PowBothActiveTangent(-2, 2, 1, 0, out double tangent);
        Assert.Equal(4, value);
        Assert.Equal(-4, tangent);

        double dX = 0, dY = 0;
        ScalarCatalogue.PowBothActiveGradient(-2, 2, ref dX, ref dY);
        Assert.Equal(-4, dX);
        Assert.True(double.IsNaN(dY), "the derivative in the exponent of a negative base is NaN");
    }
}
