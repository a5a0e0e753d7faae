using SourceGrad.Tests.Catalogue;

namespace SourceGrad.Tests.Oracle;

/// <summary>
/// Where the tape oracle evaluates each catalogue method: the real inputs' ranges copied from the catalogue's own
/// tests (*CatalogueTests; a copy, so keep the two in step), integer arguments of its own (mostly smaller, to keep
/// the tape short), as one draw per parameter, by parameter name. A parameter not listed gets its type's default.
/// </summary>
internal static class CatalogueDomains
{
    public delegate double[] Draw(Random rng);

    private static Draw U(double low, double high) => rng => [rng.Uniform(low, high)];

    private static Draw Buffer(int length, double low, double high) => rng => rng.Doubles(length, low, high);

    private static Draw Int(int value) => _ => [value];

    private const int N = 6;

    /// <summary>A real scalar: the catalogue's "Symmetric" domain.</summary>
    public static readonly Draw DefaultScalar = U(-2, 2);

    public static readonly Draw DefaultBuffer = Buffer(N, -2, 2);

    /// <summary>Int parameters by name, where the catalogue tests fix them.</summary>
    public static readonly Dictionary<string, int> Ints = new()
    {
        ["n"] = 3, ["steps"] = 6, ["iterations"] = 5, ["rounds"] = 2, ["sweeps"] = 2, ["limit"] = 4, ["outer"] = 3,
        ["inner"] = 2, ["power"] = 3, ["rows"] = 2, ["cols"] = 3, ["batch"] = 2, ["inputs"] = 3, ["hidden"] = 4,
        ["classes"] = 3, ["outputs"] = 2,
    };

    private static readonly Draw Positive = U(0.5, 3);

