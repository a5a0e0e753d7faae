using System.Reflection;
using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests;

/// <summary>
/// Forward mode across methods: which methods get a tangent (the ones that ask, and the [Differentiable] methods they
/// call, however deep), calls into the runtime's kernels and its own [Differentiable] methods, and recursion.
/// </summary>
public class TangentTests
{
    private const string Chain = """
        public static partial class Chain
        {
            [Differentiable(Tangent = true)]
            public static double Top(double x, double y) => Middle(x * y, y) + x;

            [Differentiable]
            public static double Middle(double u, double v) => Bottom(u) * v;

            [Differentiable]
            public static double Bottom(double w) => Math.Tanh(w) + 1;

            [Differentiable]
            public static double Unrelated(double z) => z * z;
        }
        """;

    /// <summary>The chain, and methods that call themselves (their tangents call their own tangents).</summary>
    private static readonly string ChainAndRecursion = Chain + "\n" + CallTests.SelfRecursive.Replace("[Differentiable]", "[Differentiable(Tangent = true)]", StringComparison.Ordinal);

    [Fact]
    public void A_tangent_brings_the_tangents_of_every_method_it_calls_and_no_other()
    {
        GeneratorRun run = GeneratorRunner.Run(ChainAndRecursion);

        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertCompilesCleanly();
        string[] tangents = run.Sources.Where(s => s.HintName.EndsWith(".Tangent.g.cs", StringComparison.Ordinal))
            .Select(s => s.HintName.Split('.')[1])
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(["Bottom", "Fibonacci", "Middle", "Power", "Top"], tangents);
    }

    [Fact]
    public void The_tangents_of_a_call_chain_and_of_a_recursion_are_the_derivatives_along_the_direction()
    {
        GeneratorRun run = GeneratorRunner.Run(ChainAndRecursion);
        Assembly assembly = run.Load();
        Type chain = assembly.GetType("Chain", throwOnError: true)!;
        Type recursion = assembly.GetType("Recursion", throwOnError: true)!;
        double Call(string name, params object[] arguments) => (double)chain.GetMethod(name)!.Invoke(null, arguments)!;
        (double value, double tangent) Tangent(Type type, string name, params object[] arguments)
        {
            object?[] all = [.. arguments, null];
            double value = (double)type.GetMethod(name + "Tangent")!.Invoke(null, all)!;
            return (value, (double)all[^1]!);
        }

        const double x = 0.7, y = -1.3, tX = 0.4, tY = 0.9, h = 1e-6;
        (double top, double topTangent) = Tangent(chain, "Top", x, y, tX, tY);
        Assert.Equal(Call("Top", x, y), top);
        double difference = (Call("Top", x + h * tX, y + h * tY) - Call("Top", x - h * tX, y - h * tY)) / (2 * h);
        Assert.Equal(difference, topTangent, 1e-8);

        (double power, double powerTangent) = Tangent(recursion, "Power", 1.2, 5, 0.5);
        Assert.Equal(Math.Pow(1.2, 5), power, 1e-12);
        Assert.Equal(5 * Math.Pow(1.2, 4) * 0.5, powerTangent, 1e-12);
    }

    private const string RuntimeCalls = """
        public static partial class Network
        {
            [Differentiable(Tangent = true)]
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

            [Differentiable(Tangent = true)]
            public static float Regression(ReadOnlySpan<float> w, [NoGrad] ReadOnlySpan<float> x, [NoGrad] ReadOnlySpan<float> target, int count)
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

    [Fact]
    public void Tangents_call_the_runtime_kernels_tangent_rules_and_its_own_generated_tangents()
    {
        GeneratorRun run = GeneratorRunner.Run(RuntimeCalls);

        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertCompilesCleanly();
        string loss = TangentOf(run, "Network.Loss.");
        Assert.Contains("global::SourceGrad.Linalg.MatMulTangent(", loss, StringComparison.Ordinal);
        Assert.Contains("global::SourceGrad.Activations.TanhTangent(", loss, StringComparison.Ordinal);
        string regression = TangentOf(run, "Network.Regression.");
        Assert.Contains("global::SourceGrad.Losses.HalfSquaredErrorTangent(", regression, StringComparison.Ordinal);
    }

    [Fact]
    public void An_input_without_a_tangent_is_passed_to_a_rule_that_accepts_empty_tangents_as_an_empty_span()
    {
        const string Source = """
            public static partial class Layer
            {
                [Differentiable(Tangent = true)]
                public static double Score([NoGrad] ReadOnlySpan<double> x, ReadOnlySpan<double> w, int rows, int inner)
                {
                    Span<double> y = stackalloc double[rows];
                    Linalg.MatMul(x, w, y, rows, inner, 1);
                    return Reductions.Sum(y);
                }
            }
            """;
        GeneratorRun run = GeneratorRunner.Run(Source);

        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertCompilesCleanly();
        string tangent = TangentOf(run, "Layer.Score.");
        Assert.Contains("MatMulTangent(x, w, y, rows, inner, 1, false, false, default, tW, _tY)", tangent, StringComparison.Ordinal);
        Assert.DoesNotContain("PooledBuffer", tangent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hand_written_method_with_the_tangent_s_name_is_SG0026_and_blocks_only_the_tangent()
    {
        const string Source = """
            public static partial class Model
            {
                [Differentiable(Tangent = true)]
                public static double Loss(double x) => x * x;

                public static double LossTangent(double x, double tX, out double tangent)
                {
                    tangent = 2 * x * tX;
                    return x * x;
                }
            }
            """;
        GeneratorRun run = GeneratorRunner.RunForDiagnostics(Source);

        Assert.Equal("SG0026", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Contains("'LossTangent'", Assert.Single(run.GeneratorDiagnostics).GetMessage(), StringComparison.Ordinal);
        Assert.Single(run.Sources, s => s.HintName.EndsWith(".Gradient.g.cs", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Sources, s => s.HintName.EndsWith(".Tangent.g.cs", StringComparison.Ordinal));
    }

    /// <summary>The generated tangent file of the method whose hint name starts with <paramref name="prefix"/>.</summary>
    private static string TangentOf(GeneratorRun run, string prefix) => Assert.Single(run.Sources, s =>
        s.HintName.StartsWith(prefix, StringComparison.Ordinal) && s.HintName.EndsWith(".Tangent.g.cs", StringComparison.Ordinal)).Text;
}
