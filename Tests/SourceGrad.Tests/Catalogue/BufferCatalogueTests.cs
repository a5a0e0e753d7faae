namespace SourceGrad.Tests.Catalogue;

public class BufferCatalogueTests : CatalogueTest
{
    private const int N = 6;

    [Fact]
    public void SumOfSquares() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x],
            () => BufferCatalogue.SumOfSquares(x.Value),
            seed => BufferCatalogue.SumOfSquaresGradient(x.Value, x.Grad, seed),
            () => (BufferCatalogue.SumOfSquaresTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => BufferCatalogue.SumOfSquaresHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    [Fact]
    public void Dot() => AtRandomPoints(rng =>
    {
        Arg<double> a = Arg.Of("a", rng.Doubles(N, -2, 2));
        Arg<double> b = Arg.Of("b", rng.Doubles(N, -2, 2));
        FiniteDifference.Check([a, b],
            () => BufferCatalogue.Dot(a.Value, b.Value),
            seed => BufferCatalogue.DotGradient(a.Value, b.Value, a.Grad, b.Grad, seed),
            () => (BufferCatalogue.DotTangent(a.Value, b.Value, a.Tangent, b.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => BufferCatalogue.DotHessianVector(a.Value, b.Value, a.Tangent, b.Tangent, a.Grad, b.Grad, a.Hv, b.Hv));
    });

    [Fact]
    public void Product() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.DoublesAwayFromZero(N, -2, 2, 0.3));
        FiniteDifference.Check([x],
            () => BufferCatalogue.Product(x.Value),
            seed => BufferCatalogue.ProductGradient(x.Value, x.Grad, seed),
            () => (BufferCatalogue.ProductTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => BufferCatalogue.ProductHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    [Fact]
    public void ReversedArrayDot() => AtRandomPoints(rng =>
    {
        Arg<double> a = Arg.Of("a", rng.Doubles(N, -2, 2));
        Arg<double> b = Arg.Of("b", rng.Doubles(N, -2, 2));
        FiniteDifference.Check([a, b],
            () => BufferCatalogue.ReversedArrayDot(a.Value, b.Value),
            seed => BufferCatalogue.ReversedArrayDotGradient(a.Value, b.Value, a.Grad, b.Grad, seed),
            () => (BufferCatalogue.ReversedArrayDotTangent(a.Value, b.Value, a.Tangent, b.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => BufferCatalogue.ReversedArrayDotHessianVector(a.Value, b.Value, a.Tangent, b.Tangent, a.Grad, b.Grad, a.Hv, b.Hv));
    });

    [Fact]
    public void DotF() => AtRandomPoints(rng =>
    {
        Arg<float> a = Arg.Of("a", rng.Floats(N, -2, 2));
        Arg<float> b = Arg.Of("b", rng.Floats(N, -2, 2));
        FiniteDifference.Check([a, b],
            () => BufferCatalogue.DotF(a.Value, b.Value),
            seed => BufferCatalogue.DotFGradient(a.Value, b.Value, a.Grad, b.Grad, (float)seed),
            () => (BufferCatalogue.DotFTangent(a.Value, b.Value, a.Tangent, b.Tangent, out var tangent), tangent),
            Precision.Float,
            hessianVector: () => BufferCatalogue.DotFHessianVector(a.Value, b.Value, a.Tangent, b.Tangent, a.Grad, b.Grad, a.Hv, b.Hv));
    });

    [Fact]
    public void LogSumExp() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -3, 3));
        FiniteDifference.Check([x],
            () => BufferCatalogue.LogSumExp(x.Value),
            seed => BufferCatalogue.LogSumExpGradient(x.Value, x.Grad, seed),
            () => (BufferCatalogue.LogSumExpTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => BufferCatalogue.LogSumExpHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    [Fact]
    public void Variance() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x],
            () => BufferCatalogue.Variance(x.Value),
            seed => BufferCatalogue.VarianceGradient(x.Value, x.Grad, seed),
            () => (BufferCatalogue.VarianceTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => BufferCatalogue.VarianceHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    [Fact]
    public void Horner() => AtRandomPoints(rng =>
    {
        Arg<double> coefficients = Arg.Of("coefficients", rng.Doubles(N, -2, 2));
        Arg<double> x = Arg.Scalar("x", rng.Uniform(-1.5, 1.5));
        FiniteDifference.Check([coefficients, x],
            () => BufferCatalogue.Horner(coefficients.Value, x.Value[0]),
            seed => BufferCatalogue.HornerGradient(coefficients.Value, x.Value[0], coefficients.Grad, ref x.Grad[0], seed),
            () => (BufferCatalogue.HornerTangent(coefficients.Value, x.Value[0], coefficients.Tangent, x.Tangent[0], out var tangent), tangent),
            Precision.Double,
            hessianVector: () => BufferCatalogue.HornerHessianVector(coefficients.Value, x.Value[0], coefficients.Tangent, x.Tangent[0], coefficients.Grad, ref x.Grad[0], coefficients.Hv, ref x.Hv[0]));
    });

    [Fact]
    public void NestedLoops() => AtRandomPoints(rng =>
    {
        int rows = rng.Next(1, 4), cols = rng.Next(1, 5);
        Arg<double> a = Arg.Of("a", rng.Doubles(rows * cols, -1, 1));
        FiniteDifference.Check([a],
            () => BufferCatalogue.NestedLoops(a.Value, rows, cols),
            seed => BufferCatalogue.NestedLoopsGradient(a.Value, rows, cols, a.Grad, seed),
            () => (BufferCatalogue.NestedLoopsTangent(a.Value, rows, cols, a.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => BufferCatalogue.NestedLoopsHessianVector(a.Value, rows, cols, a.Tangent, a.Grad, a.Hv));
    });

    [Fact]
    public void TriangularLoops() => AtRandomPoints(rng =>
    {
        Arg<double> a = Arg.Of("a", rng.Doubles(N, -2, 2));
        FiniteDifference.Check([a],
            () => BufferCatalogue.TriangularLoops(a.Value),
            seed => BufferCatalogue.TriangularLoopsGradient(a.Value, a.Grad, seed),
            () => (BufferCatalogue.TriangularLoopsTangent(a.Value, a.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => BufferCatalogue.TriangularLoopsHessianVector(a.Value, a.Tangent, a.Grad, a.Hv));
    });

    [Fact]
    public void BranchesInLoop() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.DoublesAwayFromZero(N, -2, 2, 0.1));
        FiniteDifference.Check([x],
            () => BufferCatalogue.BranchesInLoop(x.Value),
            seed => BufferCatalogue.BranchesInLoopGradient(x.Value, x.Grad, seed),
            () => (BufferCatalogue.BranchesInLoopTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => BufferCatalogue.BranchesInLoopHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    [Fact]
    public void BreakAndContinue() => AtRandomPoints(rng =>
    {
        // The running sum is compared with the limit: keep the comparisons clear of equality.
        double[] values;
        double limit;
        do
        {
            values = rng.DoublesAwayFromZero(N, -2, 2, 0.1);
            limit = rng.Uniform(1, 4);
        }
        while (!BreakDecisionsAreClear(values, limit));

        Arg<double> x = Arg.Of("x", values);
        Arg<double> l = Arg.Scalar("limit", limit);
        FiniteDifference.Check([x, l],
            () => BufferCatalogue.BreakAndContinue(x.Value, l.Value[0]),
            seed => BufferCatalogue.BreakAndContinueGradient(x.Value, l.Value[0], x.Grad, ref l.Grad[0], seed),
            () => (BufferCatalogue.BreakAndContinueTangent(x.Value, l.Value[0], x.Tangent, l.Tangent[0], out var tangent), tangent),
            Precision.Double,
            hessianVector: () => BufferCatalogue.BreakAndContinueHessianVector(x.Value, l.Value[0], x.Tangent, l.Tangent[0], x.Grad, ref l.Grad[0], x.Hv, ref l.Hv[0]));
    });

    [Fact]
    public void EarlyReturnInLoop() => AtRandomPoints(rng =>
    {
        double[] values;
        double threshold;
        do
        {
            values = rng.Doubles(N, -1, 1);
            threshold = rng.Uniform(2, 12);
        }
        while (!ExpSumCrossingIsClear(values, threshold));

        Arg<double> x = Arg.Of("x", values);
        Arg<double> t = Arg.Scalar("threshold", threshold);
        FiniteDifference.Check([x, t],
            () => BufferCatalogue.EarlyReturnInLoop(x.Value, t.Value[0]),
            seed => BufferCatalogue.EarlyReturnInLoopGradient(x.Value, t.Value[0], x.Grad, ref t.Grad[0], seed),
            () => (BufferCatalogue.EarlyReturnInLoopTangent(x.Value, t.Value[0], x.Tangent, t.Tangent[0], out var tangent), tangent),
            Precision.Double,
            hessianVector: () => BufferCatalogue.EarlyReturnInLoopHessianVector(x.Value, t.Value[0], x.Tangent, t.Tangent[0], x.Grad, ref t.Grad[0], x.Hv, ref t.Hv[0]));
    });

    [Fact]
    public void WeightedSquaredError() => AtRandomPoints(rng =>
    {
        Arg<double> weights = Arg.Of("weights", rng.Doubles(N, -2, 2));
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -2, 2));
        double[] target = rng.Doubles(N, -2, 2);
        FiniteDifference.Check([weights, x],
            () => BufferCatalogue.WeightedSquaredError(weights.Value, x.Value, target),
            seed => BufferCatalogue.WeightedSquaredErrorGradient(weights.Value, x.Value, target, weights.Grad, x.Grad, seed),
            () => (BufferCatalogue.WeightedSquaredErrorTangent(weights.Value, x.Value, target, weights.Tangent, x.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => BufferCatalogue.WeightedSquaredErrorHessianVector(weights.Value, x.Value, target, weights.Tangent, x.Tangent, weights.Grad, x.Grad, weights.Hv, x.Hv));
    });

    [Fact]
    public void CastsInLoop() => AtRandomPoints(rng =>
    {
        Arg<float> x = Arg.Of("x", rng.Floats(N, -2, 2));
        FiniteDifference.Check([x],
            () => BufferCatalogue.CastsInLoop(x.Value),
            seed => BufferCatalogue.CastsInLoopGradient(x.Value, x.Grad, seed),
            () => (BufferCatalogue.CastsInLoopTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Float,
            hessianVector: () => BufferCatalogue.CastsInLoopHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    // ---- outputs: the output's initial contents get gradient zero ----

    [Fact]
    public void Softmax() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -3, 3));
        Arg<double> y = Arg.Written("y", rng.Doubles(N, -1, 1), rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x, y],
            () => Void(() => BufferCatalogue.Softmax(x.Value, y.Value)),
            _ => Void(() => BufferCatalogue.SoftmaxGradient(x.Value, y.Value, x.Grad, y.Grad)),
            () => VoidTangent(() => BufferCatalogue.SoftmaxTangent(x.Value, y.Value, x.Tangent, y.Tangent)),
            Precision.Double);
    });

    [Fact]
    public void MatVec() => AtRandomPoints(rng =>
    {
        int rows = rng.Next(1, 5), cols = rng.Next(1, 5);
        Arg<double> m = Arg.Of("m", rng.Doubles(rows * cols, -2, 2));
        Arg<double> v = Arg.Of("v", rng.Doubles(cols, -2, 2));
        Arg<double> y = Arg.Written("y", rng.Doubles(rows, -1, 1), rng.Doubles(rows, -2, 2));
        FiniteDifference.Check([m, v, y],
            () => Void(() => BufferCatalogue.MatVec(m.Value, v.Value, y.Value, rows, cols)),
            _ => Void(() => BufferCatalogue.MatVecGradient(m.Value, v.Value, y.Value, rows, cols, m.Grad, v.Grad, y.Grad)),
            () => VoidTangent(() => BufferCatalogue.MatVecTangent(m.Value, v.Value, y.Value, rows, cols, m.Tangent, v.Tangent, y.Tangent)),
            Precision.Double);
    });

    [Fact]
    public void Smooth() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -2, 2));
        Arg<double> y = Arg.Written("y", rng.Doubles(N, -1, 1), rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x, y],
            () => Void(() => BufferCatalogue.Smooth(x.Value, y.Value)),
            _ => Void(() => BufferCatalogue.SmoothGradient(x.Value, y.Value, x.Grad, y.Grad)),
            () => VoidTangent(() => BufferCatalogue.SmoothTangent(x.Value, y.Value, x.Tangent, y.Tangent)),
            Precision.Double);
    });

    [Fact]
    public void ReverseWeighted() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -2, 2));
        Arg<double> y = Arg.Written("y", rng.Doubles(N, -1, 1), rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x, y],
            () => Void(() => BufferCatalogue.ReverseWeighted(x.Value, y.Value)),
            _ => Void(() => BufferCatalogue.ReverseWeightedGradient(x.Value, y.Value, x.Grad, y.Grad)),
            () => VoidTangent(() => BufferCatalogue.ReverseWeightedTangent(x.Value, y.Value, x.Tangent, y.Tangent)),
            Precision.Double);
    });

    [Fact]
    public void Convolve() => AtRandomPoints(rng =>
    {
        int taps = rng.Next(1, 4);
        Arg<double> signal = Arg.Of("signal", rng.Doubles(N + taps - 1, -1, 1));
        Arg<double> kernel = Arg.Of("kernel", rng.Doubles(taps, -1, 1));
        Arg<double> output = Arg.Written("output", rng.Doubles(N, -1, 1), rng.Doubles(N, -2, 2));
        FiniteDifference.Check([signal, kernel, output],
            () => Void(() => BufferCatalogue.Convolve(signal.Value, kernel.Value, output.Value)),
            _ => Void(() => BufferCatalogue.ConvolveGradient(signal.Value, kernel.Value, output.Value, signal.Grad, kernel.Grad, output.Grad)),
            () => VoidTangent(() => BufferCatalogue.ConvolveTangent(signal.Value, kernel.Value, output.Value, signal.Tangent, kernel.Tangent, output.Tangent)),
            Precision.Double);
    });

    [Fact]
    public void CumulativeProduct() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -1.5, 1.5));
        Arg<double> y = Arg.Written("y", rng.Doubles(N, -1, 1), rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x, y],
            () => Void(() => BufferCatalogue.CumulativeProduct(x.Value, y.Value)),
            _ => Void(() => BufferCatalogue.CumulativeProductGradient(x.Value, y.Value, x.Grad, y.Grad)),
            () => VoidTangent(() => BufferCatalogue.CumulativeProductTangent(x.Value, y.Value, x.Tangent, y.Tangent)),
            Precision.Double);
    });

    [Fact]
    public void Normalize() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -2, 2));
        Arg<double> y = Arg.Written("y", rng.Doubles(N, -1, 1), rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x, y],
            () => Void(() => BufferCatalogue.Normalize(x.Value, y.Value)),
            _ => Void(() => BufferCatalogue.NormalizeGradient(x.Value, y.Value, x.Grad, y.Grad)),
            () => VoidTangent(() => BufferCatalogue.NormalizeTangent(x.Value, y.Value, x.Tangent, y.Tangent)),
            Precision.Double);
    });

    /// <summary>The elements after the early return are never written: their gradient passes through unchanged.</summary>
    [Fact]
    public void ExpUntil() => AtRandomPoints(rng =>
    {
        const double Limit = 3;
        double[] values;
        do values = rng.Doubles(N, -1, 1.6);
        while (values.Any(v => Math.Abs(Math.Exp(v) - Limit) < 0.1) || values.All(v => Math.Exp(v) < Limit));

        Arg<double> x = Arg.Of("x", values);
        Arg<double> y = Arg.Written("y", rng.Doubles(N, -1, 1), rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x, y],
            () => Void(() => BufferCatalogue.ExpUntil(x.Value, y.Value, Limit)),
            _ => Void(() => BufferCatalogue.ExpUntilGradient(x.Value, y.Value, Limit, x.Grad, y.Grad)),
            () => VoidTangent(() => BufferCatalogue.ExpUntilTangent(x.Value, y.Value, Limit, x.Tangent, y.Tangent)),
            Precision.Double);
    });

    [Fact]
    public void ScaleIntoF() => AtRandomPoints(rng =>
    {
        Arg<float> x = Arg.Of("x", rng.Floats(N, -2, 2));
        Arg<float> scale = Arg.Scalar("scale", rng.QuantizedFloat(0.2, 1.2));
        Arg<float> y = Arg.Written("y", rng.Floats(N, -1, 1), rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x, scale, y],
            () => Void(() => BufferCatalogue.ScaleIntoF(x.Value, scale.Value[0], y.Value)),
            _ => Void(() => BufferCatalogue.ScaleIntoFGradient(x.Value, scale.Value[0], y.Value, x.Grad, ref scale.Grad[0], y.Grad)),
            () => VoidTangent(() => BufferCatalogue.ScaleIntoFTangent(x.Value, scale.Value[0], y.Value, x.Tangent, scale.Tangent[0], y.Tangent)),
            Precision.Float);
    });

    // ---- in-out buffers: the adjoint leaves holding the gradient w.r.t. the initial contents ----

    [Fact]
    public void ScaleInPlace() => AtRandomPoints(rng =>
    {
        Arg<double> a = Arg.Written("a", rng.Doubles(N, -2, 2), rng.Doubles(N, -2, 2));
        Arg<double> scale = Arg.Scalar("scale", rng.Uniform(0.5, 1.5));
        FiniteDifference.Check([a, scale],
            () => Void(() => BufferCatalogue.ScaleInPlace(a.Value, scale.Value[0])),
            _ => Void(() => BufferCatalogue.ScaleInPlaceGradient(a.Value, scale.Value[0], a.Grad, ref scale.Grad[0])),
            () => VoidTangent(() => BufferCatalogue.ScaleInPlaceTangent(a.Value, scale.Value[0], a.Tangent, scale.Tangent[0])),
            Precision.Double);
    });

    [Fact]
    public void SquareInPlace() => AtRandomPoints(rng =>
    {
        Arg<double> a = Arg.Written("a", rng.Doubles(N, -2, 2), rng.Doubles(N, -2, 2));
        FiniteDifference.Check([a],
            () => BufferCatalogue.SquareInPlace(a.Value),
            seed => BufferCatalogue.SquareInPlaceGradient(a.Value, a.Grad, seed),
            () => (BufferCatalogue.SquareInPlaceTangent(a.Value, a.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => BufferCatalogue.SquareInPlaceHessianVector(a.Value, a.Tangent, a.Grad, a.Hv));
    });

    [Fact]
    public void RepeatedInPlace() => AtRandomPoints(rng =>
    {
        Arg<double> a = Arg.Written("a", rng.Doubles(N, -1, 1), rng.Doubles(N, -2, 2));
        FiniteDifference.Check([a],
            () => Void(() => BufferCatalogue.RepeatedInPlace(a.Value, 3)),
            _ => Void(() => BufferCatalogue.RepeatedInPlaceGradient(a.Value, 3, a.Grad)),
            () => VoidTangent(() => BufferCatalogue.RepeatedInPlaceTangent(a.Value, 3, a.Tangent)),
            Precision.Double);
    });

    [Fact]
    public void RunningSineInPlace() => AtRandomPoints(rng =>
    {
        Arg<double> a = Arg.Written("a", rng.Doubles(N, -2, 2), rng.Doubles(N, -2, 2));
        FiniteDifference.Check([a],
            () => Void(() => BufferCatalogue.RunningSineInPlace(a.Value)),
            _ => Void(() => BufferCatalogue.RunningSineInPlaceGradient(a.Value, a.Grad)),
            () => VoidTangent(() => BufferCatalogue.RunningSineInPlaceTangent(a.Value, a.Tangent)),
            Precision.Double);
    });

    [Fact]
    public void AccumulateInto() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N + 3, -2, 2));
        Arg<double> y = Arg.Written("y", rng.Doubles(4, -1, 1), rng.Doubles(4, -2, 2));
        FiniteDifference.Check([x, y],
            () => Void(() => BufferCatalogue.AccumulateInto(x.Value, y.Value)),
            _ => Void(() => BufferCatalogue.AccumulateIntoGradient(x.Value, y.Value, x.Grad, y.Grad)),
            () => VoidTangent(() => BufferCatalogue.AccumulateIntoTangent(x.Value, y.Value, x.Tangent, y.Tangent)),
            Precision.Double);
    });

    [Fact]
    public void ArrayInPlace() => AtRandomPoints(rng =>
    {
        Arg<double> a = Arg.Written("a", rng.Doubles(N, -2, 2), rng.Doubles(N, -2, 2));
        FiniteDifference.Check([a],
            () => Void(() => BufferCatalogue.ArrayInPlace(a.Value)),
            _ => Void(() => BufferCatalogue.ArrayInPlaceGradient(a.Value, a.Grad)),
            () => VoidTangent(() => BufferCatalogue.ArrayInPlaceTangent(a.Value, a.Tangent)),
            Precision.Double);
    });

    [Fact]
    public void InPlaceF() => AtRandomPoints(rng =>
    {
        Arg<float> a = Arg.Written("a", rng.Floats(N, -2, 2), rng.Doubles(N, -2, 2));
        Arg<float> s = Arg.Scalar("s", rng.QuantizedFloat(0.5, 1.5));
        FiniteDifference.Check([a, s],
            () => BufferCatalogue.InPlaceF(a.Value, s.Value[0]),
            seed => BufferCatalogue.InPlaceFGradient(a.Value, s.Value[0], a.Grad, ref s.Grad[0], (float)seed),
            () => (BufferCatalogue.InPlaceFTangent(a.Value, s.Value[0], a.Tangent, s.Tangent[0], out var tangent), tangent),
            Precision.Float,
            hessianVector: () => BufferCatalogue.InPlaceFHessianVector(a.Value, s.Value[0], a.Tangent, s.Tangent[0], a.Grad, ref s.Grad[0], a.Hv, ref s.Hv[0]));
    });

    // ---- local buffers ----

    [Fact]
    public void StackallocBuffer() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x],
            () => BufferCatalogue.StackallocBuffer(x.Value),
            seed => BufferCatalogue.StackallocBufferGradient(x.Value, x.Grad, seed),
            () => (BufferCatalogue.StackallocBufferTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => BufferCatalogue.StackallocBufferHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    [Fact]
    public void NewArrayBuffer() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(N, -2, 2));
        FiniteDifference.Check([x],
            () => BufferCatalogue.NewArrayBuffer(x.Value),
            seed => BufferCatalogue.NewArrayBufferGradient(x.Value, x.Grad, seed),
            () => (BufferCatalogue.NewArrayBufferTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => BufferCatalogue.NewArrayBufferHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    [Fact]
    public void StackallocOverwrittenF() => AtRandomPoints(rng =>
    {
        Arg<float> x = Arg.Of("x", rng.Floats(N, -1, 1));
        Arg<float> gain = Arg.Scalar("gain", rng.QuantizedFloat(0.5, 1.5));
        FiniteDifference.Check([x, gain],
            () => BufferCatalogue.StackallocOverwrittenF(x.Value, gain.Value[0]),
            seed => BufferCatalogue.StackallocOverwrittenFGradient(x.Value, gain.Value[0], x.Grad, ref gain.Grad[0], (float)seed),
            () => (BufferCatalogue.StackallocOverwrittenFTangent(x.Value, gain.Value[0], x.Tangent, gain.Tangent[0], out var tangent), tangent),
            Precision.Float,
            hessianVector: () => BufferCatalogue.StackallocOverwrittenFHessianVector(x.Value, gain.Value[0], x.Tangent, gain.Tangent[0], x.Grad, ref gain.Grad[0], x.Hv, ref gain.Hv[0]));
    });

    [Fact]
    public void NewArrayBufferF() => AtRandomPoints(rng =>
    {
        Arg<float> x = Arg.Of("x", rng.Floats(N, -2, 2));
        FiniteDifference.Check([x],
            () => BufferCatalogue.NewArrayBufferF(x.Value),
            seed => BufferCatalogue.NewArrayBufferFGradient(x.Value, x.Grad, (float)seed),
            () => (BufferCatalogue.NewArrayBufferFTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Float,
            hessianVector: () => BufferCatalogue.NewArrayBufferFHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    private static bool BreakDecisionsAreClear(double[] x, double limit)
    {
        double s = 0;
        foreach (double v in x)
        {
            if (v < 0) continue;
            if (Math.Abs(s - limit) < 0.05 * limit) return false;
            if (s > limit) break;
            s += v * v * limit;
        }

        return true;
    }

    private static bool ExpSumCrossingIsClear(double[] x, double threshold)
    {
        double s = 0;
        foreach (double v in x)
        {
            s += Math.Exp(v);
            if (Math.Abs(s - threshold) < 0.05 * threshold) return false;
        }

        return true;
    }
}
