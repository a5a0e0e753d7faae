namespace SourceGrad.Tests.Generated;

public static partial class Tricky
{
    [Differentiable]
    public static double EarlyReturnInLoop(double x, double y, int n)
    {
        double acc = 0;
        for (int i = 0; i < n; i++)
        {
            acc += x * i;
            if (acc > 5)
            {
                return acc * y;
            }

            acc = acc * y;
        }

        return acc + x;
    }

    [Differentiable]
    public static double ContinueAndWhile(ReadOnlySpan<double> v, double s)
    {
        double total = 0;
        int k = 0;
        while (k < v.Length)
        {
            double t = v[k] * s;
            k++;
            if (t < 0)
            {
                continue;
            }

            total += Math.Sin(t) * v[k - 1];
        }

        do
        {
            total = total * 0.5 + s;
            k--;
        }
        while (k > 0);

        return total;
    }

    [Differentiable]
    public static double Square(double a) => a * a;

    public static double Cube(double a) => a * a * a;

    [DerivativeOf(nameof(Cube))]
    public static void CubePullback(double a, ref double dA, double dReturn) => dA += dReturn * 3 * a * a;

    [Differentiable]
    public static double Calls(double x, double y)
    {
        double s = Square(x) + 2 * Cube(y);
        for (int i = 0; i < 3; i++)
        {
            s = Square(s * 0.5) + Cube(x);
        }

        return s;
    }

    [Differentiable]
    public static void InPlace(Span<double> a, double scale)
    {
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = a[i] * a[i] * scale;
        }

        for (int i = 1; i < a.Length; i++)
        {
            a[i] += a[i - 1];
        }
    }

    [Differentiable]
    public static double LocalBuffer(ReadOnlySpan<double> w, int n)
    {
        Span<double> h = stackalloc double[n];
        double[] g = new double[n];
        for (int i = 0; i < n; i++)
        {
            h[i] = Math.Tanh(w[i] * (i + 1));
            g[i] = h[i] > 0 ? h[i] * h[i] : -h[i];
        }

        double sum = 0;
        for (int i = n - 1; i >= 0; i -= 2)
        {
            sum += g[i] * Math.Exp(h[i]);
        }

        return sum;
    }

    [Differentiable]
    public static float Mixed(float x, double y)
    {
        double z = x * y;
        float w = (float)Math.Log(z * z + 1);
        return w * x + (float)Math.Pow(y, 3) + MathF.Atan2(x, w);
    }
}

public class TrickyTests
{
    private static double Fd(Func<double, double> f, double x, double h = 1e-6) => (f(x + h) - f(x - h)) / (2 * h);

    [Theory]
    [InlineData(0.3, 1.7, 5)]
    [InlineData(2.1, 0.5, 6)]
    [InlineData(0.1, 0.9, 3)]
    public void Early_return_in_loop(double x, double y, int n)
    {
        double dX = 0, dY = 0;
        double value = Tricky.EarlyReturnInLoopGradient(x, y, n, ref dX, ref dY);
        Assert.Equal(Tricky.EarlyReturnInLoop(x, y, n), value, 12);
        Assert.Equal(Fd(a => Tricky.EarlyReturnInLoop(a, y, n), x), dX, 5);
        Assert.Equal(Fd(b => Tricky.EarlyReturnInLoop(x, b, n), y), dY, 5);
    }

    [Fact]
    public void Continue_while_and_do()
    {
        double[] v = { 0.5, -1.0, 2.0, 0.25, -0.3, 1.5 };
        double s = 0.7;
        double dS = 0;
        var dV = new double[v.Length];
        double value = Tricky.ContinueAndWhileGradient(v, s, dV, ref dS);
        Assert.Equal(Tricky.ContinueAndWhile(v, s), value, 12);
        Assert.Equal(Fd(b => Tricky.ContinueAndWhile(v, b), s), dS, 5);
        for (int i = 0; i < v.Length; i++)
        {
            double[] copy = (double[])v.Clone();
            Assert.Equal(Fd(a => { copy[i] = a; return Tricky.ContinueAndWhile(copy, s); }, v[i]), dV[i], 5);
        }
    }

    [Fact]
    public void Calls_to_differentiable_methods_and_rules()
    {
        double dX = 0, dY = 0;
        double value = Tricky.CallsGradient(0.8, 0.6, ref dX, ref dY);
        Assert.Equal(Tricky.Calls(0.8, 0.6), value, 12);
        Assert.Equal(Fd(a => Tricky.Calls(a, 0.6), 0.8), dX, 5);
        Assert.Equal(Fd(b => Tricky.Calls(0.8, b), 0.6), dY, 5);
    }

