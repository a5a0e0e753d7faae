namespace SourceGrad.PackageTests;

/// <summary>
/// The strictest consumer the in-memory matrix (Tests/SourceGrad.Generator.Tests/ConsumerMatrix) checks, built for real:
/// implicit usings off, nullable enabled, warnings as errors with every SDK analyzer (AnalysisLevel latest-all), an
/// XML documentation file, and the consumer's own <c>Math</c> and <c>Span</c> beside its differentiable methods, whose
/// gradients copy the spans and arrays they write. The build must succeed and the program print the right gradients.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class StrictConsumerProjectTests(PackedPackage package)
{
    private const string Properties = """
            <ImplicitUsings>disable</ImplicitUsings>
            <Nullable>enable</Nullable>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            <AnalysisLevel>latest-all</AnalysisLevel>
            <GenerateDocumentationFile>true</GenerateDocumentationFile>
            <Features>strict</Features>
        """;

    private const string Program = """
        using System;
        using System.Globalization;
        using System.Linq;

        [assembly: CLSCompliant(false)]

        namespace Consumer.Strict;

        /// <summary>Calls the generated gradients and prints what they compute.</summary>
        internal static class Program
        {
            private static void Main()
            {
                double[] v = [0.5, -1, 2];
                double[] dV = [1, 1, 1];
                double dScale = 0;
                InPlace.ScaleGradient(v, 3, dV, ref dScale);
                Print($"scale: v={Join(v)} dV={Join(dV)} dScale={dScale}");

                float[] y = [1, 2, 3];
                float[] dY = [1, 0, 2];
                float dW = 0;
                float total = InPlace.SquareGradient(y, 0.5f, dY, ref dW);
                Print($"square: total={total} y={Join(y)} dY={Join(dY)} dW={dW}");

                float[] tail = [1, 2, 3];
                float[] dTail = [1, 1, 1];
                float dTailW = 0;
                float tailTotal = InPlace.SquareTailGradient(tail, 0.5f, dTail, ref dTailW);
                Print($"tail: total={tailTotal} y={Join(tail)} dY={Join(dTail)} dW={dTailW}");

                double dX = 0, dW1 = 0, dW2 = 0;
                double loss = InPlace.LossGradient(5, 1, 2, 2, ref dX, ref dW1, ref dW2);
                Print($"lecture: loss={loss} dX={dX} dW1={dW1} dW2={dW2}");
            }

            private static void Print(FormattableString line) => Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));

            private static string Join(double[] values) => string.Join(",", values.Select(x => x.ToString(CultureInfo.InvariantCulture)));

            private static string Join(float[] values) => string.Join(",", values.Select(x => x.ToString(CultureInfo.InvariantCulture)));
        }
        """;

    private const string Methods = """
        using System;
        using SourceGrad;

        namespace Consumer.Strict;

        /// <summary>Methods that write the spans and arrays they are given, so their gradients copy them.</summary>
        internal static partial class InPlace
        {
            /// <summary>vᵢ ← vᵢ·(scale + vᵢ), in place in an array.</summary>
            /// <param name="v">The values, overwritten.</param>
            /// <param name="scale">The scale.</param>
            [Differentiable]
            internal static void Scale(double[] v, double scale)
            {
                for (int i = 0; i < v.Length; i++)
                {
                    v[i] *= scale + v[i];
                }
            }

            /// <summary>yᵢ ← w·yᵢ², in place in a span; returns the sum of the new values.</summary>
            /// <param name="y">The values, overwritten.</param>
            /// <param name="w">The weight.</param>
            /// <returns>Σ w·yᵢ².</returns>
            [Differentiable]
            internal static float Square(global::System.Span<float> y, float w)
            {
                float total = 0;
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = y[i] * y[i] * w;
                    total += y[i];
                }

                return total;
            }

            /// <summary><see cref="Square"/> on all but the first element of an array.</summary>
            /// <param name="y">The values, overwritten from the second on.</param>
            /// <param name="w">The weight.</param>
            /// <returns>Σ w·yᵢ² over i ≥ 1.</returns>
            [Differentiable]
            internal static float SquareTail(float[] y, float w) => Square(y.AsSpan(1), w);

            /// <summary>The lecture's loss, ½ (w2 · relu(w1 · x) − y)².</summary>
            /// <param name="x">The input.</param>
            /// <param name="w1">The first weight.</param>
            /// <param name="w2">The second weight.</param>
            /// <param name="y">The target.</param>
            /// <returns>The loss.</returns>
            [Differentiable]
            internal static double Loss(double x, double w1, double w2, [NoGrad] double y)
            {
                double h = global::System.Math.Max(0, w1 * x);
                double r = w2 * h - y;
                return 0.5 * r * r;
            }
        }

        /// <summary>The consumer's own Math: generated code that called it unqualified would throw.</summary>
        internal static class Math
        {
            /// <summary>Not System.Math.Max.</summary>
            /// <param name="a">Ignored.</param>
            /// <param name="b">Ignored.</param>
            /// <returns>Never.</returns>
            internal static double Max(double a, double b) => throw new InvalidOperationException($"the consumer's Math.Max({a}, {b})");
        }

        /// <summary>The consumer's own Span, which generated code must not mean by Span&lt;T&gt;.</summary>
        /// <typeparam name="T">Anything.</typeparam>
        internal readonly struct Span<T>
        {
        }
        """;

    [Fact]
    public void A_project_with_the_strictest_settings_builds_and_prints_its_gradients()
    {
        var project = new ConsumerProject(package, "StrictConsumer", Properties, ("Program.cs", Program), ("InPlace.cs", Methods));

        project.Build();

        string[] generated = project.GeneratedGradients("Consumer.Strict.InPlace");
        Assert.True(generated.Length == 4, $"expected the gradients of Scale, Square, SquareTail and Loss in {project.GeneratedDirectory}, found: [{string.Join(", ", generated)}]");
        // Worked by hand, all exact in binary floating point. Scale: vᵢ(3 + vᵢ) = 1.75, -2, 10; with upstream 1 on
        // each, dVᵢ = 3 + 2vᵢ and dScale = Σvᵢ. Square: w·yᵢ² = 0.5, 2, 4.5 (sum 7); L = total + Σ uᵢ·yᵢ', so
        // dYᵢ = (1 + uᵢ)·2w·yᵢ and dW = Σ(1 + uᵢ)·yᵢ². Tail: the same from the second element (y₀ and its upstream 1
        // untouched). Lecture: as in ConsumerProjectTests.
        Assert.Equal(
            [
                "scale: v=1.75,-2,10 dV=4,1,7 dScale=1.5",
                "square: total=7 y=0.5,2,4.5 dY=2,2,9 dW=33",
                "tail: total=6.5 y=1,2,4.5 dY=1,4,6 dW=26",
                "lecture: loss=32 dX=16 dW1=80 dW2=40",
            ],
            project.Run());
    }
}
