namespace SourceGrad.Tests.Catalogue;

/// <summary>
/// Scalar methods: every Math and MathF intrinsic the generator supports, float and double, casts between
/// them, locals, compound assignments, inactive int and [NoGrad] parameters. Each intrinsic is used on a
/// domain where it is smooth (the tests sample away from kinks and branch cuts).
/// </summary>
public static partial class ScalarCatalogue
{
    // ---- arithmetic, expression-bodied ----

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Polynomial(double x) => 3 * x * x * x - 2 * x * x + x - 7;

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Quotient(double x, double y) => (x - y) / (x * y + 2);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double UnaryOperators(double x, double y) => -(x - y) * +(x + -y) - -x;

    // ---- double intrinsics ----

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double ExpLog(double x) => Math.Exp(x) * Math.Log(x);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Log2Log10(double x, double y) => Math.Log2(x) * y + Math.Log10(x * y);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double SqrtCbrt(double x, double y) => Math.Sqrt(x * x + y) + Math.Cbrt(x - y);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double PowBothActive(double x, double y) => Math.Pow(x, y);

    /// <summary>A constant exponent with a negative base is valid: the exponent's (undefined) derivative must not leak.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double PowConstantExponent(double x) => Math.Pow(x, 3.0) + Math.Pow(2.0, x);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Trigonometric(double x) => Math.Sin(x) * Math.Cos(2 * x) + Math.Tan(x / 2);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double InverseTrigonometric(double x) => Math.Asin(x) + Math.Acos(x * x) + Math.Atan(3 * x);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Angle(double y, double x) => Math.Atan2(y, x);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Hyperbolic(double x) => Math.Sinh(x) + Math.Cosh(x) * Math.Tanh(x);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double AbsoluteValue(double x, double y) => Math.Abs(x - y) * y + Math.Abs(x);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double MinMax(double x, double y) => Math.Max(x, y) * Math.Min(x, 2 * y);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Clamped(double x, double low) => Math.Clamp(x * x, low, low + 1) * x;

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double FusedMultiplyAdd(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c) * a;

    /// <summary>Sign, Floor, Ceiling, Round and Truncate are piecewise constant: zero derivative.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double PiecewiseConstant(double x) =>
        Math.Floor(x) + Math.Ceiling(x) * x + Math.Round(x) * x * x + Math.Truncate(x) + Math.Sign(x) * x;

    // ---- float intrinsics ----

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float ExpLogF(float x) => MathF.Exp(x) * MathF.Log(x) + MathF.Log2(x) - MathF.Log10(x);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float SqrtCbrtPowF(float x, float y) => MathF.Sqrt(x) * MathF.Cbrt(y) + MathF.Pow(x, y);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float TrigonometricF(float x) => MathF.Sin(x) + MathF.Cos(x) * MathF.Tan(x / 2);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float InverseTrigonometricF(float x, float y) =>
        MathF.Asin(x) * MathF.Acos(y) + MathF.Atan(x * y) + MathF.Atan2(y, 1 + x);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float HyperbolicF(float x) => MathF.Sinh(x) - MathF.Cosh(x) + MathF.Tanh(2 * x);

    /// <summary>MathF has no Clamp: Math.Clamp's float overload, and Math.Max's float overload beside MathF's.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float AbsMinMaxClampF(float x, float y) =>
        MathF.Abs(x) * MathF.Min(x, y) + MathF.Max(x, y) + Math.Clamp(x * y, -0.5f, 0.5f) + Math.Max(0f, y);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float FusedMultiplyAddF(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c) * c;

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float PiecewiseConstantF(float x) =>
        MathF.Floor(x) * x + MathF.Ceiling(x) + MathF.Round(x) * x + MathF.Truncate(x) * x + MathF.Sign(x) * x * x;

    // ---- casts between float and double ----

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double MixedPrecision(float x, double y)
    {
        double product = x * y;
        float narrowed = (float)product;
        double widened = narrowed;
        return Math.Sin(widened) + (double)x * x;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float NarrowingResult(double x) => (float)Math.Exp(x) * 2f + (float)x;

    // ---- locals and assignments ----

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Locals(double x, double y)
    {
        double a = x * y;
        double b = a + Math.Sin(x);
        var c = b * b - a;
        return c / (1 + y * y);
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double CompoundAssignments(double x, double y)
    {
        double a = x;
        a += y;
        a *= x;
        a -= 2 * y;
        a /= 1 + x * x;
        return a;
    }

    /// <summary>A local overwritten with values that depend on its previous value.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double OverwrittenLocal(double x)
    {
        double a = x * x;
        a = Math.Sin(a) + a;
        a = a * x;
        a *= a;
        return a;
    }

    /// <summary>Parameters are locals too: assigning one must not lose its incoming value's adjoint.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double OverwrittenParameter(double x, double y)
    {
        x = x * y;
        y = y + x;
        x += Math.Exp(y / 4);
        return x * y;
    }

    // ---- inactive parameters ----

    /// <summary>An int parameter is inactive; integer arithmetic mixes into the active expression.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double IntegerParameter(double x, int n) => x * n + n * n / 2 + Math.Pow(x, n);

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double ConstantScale(double x, [NoGrad] double scale) => scale * x * x + Math.Exp(scale) * x;

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float ConstantScaleF([NoGrad] float scale, float x, [NoGrad] int power) => scale * MathF.Pow(x, power);

    /// <summary>Internal, so its gradient must be internal too.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    internal static double InternalSquare(double x) => x * x;
}
