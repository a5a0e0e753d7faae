namespace SourceGrad.Tests.Catalogue;

/// <summary>
/// Branches and loops over scalars: if/else, ?:, for, while, do, break, continue, early return (inside loops
/// too), loops whose trip count depends on active values, and scalars overwritten on every iteration.
/// </summary>
public static partial class ControlFlowCatalogue
{
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Branch(double x, double y)
    {
        double result;
        if (x > y)
        {
            result = x * x;
        }
        else
        {
            result = y * Math.Exp(x);
        }

        return result;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double ElseIfChain(double x)
    {
        double y = 0;
        if (x < -1)
            y = -x * x;
        else if (x < 1)
            y = Math.Sin(x);
        else
            y = Math.Sqrt(x) * 3;
        return y + x;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Conditional(double x, double y) => x > 0 ? x * y : y - x * x;

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double NestedConditional(double x) => x < -1 ? -x : (x < 1 ? x * x * x : Math.Sqrt(x));

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float ConditionalInsideF(float x, float y)
    {
        float z = (x > y ? x : y) * MathF.Exp(x < 0 ? -x : x);
        return z;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double EarlyReturn(double x, double y)
    {
        if (x < 0) return y * y;
        double t = x * y;
        if (t > 1) return Math.Log(t);
        return t * t;
    }

    /// <summary>A non-linear accumulator over a run-time number of iterations.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double PowerByLoop(double x, int n)
    {
        double p = 1;
        for (int i = 0; i < n; i++) p *= x;
        return p;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double WhileLoop(double x)
    {
        double sum = 0;
        int i = 0;
        while (i < 5)
        {
            sum += Math.Sin(x * i) / (i + 1);
            i++;
        }

        return sum;
    }

    /// <summary>The trip count depends on an active value: unknown when the loop is entered.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double GrowUntil(double x)
    {
        double v = x;
        int steps = 0;
        while (v < 100 && steps < 50)
        {
            v = v * 1.5 + Math.Sqrt(v);
            steps++;
        }

        return v;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double DoLoop(double x, int n)
    {
        double y = x;
        int k = 0;
        do
        {
            y = Math.Sqrt(y + 1) * x;
            k++;
        }
        while (k < n);
        return y;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double DoLoopWithBreak(double x)
    {
        double y = x;
        int k = 0;
        do
        {
            y = y * Math.Cos(y) + x;
            if (k == 3) break;
            k++;
        }
        while (true);
        return y;
    }

    /// <summary>x = x*x + c, overwriting the parameter on every iteration.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double IteratedMap(double x, double c, int n)
    {
        for (int i = 0; i < n; i++) x = x * x + c;
        return x;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double LogisticMap(double r, double x0, int steps)
    {
        double x = x0;
        for (int i = 0; i < steps; i++)
        {
            x = r * x * (1 - x);
        }

        return x;
    }

    /// <summary>Newton's iteration for sqrt(a): the derivative of the converged value is 1/(2 sqrt(a)).</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double NewtonSqrt(double a, int iterations)
    {
        double x = a;
        for (int i = 0; i < iterations; i++) x = 0.5 * (x + a / x);
        return x;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float IteratedMapF(float x, float c, int n)
    {
        for (int i = 0; i < n; i++)
        {
            x = x * x + c;
        }

        return x;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double NestedScalarLoops(double x, int outer, int inner)
    {
        double s = 0;
        for (int i = 0; i < outer; i++)
        {
            double t = x * (i + 1);
            for (int j = 0; j <= i && j < inner; j++)
            {
                t = Math.Sin(t) + x;
                s += t * j;
            }
        }

        return s;
    }

    /// <summary>continue and break in a while loop.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double WhileContinueBreak(double x, int limit)
    {
        double s = 0;
        int i = 0;
        while (i < 100)
        {
            i++;
            if (i % 3 == 0) continue;
            s = s * x + i;
            if (i >= limit) break;
        }

        return s;
    }

    /// <summary>An early return from inside nested loops.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double ReturnFromNestedLoop(double x, double threshold)
    {
        double s = x;
        for (int i = 0; i < 10; i++)
        {
            for (int j = 0; j < 10; j++)
            {
                s = s * 1.1 + x * j;
                if (s > threshold) return s * threshold;
            }
        }

        return -s;
    }
}
