namespace SourceGrad.Tests.Catalogue;

/// <summary>
/// The vectorised loops against finite differences at lengths around the vector widths (16 floats or 8 doubles in a
/// Vector512, 8 or 4 in a 256-bit Vector&lt;T&gt;): no whole vector, one, several, an exact multiple, with a tail.
/// </summary>
public class VectorCatalogueTests : CatalogueTest
{
    public static TheoryData<int> Lengths() => new() { 0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 100 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DotF(int n) => AtRandomPoints(rng =>
    {
        Arg<float> a = Arg.Of("a", rng.Floats(n, -1, 1));
        Arg<float> b = Arg.Of("b", rng.Floats(n, -1, 1));
        FiniteDifference.Check([a, b],
            () => VectorCatalogue.DotF(a.Value, b.Value),
            seed => VectorCatalogue.DotFGradient(a.Value, b.Value, a.Grad, b.Grad, (float)seed),
            () => (VectorCatalogue.DotFTangent(a.Value, b.Value, a.Tangent, b.Tangent, out var tangent), tangent),
            Precision.Float,
            hessianVector: () => VectorCatalogue.DotFHessianVector(a.Value, b.Value, a.Tangent, b.Tangent, a.Grad, b.Grad, a.Hv, b.Hv));
    });

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Rosenbrock(int n) => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(n, -1.5, 1.5));
        FiniteDifference.Check([x],
            () => VectorCatalogue.Rosenbrock(x.Value),
            seed => VectorCatalogue.RosenbrockGradient(x.Value, x.Grad, seed),
            () => (VectorCatalogue.RosenbrockTangent(x.Value, x.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => VectorCatalogue.RosenbrockHessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
    });

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AxpyInPlace(int n) => AtRandomPoints(rng =>
    {
        Arg<double> a = Arg.Scalar("a", rng.NextDouble() * 2 - 1);
        Arg<double> x = Arg.Of("x", rng.Doubles(Math.Max(n, 1), -1, 1));
        Arg<double> y = Arg.Written("y", rng.Doubles(n, -1, 1), rng.Doubles(n, -1, 1));
        FiniteDifference.Check([a, x, y],
            () => VectorCatalogue.AxpyInPlace(a.Value[0], x.Value, y.Value),
            seed => VectorCatalogue.AxpyInPlaceGradient(a.Value[0], x.Value, y.Value, ref a.Grad[0], x.Grad, y.Grad, seed),
            () => (VectorCatalogue.AxpyInPlaceTangent(a.Value[0], x.Value, y.Value, a.Tangent[0], x.Tangent, y.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => VectorCatalogue.AxpyInPlaceHessianVector(a.Value[0], x.Value, y.Value, a.Tangent[0], x.Tangent, y.Tangent, ref a.Grad[0], x.Grad, y.Grad, ref a.Hv[0], x.Hv, y.Hv));
    });

    [Theory]
    [InlineData(3, 0)]
    [InlineData(2, 7)]
    [InlineData(3, 16)]
    [InlineData(4, 17)]
    [InlineData(2, 40)]
    public void MatVecF(int rows, int columns) => AtRandomPoints(rng =>
    {
        Arg<float> w = Arg.Of("w", rng.Floats(rows * columns, -0.5f, 0.5f));
        Arg<float> x = Arg.Of("x", rng.Floats(columns, -1, 1));
        Arg<float> y = Arg.Written("y", new float[rows], rng.Doubles(rows, -1, 1));
        FiniteDifference.Check([w, x, y],
            () => Void(() => VectorCatalogue.MatVecF(w.Value, x.Value, y.Value, columns)),
            seed => Void(() => VectorCatalogue.MatVecFGradient(w.Value, x.Value, y.Value, columns, w.Grad, x.Grad, y.Grad)),
            () => VoidTangent(() => VectorCatalogue.MatVecFTangent(w.Value, x.Value, y.Value, columns, w.Tangent, x.Tangent, y.Tangent)),
            Precision.Float);
    });

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ShiftedWindow(int n) => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.Doubles(n, -1, 1));
        int from = Math.Min(n, 2);
        FiniteDifference.Check([x],
            () => VectorCatalogue.ShiftedWindow(x.Value, from),
            seed => VectorCatalogue.ShiftedWindowGradient(x.Value, from, x.Grad, seed),
            () => (VectorCatalogue.ShiftedWindowTangent(x.Value, from, x.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => VectorCatalogue.ShiftedWindowHessianVector(x.Value, from, x.Tangent, x.Grad, x.Hv));
    });

    [Theory]
    [MemberData(nameof(Lengths))]
    public void LaplacianEnergyF(int n) => AtRandomPoints(rng =>
    {
        Arg<float> u = Arg.Of("u", rng.Floats(n, -1, 1));
        FiniteDifference.Check([u],
            () => VectorCatalogue.LaplacianEnergyF(u.Value),
            seed => VectorCatalogue.LaplacianEnergyFGradient(u.Value, u.Grad, (float)seed),
            () => (VectorCatalogue.LaplacianEnergyFTangent(u.Value, u.Tangent, out var tangent), tangent),
            Precision.Float,
            hessianVector: () => VectorCatalogue.LaplacianEnergyFHessianVector(u.Value, u.Tangent, u.Grad, u.Hv));
    });

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SquaredErrorF(int n) => AtRandomPoints(rng =>
    {
        Arg<float> prediction = Arg.Of("prediction", rng.Floats(n, -1, 1));
        Arg<float> target = Arg.Of("target", rng.Floats(n, -1, 1));
        FiniteDifference.Check([prediction, target],
            () => VectorCatalogue.SquaredErrorF(prediction.Value, target.Value),
            seed => VectorCatalogue.SquaredErrorFGradient(prediction.Value, target.Value, prediction.Grad, target.Grad, (float)seed),
            () => (VectorCatalogue.SquaredErrorFTangent(prediction.Value, target.Value, prediction.Tangent, target.Tangent, out var tangent), tangent),
            Precision.Float,
            hessianVector: () => VectorCatalogue.SquaredErrorFHessianVector(prediction.Value, target.Value, prediction.Tangent, target.Tangent, prediction.Grad, target.Grad, prediction.Hv, target.Hv));
    });
}