    /// <summary>Per method ("Type.Method"), per parameter.</summary>
    public static readonly Dictionary<string, Dictionary<string, Draw>> Overrides = new()
    {
        ["ScalarCatalogue.Quotient"] = new() { ["x"] = U(0.5, 2), ["y"] = U(0.5, 2) },
        ["ScalarCatalogue.ExpLog"] = new() { ["x"] = Positive },
        ["ScalarCatalogue.Log2Log10"] = new() { ["x"] = Positive, ["y"] = Positive },
        ["ScalarCatalogue.SqrtCbrt"] = new() { ["x"] = U(-3, 3), ["y"] = U(0.1, 1) },
        ["ScalarCatalogue.PowBothActive"] = new() { ["x"] = U(0.5, 2) },
        ["ScalarCatalogue.Trigonometric"] = new() { ["x"] = U(-1.5, 1.5) },
        ["ScalarCatalogue.InverseTrigonometric"] = new() { ["x"] = U(-0.9, 0.9) },
        ["ScalarCatalogue.Clamped"] = new() { ["low"] = U(0, 2) },
        ["ScalarCatalogue.PiecewiseConstant"] = new() { ["x"] = U(-3, 3) },
        ["ScalarCatalogue.ExpLogF"] = new() { ["x"] = Positive },
        ["ScalarCatalogue.SqrtCbrtPowF"] = new() { ["x"] = U(0.5, 2) },
        ["ScalarCatalogue.TrigonometricF"] = new() { ["x"] = U(-1.5, 1.5) },
        ["ScalarCatalogue.InverseTrigonometricF"] = new() { ["x"] = U(-0.8, 0.8), ["y"] = U(-0.8, 0.8) },
        ["ScalarCatalogue.PiecewiseConstantF"] = new() { ["x"] = U(-3, 3) },
        ["ScalarCatalogue.MixedPrecision"] = new() { ["x"] = U(-1.5, 1.5), ["y"] = U(-1.5, 1.5) },
        ["ScalarCatalogue.NarrowingResult"] = new() { ["x"] = U(-1, 1) },
        ["ScalarCatalogue.OverwrittenLocal"] = new() { ["x"] = U(-1.5, 1.5) },
        ["ScalarCatalogue.OverwrittenParameter"] = new() { ["x"] = U(-1, 1), ["y"] = U(-1, 1) },
        ["ScalarCatalogue.ConstantScale"] = new() { ["scale"] = U(0.7, 0.7) },
        ["ScalarCatalogue.ConstantScaleF"] = new() { ["scale"] = U(1.5, 1.5) },
        ["ControlFlowCatalogue.ElseIfChain"] = new() { ["x"] = U(-3, 3) },
        ["ControlFlowCatalogue.NestedConditional"] = new() { ["x"] = U(-3, 3) },
        ["ControlFlowCatalogue.GrowUntil"] = new() { ["x"] = Positive },
        ["ControlFlowCatalogue.DoLoop"] = new() { ["x"] = U(0.5, 1.5) },
        ["ControlFlowCatalogue.DoLoopWithBreak"] = new() { ["x"] = U(-1, 1) },
        ["ControlFlowCatalogue.IteratedMap"] = new() { ["x"] = U(-0.5, 0.5), ["c"] = U(-0.5, 0.2) },
        ["ControlFlowCatalogue.IteratedMapF"] = new() { ["x"] = U(-0.5, 0.5), ["c"] = U(-0.5, 0.2) },
        ["ControlFlowCatalogue.LogisticMap"] = new() { ["r"] = U(2.5, 3.2), ["x0"] = U(0.2, 0.8) },
        ["ControlFlowCatalogue.NewtonSqrt"] = new() { ["a"] = U(0.5, 4) },
        ["ControlFlowCatalogue.NestedScalarLoops"] = new() { ["x"] = U(-1, 1) },
        ["ControlFlowCatalogue.WhileContinueBreak"] = new() { ["x"] = U(-1.5, 1.5), ["limit"] = Int(7) },
        ["ControlFlowCatalogue.ReturnFromNestedLoop"] = new() { ["x"] = U(0.5, 1), ["threshold"] = U(20, 200) },
        ["CallCatalogue.Logistic"] = new() { ["x"] = U(-3, 3) },
        ["CallCatalogue.InPlaceCallsInLoop"] = new() { ["a"] = Buffer(5, -1, 1), ["scale"] = U(0.5, 1.2) },
        ["CallCatalogue.FloatCalls"] = new() { ["x"] = U(0.5, 2), ["y"] = U(0.3, 2) },
        ["BufferCatalogue.LogSumExp"] = new() { ["x"] = Buffer(N, -3, 3) },
        // Long enough for whole vectors and a tail (16 floats or 8 doubles in a Vector512).
        ["VectorCatalogue.DotF"] = new() { ["a"] = Buffer(37, -1, 1), ["b"] = Buffer(37, -1, 1) },
        ["VectorCatalogue.Rosenbrock"] = new() { ["x"] = Buffer(21, -1.5, 1.5) },
        ["VectorCatalogue.AxpyInPlace"] = new() { ["x"] = Buffer(19, -1, 1), ["y"] = Buffer(19, -1, 1) },
        ["VectorCatalogue.MatVecF"] = new() { ["w"] = Buffer(3 * 18, -0.5, 0.5), ["x"] = Buffer(18, -1, 1), ["y"] = Buffer(3, -1, 1), ["columns"] = Int(18) },
        ["VectorCatalogue.ShiftedWindow"] = new() { ["x"] = Buffer(20, -1, 1), ["from"] = Int(2) },
        ["VectorCatalogue.LaplacianEnergyF"] = new() { ["u"] = Buffer(41, -1, 1) },
        ["ExtremumCatalogue.SumOfRowMaxima"] = new() { ["a"] = Buffer(12, -2, 2), ["columns"] = Int(4) },
        ["ExtremumCatalogue.MinOfLocalF"] = new() { ["start"] = U(0.5, 0.5) },
        ["VectorCatalogue.SquaredErrorF"] = new() { ["prediction"] = Buffer(35, -1, 1), ["target"] = Buffer(35, -1, 1) },
        ["BufferCatalogue.NestedLoops"] = new() { ["a"] = Buffer(6, -1, 1) },
        ["BufferCatalogue.BreakAndContinue"] = new() { ["limit"] = U(1, 4) },
        ["BufferCatalogue.EarlyReturnInLoop"] = new() { ["x"] = Buffer(N, -1, 1), ["threshold"] = U(2, 12) },
        ["BufferCatalogue.Softmax"] = new() { ["x"] = Buffer(N, -3, 3) },
        ["BufferCatalogue.MatVec"] = new() { ["m"] = Buffer(6, -2, 2), ["v"] = Buffer(3, -2, 2), ["y"] = Buffer(2, -1, 1) },
        ["BufferCatalogue.Convolve"] = new() { ["signal"] = Buffer(N + 2, -1, 1), ["kernel"] = Buffer(3, -1, 1) },
        ["BufferCatalogue.CumulativeProduct"] = new() { ["x"] = Buffer(N, -1.5, 1.5) },
        ["BufferCatalogue.ExpUntil"] = new() { ["x"] = Buffer(N, -1, 1.6), ["limit"] = U(3, 3) },
        ["BufferCatalogue.ScaleIntoF"] = new() { ["scale"] = U(0.2, 1.2) },
        ["BufferCatalogue.ScaleInPlace"] = new() { ["scale"] = U(0.5, 1.5) },
        ["BufferCatalogue.RepeatedInPlace"] = new() { ["a"] = Buffer(N, -1, 1) },
        ["BufferCatalogue.AccumulateInto"] = new() { ["x"] = Buffer(N + 3, -2, 2), ["y"] = Buffer(4, -1, 1) },
        ["BufferCatalogue.InPlaceF"] = new() { ["s"] = U(0.5, 1.5) },
        ["BufferCatalogue.StackallocOverwrittenF"] = new() { ["x"] = Buffer(N, -1, 1), ["gain"] = U(0.5, 1.5) },
        ["EdgeCatalogue.LocalsNamedLikeTemporaries"] = new() { ["a"] = Buffer(N, -1, 1) },
        ["EdgeCatalogue.ConstantsAndFields"] = new() { ["mu"] = U(-1, 1), ["sigma"] = U(0.5, 2) },
        ["EdgeCatalogue.ReturnsFromDoAndWhile"] = new() { ["x"] = U(0.1, 0.45), ["limit"] = Int(3) },
        ["EdgeCatalogue.ContractionMap"] = new() { ["c"] = U(-1, 1), ["n"] = Int(3000) },
        ["EdgeCatalogue.RepeatedSoftmax"] = new() { ["x"] = Buffer(N, -1, 1) },
        ["EdgeCatalogue.WriteSquare"] = new() { ["y"] = Buffer(3, -1, 1) },
        ["EdgeCatalogue.ExpUntilThenDouble"] = new() { ["x"] = Buffer(N, -1, 1.6), ["limit"] = U(3, 3) },
        ["EdgeCatalogue.NamedArguments"] = new() { ["a"] = U(0.5, 2), ["b"] = U(0.5, 2) },
        ["EdgeCatalogue.ArrayLocalThroughCallee"] = new() { ["x"] = Buffer(N, -2, 2) },
        ["LectureCatalogue.Loss"] = new() { ["x"] = U(0.5, 2), ["y"] = U(-1, 1) },
        ["LectureCatalogue.LossF"] = new() { ["x"] = U(0.5, 2), ["y"] = U(-1, 1) },
        ["LectureCatalogue.Mlp"] = new()
        {
            ["w1"] = Buffer(4 * 3, -1, 1), ["b1"] = Buffer(4, -0.5, 0.5), ["w2"] = Buffer(3 * 4, -1, 1), ["b2"] = Buffer(3, -0.5, 0.5),
            ["x"] = Buffer(2 * 3, -1, 1), ["labels"] = _ => [2, 0],
        },
        ["LectureCatalogue.Inpainting"] = new()
        {
            ["w1"] = Buffer(4 * 3, -1, 1), ["w2"] = Buffer(2 * 4, -1, 1), ["x"] = Buffer(2 * 3, -1, 1), ["y"] = Buffer(2 * 2, -1, 1),
        },
    };
}
