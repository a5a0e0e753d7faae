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
