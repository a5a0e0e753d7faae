using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests;

/// <summary>
/// Buffers the method writes, where the contract is subtle: in-place updates, arrays, local buffers, slices
/// passed to a [Differentiable] callee that writes them. The adjoint of a written buffer holds the upstream
/// gradient on entry and the gradient with respect to its initial contents on exit.
/// </summary>
public class BufferTests
{
    public static TheoryData<string, string, object[]> Programs() => new()
    {
        {
            "in-place square and prefix sum",
            """
            public static partial class Buffers
            {
                [Differentiable]
                public static void F(Span<double> a, double scale)
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
            }
            """,
            new object[] { new[] { 0.5, -1.2, 0.8, 1.1 }, 0.7 }
        },
        {
            "array parameter scaled in place and summed",
            """
            public static partial class Buffers
            {
                [Differentiable]
                public static double F(double[] a, double s)
                {
                    double total = 0;
                    for (int i = 0; i < a.Length; i++)
                    {
                        a[i] *= s;
                        total += a[i] * a[i];
                    }

                    return total;
                }
            }
            """,
            new object[] { new[] { 0.5, -1.2, 0.8 }, 1.3 }
        },
        {
            "element overwritten twice, read in between",
            """
            public static partial class Buffers
            {
                [Differentiable]
                public static double F(Span<double> a, double x)
                {
                    a[0] = a[0] * x;
                    double read = a[0] * a[1];
                    a[0] = Math.Sin(a[0]) + read;
                    return a[0] * a[2];
                }
            }
            """,
            new object[] { new[] { 0.5, -1.2, 0.8 }, 1.3 }
        },
        {
            "local buffer with computed indices",
            """
            public static partial class Buffers
            {
                [Differentiable]
                public static double F(ReadOnlySpan<double> w, int n)
                {
                    Span<double> h = stackalloc double[n];
                    double[] g = new double[n];
                    for (int i = 0; i < n; i++)
                    {
                        h[i] = Math.Tanh(w[i] * (i + 1));
                        g[(i * 2) % n] += h[i] > 0 ? h[i] * h[i] : -h[i];
                    }

                    double sum = 0;
                    for (int i = n - 1; i >= 0; i -= 2)
                    {
                        sum += g[i] * Math.Exp(h[i]);
                    }

                    return sum;
                }
            }
            """,
            new object[] { new[] { 0.5, -1.2, 0.8, 0.3, -0.4 }, 5 }
        },
        {
            "slices passed to a callee that writes them",
            """
            public static partial class Buffers
            {
                [Differentiable]
                public static void Smooth(ReadOnlySpan<double> x, Span<double> y)
                {
                    for (int i = 0; i < y.Length; i++)
                    {
                        y[i] = 0.5 * x[i] + 0.25 * x[i + 1] * x[i + 1];
                    }
                }

                [Differentiable]
                public static double F(Span<double> signal, double gain)
                {
                    double[] first = new double[3];
                    Smooth(signal.Slice(0, 4), first);
                    Smooth(first, signal.Slice(2, 2));
                    double total = 0;
                    for (int i = 0; i < signal.Length; i++)
                    {
                        total += signal[i] * gain;
                    }

                    return total + first[1];
                }
            }
            """,
            new object[] { new[] { 0.5, -1.2, 0.8, 0.3, -0.4 }, 1.7 }
        },
        {
            "callee overwrites a buffer it also reads",
            """
            public static partial class Buffers
            {
                [Differentiable]
                public static void Normalize(Span<double> v)
                {
                    double norm = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        norm += v[i] * v[i];
                    }

                    norm = Math.Sqrt(norm);
                    for (int i = 0; i < v.Length; i++)
                    {
                        v[i] = v[i] / norm;
                    }
                }

                [Differentiable]
                public static double F(Span<double> v, double w)
                {
                    v[0] = v[0] * w;
                    Normalize(v);
                    Normalize(v.Slice(1));
                    return v[0] * v[1] + v[2];
                }
            }
            """,
            new object[] { new[] { 0.5, -1.2, 0.8 }, 1.3 }
        },
    };

    [Theory]
    [MemberData(nameof(Programs))]
    public void Gradient_with_written_buffers_matches_finite_differences(string name, string source, object[] arguments)
    {
        Assert.NotEmpty(name);
        SpanGradientCheck.AssertGeneratedGradientMatches(source, "Buffers", "F", arguments);
    }
}
