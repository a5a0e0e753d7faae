namespace SourceGrad.Tape;

// The rest of System.Math's differentiable surface, so any scalar method can be written against the tape
// (Tests/Oracle translates [Differentiable] methods to it): piecewise-constant functions, %, the forms of Log,
// Pow, Max, Min and Clamp with a constant on either side, and float rounding.
public readonly partial struct Var
{
    // Piecewise constant: y = f(x); dy/dx = 0 (almost everywhere).
    public static Var Floor(Var x) => Unary(x, Math.Floor(x.Value), 0);

    public static Var Ceiling(Var x) => Unary(x, Math.Ceiling(x.Value), 0);

    public static Var Round(Var x) => Unary(x, Math.Round(x.Value), 0);

    public static Var Truncate(Var x) => Unary(x, Math.Truncate(x.Value), 0);

    /// <summary>An int, as <see cref="Math.Sign(double)"/> returns: no derivative to record.</summary>
    public static int Sign(Var x) => Math.Sign(x.Value);

    // r = a % b = a - trunc(a/b)·b; dr/da = 1, dr/db = -trunc(a/b)
    public static Var operator %(Var a, Var b) =>
        SameTape(a, b).Record(a.Value % b.Value, a.Index, 1, b.Index, -Math.Truncate(a.Value / b.Value));

    public static Var operator %(Var a, double b) => TapeOf(a).Record(a.Value % b, a.Index, 1);

    public static Var operator %(double a, Var b) => TapeOf(b).Record(a % b.Value, b.Index, -Math.Truncate(a / b.Value));

    public static Var operator +(Var a) => a;

    public static Var operator ++(Var a) => a + 1;

    public static Var operator --(Var a) => a - 1;

    // y = log_b x = ln x / ln b; dy/dx = 1/(x ln b), dy/db = -ln x/(b ln² b)
    public static Var Log(Var x, Var b)
    {
        double lnB = Math.Log(b.Value);
        return SameTape(x, b).Record(Math.Log(x.Value, b.Value), x.Index, 1 / (x.Value * lnB), b.Index, -Math.Log(x.Value) / (b.Value * lnB * lnB));
    }

    public static Var Log(Var x, double b) => Unary(x, Math.Log(x.Value, b), 1 / (x.Value * Math.Log(b)));

    public static Var Log(double x, Var b)
    {
        double lnB = Math.Log(b.Value);
        return Unary(b, Math.Log(x, b.Value), -Math.Log(x) / (b.Value * lnB * lnB));
    }

    public static Var Max(double a, Var b) => Max(b, a);

    public static Var Min(double a, Var b) => Min(b, a);

    public static Var Atan2(Var y, double x) => Unary(y, Math.Atan2(y.Value, x), x / (x * x + y.Value * y.Value));

    public static Var Atan2(double y, Var x) => Unary(x, Math.Atan2(y, x.Value), -y / (x.Value * x.Value + y * y));

    /// <summary>
    /// y = clamp(x, low, high) with active bounds: the gradient goes to whichever of the three is the result
    /// (x when it lies inside, as <see cref="Math.Clamp(double, double, double)"/> returns it).
    /// </summary>
    public static Var Clamp(Var x, Var low, Var high)
    {
        if (low.Value > high.Value)
        {
            throw new ArgumentException($"The lower bound {low.Value} is above the upper bound {high.Value}.", nameof(low));
        }

        Var result = x.Value < low.Value ? low : x.Value > high.Value ? high : x;
        return TapeOf(result).Record(result.Value, result.Index, 1);
    }

    /// <summary>(float)x: the value rounded to float, the derivative 1 (as the generator differentiates a narrowing cast).</summary>
    public static Var RoundToFloat(Var x) => Unary(x, (float)x.Value, 1);
}