    [Fact]
    public void In_place_span_follows_the_contract()
    {
        double[] a0 = { 0.5, -1.0, 2.0, 0.25 };
        double[] upstream = { 1.0, -2.0, 0.5, 3.0 };
        double scale = 1.3;
        double F(double[] a, double sc)
        {
            double[] copy = (double[])a.Clone();
            Tricky.InPlace(copy, sc);
            return copy.Select((v, i) => v * upstream[i]).Sum();
        }

        double[] a = (double[])a0.Clone();
        double[] dA = (double[])upstream.Clone();
        double dScale = 0;
        Tricky.InPlaceGradient(a, scale, dA, ref dScale);
        double[] expected = (double[])a0.Clone();
        Tricky.InPlace(expected, scale);
        Assert.Equal(expected, a);
        Assert.Equal(Fd(sc => F(a0, sc), scale), dScale, 5);
        for (int i = 0; i < a0.Length; i++)
        {
            double[] copy = (double[])a0.Clone();
            Assert.Equal(Fd(v => { copy[i] = v; return F(copy, scale); }, a0[i]), dA[i], 5);
        }
    }

    [Fact]
    public void Local_buffers()
    {
        double[] w = { 0.5, -1.0, 2.0, 0.25, -0.7 };
        var dW = new double[w.Length];
        double value = Tricky.LocalBufferGradient(w, w.Length, dW);
        Assert.Equal(Tricky.LocalBuffer(w, w.Length), value, 12);
        for (int i = 0; i < w.Length; i++)
        {
            double[] copy = (double[])w.Clone();
            Assert.Equal(Fd(a => { copy[i] = a; return Tricky.LocalBuffer(copy, copy.Length); }, w[i]), dW[i], 5);
        }
    }

    [Fact]
    public void Mixed_float_and_double()
    {
        float dX = 0;
        double dY = 0;
        float value = Tricky.MixedGradient(0.7f, 1.3, ref dX, ref dY);
        Assert.Equal(Tricky.Mixed(0.7f, 1.3), value, 5);
        Assert.Equal(Fd(a => Tricky.Mixed((float)a, 1.3), 0.7, 1e-3), dX, 2);
        Assert.Equal(Fd(b => Tricky.Mixed(0.7f, b), 1.3, 1e-3), dY, 2);
    }
}

public static partial class TrickyLoops
{
    [Differentiable]
    public static double GeometricFor(double x, int n)
    {
        double total = 0;
        for (int i = 1; i < n; i *= 2)
        {
            if (i == 4)
            {
                continue;
            }

            total += Math.Sin(x * i) * total + x;
        }

        return total;
    }

    [Differentiable]
    public static double DoWithContinue(double x, int n)
    {
        double y = x;
        int k = 0;
        do
        {
            k++;
            if (k % 2 == 0)
            {
                y = y * 0.9;
                continue;
            }

            y = Math.Cos(y) + x * y;
        }
        while (k < n);

        return y;
    }

    [Differentiable]
    public static double NestedReturn(ReadOnlySpan<double> v, double t)
    {
        double acc = 0;
        for (int i = 0; i < v.Length; i++)
        {
            for (int j = 0; j < v.Length; j++)
            {
                acc += v[i] * v[j] * t;
                if (acc > 4)
                {
                    return acc * acc;
                }
            }

            acc = Math.Tanh(acc);
        }

        return acc;
    }

    [Differentiable]
    public static double SlicedCalls(ReadOnlySpan<double> w, int half)
    {
        return Losses2.Dot(w.Slice(0, half), w.Slice(half, half)) + Losses2.Dot(w.Slice(half), w.Slice(half));
    }
}

public static partial class Losses2
{
    [Differentiable]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }
}

public class TrickyLoopTests
{
    private static void Check(Func<double[], double> f, Func<double[], double[], double> gradient, double[] point)
    {
        var analytic = new double[point.Length];
        double value = gradient(point, analytic);
        Assert.Equal(f(point), value, 10);
        for (int i = 0; i < point.Length; i++)
        {
            double[] plus = (double[])point.Clone(), minus = (double[])point.Clone();
            plus[i] += 1e-6;
            minus[i] -= 1e-6;
            Assert.Equal((f(plus) - f(minus)) / 2e-6, analytic[i], 5);
        }
    }

    [Fact]
    public void Non_canonical_for_with_continue() =>
        Check(p => TrickyLoops.GeometricFor(p[0], 40), (p, g) => TrickyLoops.GeometricForGradient(p[0], 40, ref g[0]), new[] { 0.37 });

    [Fact]
    public void Do_while_with_continue() =>
        Check(p => TrickyLoops.DoWithContinue(p[0], 7), (p, g) => TrickyLoops.DoWithContinueGradient(p[0], 7, ref g[0]), new[] { 0.61 });

    [Theory]
    [InlineData(0.5)]
    [InlineData(3.0)]
    public void Return_from_a_nested_loop(double t) =>
        Check(p => TrickyLoops.NestedReturn(p.AsSpan(1), p[0]), (p, g) =>
        {
            double dT = 0;
            var dV = new double[p.Length - 1];
            double value = TrickyLoops.NestedReturnGradient(p.AsSpan(1), p[0], dV, ref dT);
            g[0] = dT;
            dV.CopyTo(g, 1);
            return value;
        }, new[] { t, 0.3, -0.2, 0.9, 0.45 });

    [Fact]
    public void Calls_with_slices() =>
        Check(p => TrickyLoops.SlicedCalls(p, 3), (p, g) => TrickyLoops.SlicedCallsGradient(p, 3, g), new[] { 0.3, -0.2, 0.9, 0.45, 1.1, -0.7 });
}
