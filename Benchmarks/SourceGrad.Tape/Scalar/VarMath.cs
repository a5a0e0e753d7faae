namespace SourceGrad.Tape;

// The elementary functions: each records one node with the local partial derivative(s), written next to the
// primal as the maths reads (y = f(x); dy/dx = f'(x)).
public readonly partial struct Var
{
    /// <summary>Records a function of one variable: y = value, dy/dx = derivative.</summary>
    private static Var Unary(Var x, double value, double derivative) => TapeOf(x).Record(value, x.Index, derivative);

    // y = e^x; dy/dx = y
    public static Var Exp(Var x)
    {
        double y = Math.Exp(x.Value);
        return Unary(x, y, y);
    }

    // y = ln x; dy/dx = 1/x
    public static Var Log(Var x) => Unary(x, Math.Log(x.Value), 1 / x.Value);

    // y = log2 x; dy/dx = 1/(x ln 2)
    public static Var Log2(Var x) => Unary(x, Math.Log2(x.Value), 1 / (x.Value * Math.Log(2)));

    // y = log10 x; dy/dx = 1/(x ln 10)
    public static Var Log10(Var x) => Unary(x, Math.Log10(x.Value), 1 / (x.Value * Math.Log(10)));

    // y = sqrt x; dy/dx = 1/(2y)
    public static Var Sqrt(Var x)
    {
        double y = Math.Sqrt(x.Value);
        return Unary(x, y, 0.5 / y);
    }

    // y = cbrt x; dy/dx = 1/(3y²)
    public static Var Cbrt(Var x)
    {
        double y = Math.Cbrt(x.Value);
        return Unary(x, y, 1 / (3 * y * y));
    }

    // y = x²; dy/dx = 2x
    public static Var Square(Var x) => Unary(x, x.Value * x.Value, 2 * x.Value);

    // y = x^p; dy/dx = p x^(p-1)
    public static Var Pow(Var x, double p) =>
        Unary(x, Math.Pow(x.Value, p), p == 0 ? 0 : p * Math.Pow(x.Value, p - 1));

    // y = b^x; dy/dx = y ln b
    public static Var Pow(double b, Var x)
    {
        double y = Math.Pow(b, x.Value);
        return Unary(x, y, y * Math.Log(b));
    }

    // y = x^p; dy/dx = p x^(p-1), dy/dp = y ln x (taken as 0 where ln x is undefined, as for an integer power)
    public static Var Pow(Var x, Var p)
    {
        double b = x.Value, e = p.Value;
        double y = Math.Pow(b, e);
        double dx = e == 0 ? 0 : e * Math.Pow(b, e - 1);
        double dp = b > 0 ? y * Math.Log(b) : 0;
        return SameTape(x, p).Record(y, x.Index, dx, p.Index, dp);
    }

    // y = sin x; dy/dx = cos x
    public static Var Sin(Var x)
    {
        (double sin, double cos) = Math.SinCos(x.Value);
        return Unary(x, sin, cos);
    }

    // y = cos x; dy/dx = -sin x
    public static Var Cos(Var x)
    {
        (double sin, double cos) = Math.SinCos(x.Value);
        return Unary(x, cos, -sin);
    }

    // y = tan x; dy/dx = 1 + y²
    public static Var Tan(Var x)
    {
        double y = Math.Tan(x.Value);
        return Unary(x, y, 1 + y * y);
    }

    // y = asin x; dy/dx = 1/sqrt(1 - x²)
    public static Var Asin(Var x) => Unary(x, Math.Asin(x.Value), 1 / Math.Sqrt(1 - x.Value * x.Value));

    // y = acos x; dy/dx = -1/sqrt(1 - x²)
    public static Var Acos(Var x) => Unary(x, Math.Acos(x.Value), -1 / Math.Sqrt(1 - x.Value * x.Value));

    // y = atan x; dy/dx = 1/(1 + x²)
    public static Var Atan(Var x) => Unary(x, Math.Atan(x.Value), 1 / (1 + x.Value * x.Value));

    // z = atan2(y, x); dz/dy = x/(x² + y²), dz/dx = -y/(x² + y²)
    public static Var Atan2(Var y, Var x)
    {
        double b = y.Value, a = x.Value;
        double radiusSquared = a * a + b * b;
        return SameTape(y, x).Record(Math.Atan2(b, a), y.Index, a / radiusSquared, x.Index, -b / radiusSquared);
    }

    // y = sinh x; dy/dx = cosh x
    public static Var Sinh(Var x) => Unary(x, Math.Sinh(x.Value), Math.Cosh(x.Value));

    // y = cosh x; dy/dx = sinh x
    public static Var Cosh(Var x) => Unary(x, Math.Cosh(x.Value), Math.Sinh(x.Value));

    // y = tanh x; dy/dx = 1 - y²
    public static Var Tanh(Var x)
    {
        double y = Math.Tanh(x.Value);
        return Unary(x, y, 1 - y * y);
    }

    // y = 1/(1 + e^-x); dy/dx = y(1 - y)
    public static Var Sigmoid(Var x)
    {
        double y = 1 / (1 + Math.Exp(-x.Value));
        return Unary(x, y, y * (1 - y));
    }

    // y = max(x, 0); dy/dx = [x > 0]
    public static Var Relu(Var x) => x.Value > 0 ? Unary(x, x.Value, 1) : Unary(x, 0, 0);

    // y = |x|; dy/dx = sign x (0 at 0)
    public static Var Abs(Var x) => Unary(x, Math.Abs(x.Value), Math.Sign(x.Value));

    // z = max(a, b); the gradient goes to the larger one (to a on a tie, like Math.Max's first argument)
    public static Var Max(Var a, Var b) =>
        a.Value >= b.Value ? SameTape(a, b).Record(a.Value, a.Index, 1) : SameTape(a, b).Record(b.Value, b.Index, 1);

    public static Var Max(Var a, double b) => a.Value >= b ? Unary(a, a.Value, 1) : Unary(a, b, 0);

    // z = min(a, b); the gradient goes to the smaller one (to a on a tie)
    public static Var Min(Var a, Var b) =>
        a.Value <= b.Value ? SameTape(a, b).Record(a.Value, a.Index, 1) : SameTape(a, b).Record(b.Value, b.Index, 1);

    public static Var Min(Var a, double b) => a.Value <= b ? Unary(a, a.Value, 1) : Unary(a, b, 0);

    // y = clamp(x, low, high); dy/dx = [low <= x <= high]
    public static Var Clamp(Var x, double low, double high)
    {
        if (low > high)
        {
            throw new ArgumentException($"The lower bound {low} is above the upper bound {high}.", nameof(low));
        }

        return x.Value < low ? Unary(x, low, 0) : x.Value > high ? Unary(x, high, 0) : Unary(x, x.Value, 1);
    }

    /// <summary>
    /// d = fma(a, b, c) rounded once, as <see cref="Math.FusedMultiplyAdd(double, double, double)"/>; dd/da = b,
    /// dd/db = a, dd/dc = 1. Two nodes (a node has at most two parents): the first carries the product's partials,
    /// both hold the fused value.
    /// </summary>
    public static Var FusedMultiplyAdd(Var a, Var b, Var c)
    {
        double fused = Math.FusedMultiplyAdd(a.Value, b.Value, c.Value);
        Var product = SameTape(a, b).Record(fused, a.Index, b.Value, b.Index, a.Value);
        return SameTape(product, c).Record(fused, product.Index, 1, c.Index, 1);
    }
}
