using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests;

/// <summary>
/// Less common constructs inside the supported subset: each gets a gradient with no diagnostic, the output
/// compiles cleanly, and the gradient matches finite differences.
/// </summary>
public class SupportedConstructTests
{
    /// <summary>A method F in type <see cref="Type"/>, and arguments at which to check its gradient.</summary>
    public sealed record Example(string Source, string Type, params object[] Arguments);

    private static Example InModel(string method, params object[] arguments) =>
        new($$"""
            public static partial class Model
            {
                {{method}}
            }
            """, "Model", arguments);

    public static IReadOnlyDictionary<string, Example> Examples { get; } = new Dictionary<string, Example>
    {
        ["checked block"] = InModel("""
            [Differentiable]
            public static double F(double x, int n) { checked { n = n + 1; } return x * n; }
            """, 0.7, 2),
        ["recursion"] = InModel("""
            [Differentiable]
            public static double F(double x, int n) { if (n == 0) return x; double r = F(x * 0.5, n - 1); return r * x; }
            """, 0.9, 3),
        ["while (true) with break"] = InModel("""
            [Differentiable]
            public static double F(double x) { double s = x; while (true) { s = s * 0.5; if (s < 1) break; } return s; }
            """, 5.0),
        ["for with two counters"] = InModel("""
            [Differentiable]
            public static double F(double x, int n) { double s = 0; for (int i = 0, j = n; i < j; i++, j--) { s += x * i * j; } return s; }
            """, 0.7, 5),
        ["nested loops with break and continue"] = InModel("""
            [Differentiable]
            public static double F(double x, int n)
            {
                double s = 1;
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        if (j > i) break;
                        if (j == 1) continue;
                        s = s * x + j;
                    }
                }

                return s;
            }
            """, 0.9, 4),
        ["do-while"] = InModel("""
            [Differentiable]
            public static double F(double x) { double s = x; int k = 0; do { s = Math.Sin(s); k++; } while (k < 3); return s; }
            """, 0.5),
        ["integer Math and double generic math"] = InModel("""
            [Differentiable]
            public static double F(double x, int n) => x * Math.Abs(n) + Math.Max(n, 3) + double.Sin(x) * Math.Max(x, 0.0);
            """, 0.8, -3),
        ["increment and decrement of a double"] = InModel("""
            [Differentiable]
            public static double F(double x) { double y = x; y++; y--; ++y; return y * x; }
            """, 0.8),
        ["default literal"] = InModel("""
            [Differentiable]
            public static double F(double x) { double d = default; return d + x * x; }
            """, 0.8),
        ["static readonly field and constants"] = new("""
            public static partial class Model
            {
                private static readonly double s_scale = 3;
                private const double Offset = 0.25;

                [Differentiable]
                public static double F(double x) => x * s_scale * double.Pi + Math.PI * x + Offset;
            }
            """, "Model", 0.8),
        ["bool local and parameter"] = InModel("""
            [Differentiable]
            public static double F(double x, bool flip) { bool b = flip && x > 0; return b ? -x * x : x; }
            """, 0.8, true),
        ["long buffer"] = InModel("""
            [Differentiable]
            public static double F(double x, int n) { long[] counts = new long[n]; counts[0] = 3; return x * counts[0]; }
            """, 0.8, 3),
        ["parameter of another type"] = InModel("""
            [Differentiable]
            public static double F(double x, string name) => x * x;
            """, 0.8, "name"),
        ["float method returning default"] = InModel("""
            [Differentiable]
            public static float F(float x) { if (x > 10) return default; return x * x * 0.1f + (float)0.2 + 1e-3f * MathF.PI; }
            """, 0.6f),
        ["mixed float and double"] = InModel("""
            [Differentiable]
            public static float F(float x, double y) { double z = x * y; float w = (float)Math.Log(z * z + 1); return w * x + (float)Math.Pow(y, 3); }
            """, 0.7f, 1.2),
        ["loop bound changed after the loop"] = InModel("""
            [Differentiable]
            public static double F(double x, int n) { double s = 1; for (int i = 0; i < n; i++) { s = s * x + i; } n = 1; return s * n; }
            """, 0.7, 4),
        ["loop bound changed inside the loop"] = InModel("""
            [Differentiable]
            public static double F(double x, int n) { double s = 1; for (int i = 0; i < n; i++) { s = s * x + i; n = n - 1; } return s; }
            """, 0.7, 7),
        ["loop stepping by three"] = InModel("""
            [Differentiable]
            public static double F(double x, int n) { double s = 1; for (int i = 1; i <= n; i += 3) { s = s * x + i; } return s; }
            """, 0.7, 8),
        ["loop that runs zero times"] = InModel("""
            [Differentiable]
            public static double F(double x, int n) { double s = x; for (int i = n; i < 3; i++) { s = s * x + i; } return s; }
            """, 0.7, 5),
        ["loop counting down by two past zero"] = InModel("""
            [Differentiable]
            public static double F(double x, int n) { double s = 1; for (int i = n; i >= -2; i -= 2) { s = s * x + i; } return s; }
            """, 0.7, 5),
        ["triangular nested loops"] = InModel("""
            [Differentiable]
            public static double F(double x, int n) { double s = 1; for (int i = 0; i < n; i++) { for (int j = i; j < n; j++) { s = s * x + j; } } return s; }
            """, 0.9, 4),
        ["loop with a != bound"] = InModel("""
            [Differentiable]
            public static double F(double x, int n) { double s = 1; for (int i = 0; i != n; i++) { s = s * x + i; } return s; }
            """, 0.7, 4),
        ["local buffer measured by its Length"] = InModel("""
            [Differentiable]
            public static double F(double x, int n)
            {
                double[] b = new double[n];
                for (int i = 0; i < b.Length; i++) { b[i] = x * i; }
                double s = 0;
                for (int i = 0; i < b.Length; i++) { s += b[i] * b[i]; }
                return s;
            }
            """, 0.7, 4),
        ["CheckFinite"] = InModel("""
            [Differentiable(CheckFinite = true)]
            public static double F(double x, int n) { double s = x; for (int i = 0; i < n; i++) { s = Math.Log(1 + s * s) * x; } return s; }
            """, 0.8, 3),
        ["struct"] = new("""
            public partial struct Model
            {
                [Differentiable]
                internal static double F(double x) => x * Math.Exp(x);
            }
            """, "Model", 0.3),
        ["record in a file-scoped namespace"] = new("""
            namespace Deep.Space;

            public partial record Model(int Id)
            {
                [Differentiable]
                public static double F(double x) => Math.Tanh(x) * x;
            }
            """, "Deep.Space.Model", 0.3),
        ["interface"] = new("""
            public partial interface IModel
            {
                [Differentiable]
                public static double F(double x) => Math.Atan(x) * x;
            }
            """, "IModel", 0.3),
        ["nested type in a generic type"] = new("""
            public partial class Outer<T> where T : class
            {
                public static partial class Model
                {
                    [Differentiable]
                    public static double F(double x) => Math.Cosh(x) / x;
                }
            }
            """, "Outer`1+Model", 1.3),
    };

    public static TheoryData<string> Names() => new(Examples.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Construct_gets_a_gradient_that_compiles_and_matches_finite_differences(string name)
    {
        Example example = Examples[name];
        GeneratorRun run = GeneratorRunner.Run(example.Source);

        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertCompilesCleanly();
        Type type = run.Load().GetType(example.Type)!;
        if (type.IsGenericTypeDefinition)
        {
            type = type.MakeGenericType(typeof(string));
        }

        bool vectorised = run.Dump().Contains("IsHardwareAccelerated", StringComparison.Ordinal);
        GradientCheck.AssertMatchesFiniteDifferences(type, "F", vectorised, example.Arguments);
    }

    [Fact]
    public void A_const_local_compiles_without_warnings()
    {
        GeneratorRun run = GeneratorRunner.Run("""
            public static partial class Model
            {
                [Differentiable]
                public static double F(double x)
                {
                    const double k = 2;
                    return k * x;
                }
            }
            """);

        run.AssertCompilesCleanly();
    }
}
