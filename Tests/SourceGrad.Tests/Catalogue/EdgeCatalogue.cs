namespace SourceGrad.Tests.Catalogue;

/// <summary>
/// Ordinary C# that stresses the generator's bookkeeping: names that collide with the contract's or the
/// generated code's, inactive outputs, constants and fields, unusual loop shapes, results that ignore an
/// active parameter.
/// </summary>
public static partial class EdgeCatalogue
{
    /// <summary>A local named like the adjoint of x (the contract fixes the parameter's name, not the user's).</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double LocalNamedLikeAdjoint(double x)
    {
        double dX = x * 0.5;
        return dX * dX + Math.Sin(dX);
    }

    /// <summary>Locals named like the generated code's temporaries.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double LocalsNamedLikeTemporaries(double x, ReadOnlySpan<double> a)
    {
        double _v1 = x * 0.5;
        double _dX = Math.Sin(_v1);
        int _trips1 = a.Length;
        double _savedDoubles = 0;
        for (int i = 0; i < _trips1; i++) _savedDoubles = _savedDoubles * _dX + a[i];
        return _v1 * _savedDoubles + _dX;
    }

    /// <summary>A bool parameter choosing the branch.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double BoolParameter(double x, bool square) => square ? x * x : 3 * x;

    /// <summary>Math.PI and Math.E, a float literal in double arithmetic, an explicit int-to-double cast.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double ConstantsAndFields(double x, double mu, double sigma)
    {
        double z = (x - mu) / sigma;
        return -0.5 * z * z - Math.Log(sigma * Math.Sqrt(2 * Math.PI)) + x * 0.25f + (double)3 / 4 * Math.E;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double LocalConstant(double x)
    {
        const double Half = 0.5;
        return Half * x * x;
    }

    /// <summary>An inactive (int) output span written beside an active result.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double MaxWithIndex(ReadOnlySpan<double> x, Span<int> index)
    {
        int best = 0;
        for (int i = 1; i < x.Length; i++)
        {
            if (x[i] > x[best]) best = i;
        }

        index[0] = best;
        return x[best] * x[best];
    }

    /// <summary>A stride of 2, a loop variable declared outside its loop, and a break out of an inner loop only.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double UnusualLoops(ReadOnlySpan<double> x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i += 2) s += x[i] * x[i];
        int j;
        for (j = x.Length - 1; j > 0; j--) s = s * 0.9 + x[j] * x[j - 1];
        for (int a = 0; a < 3; a++)
        {
            for (int b = 0; b < x.Length; b++)
            {
                if (b > a + 1) break;
                s += Math.Sin(x[b] * (a + 1));
            }
        }

        return s;
    }

    /// <summary>An early return from inside a do loop and from inside a while loop.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double ReturnsFromDoAndWhile(double x, int limit)
    {
        double y = x;
        int k = 0;
        do
        {
            y = y * y * 0.5 + x;
            k++;
            if (k == limit) return y;
        }
        while (k < 10);

        while (true)
        {
            y = Math.Sqrt(y * y + 1);
            if (y > 2) return y * x;
        }
    }

    /// <summary>Expression-bodied void method: an assignment as the body.</summary>
    [Differentiable(Tangent = true, Split = true)]
    public static void WriteSquare(double v, Span<double> y) => y[0] = v * v;

    /// <summary>A ?: on elements inside a loop, writing two outputs.</summary>
    [Differentiable(Tangent = true, Split = true)]
    public static void SplitPositiveNegative(ReadOnlySpan<double> x, Span<double> positive, Span<double> negative)
    {
        for (int i = 0; i < x.Length; i++)
        {
            positive[i] = x[i] > 0 ? x[i] * x[i] : 0;
            negative[i] = x[i] < 0 ? -x[i] : 0.5 * positive[i];
        }
    }

    /// <summary>A callee writing a local buffer on every iteration, the buffer read and rewritten in between.</summary>
    [Differentiable(Tangent = true, Split = true)]
    public static double RepeatedSoftmax(ReadOnlySpan<double> x, int rounds)
    {
        Span<double> t = stackalloc double[x.Length];
        Span<double> u = stackalloc double[x.Length];
        for (int i = 0; i < x.Length; i++) t[i] = x[i];
        for (int r = 0; r < rounds; r++)
        {
            BufferCatalogue.Softmax(t, u);
            for (int i = 0; i < x.Length; i++) t[i] = u[i] * 3 + x[i];
        }

        return CallCatalogue.Norm(t);
    }

    /// <summary>Float accumulation of narrowed double terms.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float NarrowedAccumulation(ReadOnlySpan<double> x)
    {
        float sum = 0;
        for (int i = 0; i < x.Length; i++) sum += (float)(x[i] * x[i]) * 0.5f;
        return sum;
    }

    /// <summary>Thousands of iterations: the saved values outgrow the save stack's first buffer several times.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double ContractionMap(double x, double c, int n)
    {
        for (int i = 0; i < n; i++) x = 0.5 * Math.Sin(x) + c * Math.Cos(i * 0.001);
        return x;
    }

    /// <summary>A loop condition that reads span elements, and continue inside a do loop.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double ConditionReadsElements(ReadOnlySpan<double> x)
    {
        double s = 0;
        int i = 0;
        while (i < x.Length && x[i] > -1)
        {
            s += x[i] * Math.Exp(-s);
            i++;
        }

        int k = 0;
        do
        {
            k++;
            if (k % 2 == 0) continue;
            s = s * s * 0.25 + x[k % x.Length];
        }
        while (k < 5);
        return s;
    }

    /// <summary>Like ExpUntil (a void method returning from inside a loop), but with a statement after the loop.</summary>
    [Differentiable(Tangent = true, Split = true)]
    public static void ExpUntilThenDouble(ReadOnlySpan<double> x, Span<double> y, [NoGrad] double limit)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = Math.Exp(x[i]);
            if (y[i] > limit) return;
        }

        y[0] *= 2;
    }

    /// <summary>Named arguments, out of order.</summary>
    [Differentiable(Tangent = true, Split = true)]
    public static double NamedArguments(double a, double b) => CallCatalogue.ComposedScalars(y: a, x: b) + ScalarCatalogue.Quotient(y: b, x: a);

    /// <summary>An array local passed to a callee that writes it, then read.</summary>
    [Differentiable(Tangent = true, Split = true)]
    public static double ArrayLocalThroughCallee(ReadOnlySpan<double> x)
    {
        double[] y = new double[x.Length];
        BufferCatalogue.Smooth(x, y);
        return BufferCatalogue.Product(y);
    }
}
