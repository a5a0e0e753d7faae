namespace SourceGrad.Tests.Catalogue;

/// <summary>
/// Calls: between [Differentiable] methods (scalar and span arguments, in loops, across types, into nested
/// types and a struct) and to methods with a hand-written [DerivativeOf] rule.
/// </summary>
public static partial class CallCatalogue
{
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Square(double x) => x * x;

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Logistic(double x) => 1 / (1 + Math.Exp(-x));

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double ComposedScalars(double x, double y) => Square(Logistic(x) * y) + Logistic(y);

    /// <summary>A call whose argument is itself a call, and which calls further [Differentiable] methods.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double ChainOfCalls(double x) => ComposedScalars(x, Square(x)) * Logistic(-x);

    /// <summary>A span argument, to a method of another type.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Norm(ReadOnlySpan<double> x) => Math.Sqrt(BufferCatalogue.SumOfSquares(x));

    /// <summary>An array passed where the callee takes a ReadOnlySpan (implicit conversion).</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double NormOfArray(double[] a) => Math.Sqrt(BufferCatalogue.SumOfSquares(a) + 1);

    /// <summary>Methods called on every iteration, with an argument that depends on the running sum.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double CallsInLoop(ReadOnlySpan<double> x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += Logistic(x[i]) * Square(x[i] - 0.1 * s);
        return s;
    }

    /// <summary>A void callee writing a local buffer.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double ExpectedValueUnderSoftmax(ReadOnlySpan<double> x, ReadOnlySpan<double> values)
    {
        Span<double> p = stackalloc double[x.Length];
        BufferCatalogue.Softmax(x, p);
        double expected = 0;
        for (int i = 0; i < p.Length; i++) expected += p[i] * values[i];
        return expected;
    }

    /// <summary>An in-place callee called repeatedly on the same buffer: each call's input is the previous call's output.</summary>
    [Differentiable(Tangent = true, Split = true)]
    public static void InPlaceCallsInLoop(Span<double> a, double scale, int rounds)
    {
        for (int r = 0; r < rounds; r++) BufferCatalogue.ScaleInPlace(a, scale);
    }

    /// <summary>Callees with int and [NoGrad] parameters.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double InactiveArguments(double x, int n) =>
        ControlFlowCatalogue.PowerByLoop(x, n) + ScalarCatalogue.ConstantScale(x, 0.5 * n);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float FloatCalls(float x, float y) =>
        ScalarCatalogue.SqrtCbrtPowF(x, y) * LectureCatalogue.Multiply(x, y) + ScalarCatalogue.NarrowingResult(x);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double CallsIntoNestedAndStruct(double x) => Nested.Inner(x) * CatalogueStruct.Cube(x);

    public static partial class Nested
    {
        [Differentiable(Tangent = true, HessianVector = true, Split = true)]
        public static double Inner(double x) => Math.Sin(x) * x;
    }

    // ---- hand-written rules ----

    /// <summary>Writes softplus(x) into y; not [Differentiable]: its derivative is the rule below.</summary>
    public static void SoftPlus(ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = Math.Log(1 + Math.Exp(x[i]));
    }

    /// <summary>y is overwritten, so its adjoint is used and then zeroed (the gradient w.r.t. its initial contents).</summary>
    [DerivativeOf(nameof(SoftPlus))]
    public static void SoftPlusPullback(ReadOnlySpan<double> x, Span<double> y, Span<double> dX, Span<double> dY)
    {
        for (int i = 0; i < x.Length; i++)
        {
            dX[i] += dY[i] / (1 + Math.Exp(-x[i]));
            dY[i] = 0;
        }
    }

    /// <summary>y is overwritten, so its tangent on exit is that of softplus(x): softplus' = the logistic function.</summary>
    [TangentOf(nameof(SoftPlus))]
    public static void SoftPlusPushforward(ReadOnlySpan<double> x, Span<double> y, ReadOnlySpan<double> tX, Span<double> tY)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = Math.Log(1 + Math.Exp(x[i]));
            tY[i] = tX[i] / (1 + Math.Exp(-x[i]));
        }
    }

    /// <summary>The tangent of the rule (its second-order rule): tDX += tDY·σ(x) + dY·σ(x)(1 − σ(x))·tX; tDY is zeroed as dY is.</summary>
    [TangentOf(nameof(SoftPlusPullback))]
    public static void SoftPlusPullbackTangent(ReadOnlySpan<double> x, Span<double> y, Span<double> dX, Span<double> dY,
        ReadOnlySpan<double> tX, ReadOnlySpan<double> tY, Span<double> tDX, Span<double> tDY)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double s = 1 / (1 + Math.Exp(-x[i]));
            tDX[i] += tDY[i] * s + dY[i] * s * (1 - s) * tX[i];
            tDY[i] = 0;
        }

        SoftPlusPullback(x, y, dX, dY);
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double SoftPlusEnergy(ReadOnlySpan<double> x)
    {
        Span<double> t = stackalloc double[x.Length];
        SoftPlus(x, t);
        double energy = 0;
        for (int i = 0; i < t.Length; i++) energy += t[i] * t[i] * (i + 1);
        return energy;
    }

    /// <summary>Rounds, but passes the gradient straight through: proves the rule is used rather than the body.</summary>
    public static double StraightThroughRound(double x) => Math.Round(x);

    [DerivativeOf(nameof(StraightThroughRound))]
    public static void StraightThroughRoundPullback(double x, ref double dX, double dReturn) => dX += dReturn;

    [TangentOf(nameof(StraightThroughRound))]
    public static double StraightThroughRoundPushforward(double x, double tX, out double tangent)
    {
        tangent = tX;
        return Math.Round(x);
    }

    [TangentOf(nameof(StraightThroughRoundPullback))]
    public static void StraightThroughRoundPullbackTangent(double x, ref double dX, double dReturn, double tX, ref double tDX, double tDReturn)
    {
        dX += dReturn;
        tDX += tDReturn;
    }

    /// <summary>d/dx = q + x with the straight-through rule (q = round(4x)/4); finite differences would give q.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double QuantizedTimesInput(double x) => StraightThroughRound(4 * x) / 4 * x;

    /// <summary>A rule-backed call in a loop: each call's arguments must be those it had in the forward sweep.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float MultiplyInLoop(ReadOnlySpan<float> x)
    {
        float p = 1;
        for (int i = 0; i < x.Length; i++) p = LectureCatalogue.Multiply(p, x[i]) + 0.1f * x[i];
        return p;
    }
}

/// <summary>A [Differentiable] method in a partial struct.</summary>
public partial struct CatalogueStruct
{
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Cube(double x) => x * x * x;
}
