using Microsoft.CodeAnalysis;
using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests;

/// <summary>
/// Calls into the runtime's kernels, whose [DerivativeOf] rules live in another assembly, into the runtime's own
/// [Differentiable] methods, and across namespaces and nested types: the generator finds the reverse of each
/// (through metadata where it must), and the gradient through it matches finite differences.
/// </summary>
public class CallTests
{
    private const string TwoLayerNetwork = """
        public static partial class Network
        {
            [Differentiable]
            public static double Loss(
                ReadOnlySpan<double> x, ReadOnlySpan<double> w1, ReadOnlySpan<double> b1, ReadOnlySpan<double> w2,
                [NoGrad] ReadOnlySpan<double> target, int batch, int inputs, int hidden)
            {
                Span<double> z = stackalloc double[batch * hidden];
                double[] a = new double[batch * hidden];
                Span<double> prediction = stackalloc double[batch];
                Linalg.MatMul(x, w1, z, batch, inputs, hidden);
                Linalg.AddBias(z, b1, batch, hidden);
                Activations.Tanh(z, a);
                Linalg.MatMul(a, w2, prediction, batch, hidden, 1);
                return Losses.MeanSquaredError(prediction, target) + 0.1 * Reductions.Sum(w1.Slice(1, 3));
            }
        }
        """;

    private const string SoftmaxOutput = """
        public static partial class Classifier
        {
            [Differentiable]
            public static void Probabilities(ReadOnlySpan<double> logits, Span<double> probabilities, double temperature, int rows, int cols)
            {
                double[] scaled = new double[rows * cols];
                for (int i = 0; i < scaled.Length; i++)
                {
                    scaled[i] = logits[i] / temperature;
                }

                Activations.Softmax(scaled, probabilities, rows, cols);
            }
        }
        """;

    /// <summary>A [Differentiable] method of the runtime (its gradient was generated when the runtime was built).</summary>
    private const string RuntimeDifferentiable = """
        public static partial class Regression
        {
            [Differentiable]
            public static float Loss(ReadOnlySpan<float> w, [NoGrad] ReadOnlySpan<float> x, [NoGrad] ReadOnlySpan<float> target, int count)
            {
                float[] prediction = new float[count];
                for (int i = 0; i < count; i++)
                {
                    prediction[i] = w[0] * x[i] + w[1];
                }

                return Losses.HalfSquaredError(prediction, target);
            }
        }
        """;

    /// <summary>A [Differentiable] callee in another namespace, in an internal nested type.</summary>
    private const string OtherNamespace = """
        namespace Library.Shapes
        {
            public static partial class Outer
            {
                internal static partial class Inner
                {
                    [Differentiable]
                    internal static double Bump(double a, [NoGrad] double width) => Math.Exp(-a * a / width);
                }
            }
        }

        namespace App
        {
            public static partial class Model
            {
                [Differentiable]
                public static double F(double x, double y) => Library.Shapes.Outer.Inner.Bump(x - y, 2.0) * y;
            }
        }
        """;

    public static TheoryData<string, string, string, object[]> Calls() => new()
    {
        { RuntimeDifferentiable, "Regression", "Loss", new object[] { new[] { 0.8f, -0.3f }, new[] { 0.5f, 1.5f, -1.0f }, new[] { 0.1f, 0.9f, -0.6f }, 3 } },
        { OtherNamespace, "App.Model", "F", new object[] { 0.4, 1.1 } },
        {
            TwoLayerNetwork, "Network", "Loss",
            new object[]
            {
                new[] { 0.5, -1.0, 0.3, 0.8, 0.1, -0.4 },
                new[] { 0.2, -0.3, 0.5, 0.1, 0.4, -0.2, 0.3, 0.6, -0.5, 0.2, -0.1, 0.7 },
                new[] { 0.05, -0.1, 0.2, 0.0 },
                new[] { 0.3, -0.6, 0.9, 0.2 },
                new[] { 0.4, -0.2 },
                2, 3, 4,
            }
        },
        { SoftmaxOutput, "Classifier", "Probabilities", new object[] { new[] { 0.5, -1.0, 2.0, 0.1, 0.3, -0.7 }, new double[6], 1.3, 2, 3 } },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public void Gradient_through_runtime_kernels_matches_finite_differences(string source, string type, string method, object[] arguments)
    {
        SpanGradientCheck.AssertGeneratedGradientMatches(source, type, method, arguments);
    }

    /// <summary>A method that calls itself: its gradient calls its own gradient.</summary>
    internal const string SelfRecursive = """
        public static partial class Recursion
        {
            [Differentiable]
            public static double Power(double x, int n)
            {
                if (n == 0)
                {
                    return 1;
                }

                double rest = Power(x, n - 1);
                return x * rest;
            }

            [Differentiable]
            public static double Fibonacci(double x, int n)
            {
                if (n < 2)
                {
                    return x * x;
                }

                double a = Fibonacci(x, n - 1);
                double b = Fibonacci(x * 0.5, n - 2);
                return a + b;
            }
        }
        """;

    [Theory]
    [InlineData("Power", 1.3, 5)]
    [InlineData("Fibonacci", 0.7, 12)]
    public void Recursive_calls_are_recognized_once_and_differentiated(string method, double x, int n)
    {
        // Fibonacci has two recursive call sites: checking every callee anew at each (32 levels deep) would take about
        // 2^32 recognitions. That hung CI once, so a regression fails here within the limit instead of hanging.
        (bool finished, bool _) = Deadline.Run(() =>
        {
            SpanGradientCheck.AssertGeneratedGradientMatches(SelfRecursive, "Recursion", method, [x, n]);
            return true;
        }, TimeSpan.FromSeconds(60), "recursive recognition");
        Assert.True(finished, "generating the gradient of a recursive method did not finish within 60 s");
    }

    [Fact]
    public void A_cycle_of_calls_with_an_error_reports_every_caller_and_still_compiles()
    {
        // Entry checks A first; A checks C, which calls A back while A is still being checked. A's own error must
        // then reach C too, or Entry would call C's gradient, which is never generated.
        GeneratorRun run = GeneratorRunner.Run("""
            public static partial class Cycle
            {
                [Differentiable]
                public static double Entry(double x)
                {
                    double a = A(x, 3);
                    double c = C(x, 3);
                    return a * c;
                }

                [Differentiable]
                public static double A(double x, int depth)
                {
                    double total = C(x, depth);
                    foreach (double v in new[] { x })
                    {
                        total += v;
                    }

                    return total;
                }

                [Differentiable]
                public static double C(double x, int depth)
                {
                    if (depth == 0)
                    {
                        return x;
                    }

                    double back = A(x, depth - 1);
                    return back * 2;
                }
            }
            """);
        foreach (string callee in new[] { "'A'", "'C'" })
        {
            // Reported in Entry's body (lines 8 and 9, counted from 0 with the prelude's three lines).
            Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "SG0020" && d.GetMessage().Contains(callee) &&
                d.Location.GetLineSpan().StartLinePosition.Line is 8 or 9);
        }

        Assert.Empty(run.Sources.Where(s => s.HintName.Contains("Entry")));
        Assert.Empty(run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("SG", StringComparison.Ordinal)));
    }
}
