using System.Reflection;
using SourceGrad.Generator.Tests.Infrastructure;
using SourceGrad.Generator.Tests.Passes;

namespace SourceGrad.Generator.Tests;

/// <summary>
/// A Hessian-vector product's loops get the gradient's optimisations: its Hv adjoints live within one reverse
/// iteration, as the gradient's adjoints do, so a loop reading a neighbour (xᵢ₊₁) runs ascending and in vector lanes;
/// and a tangent the reverse loop recomputes is not also computed in the forward sweep.
/// </summary>
public class HessianVectorLoopTests
{
    private const string Rosenbrock = """
        public static partial class Curvature
        {
            [Differentiable(HessianVector = true)]
            public static double Rosenbrock(ReadOnlySpan<double> x)
            {
                double sum = 0;
                for (int i = 0; i < x.Length - 1; i++)
                {
                    double a = x[i + 1] - x[i] * x[i];
                    double b = 1 - x[i];
                    sum += 100 * a * a + b * b;
                }

                return sum;
            }

            public static double Product(double[] x, double[] v, double[] dX, double[] hv) => RosenbrockHessianVector(x, v, dX, hv);
        }
        """;

    [Fact]
    public void The_product_of_a_loop_reading_a_neighbour_declares_its_Hv_adjoints_in_the_iteration_and_runs_in_lanes()
    {
        string code = Product(GeneratorRunner.Run(Rosenbrock));
        string[] lines = PassHarness.Lines(code);
        string reverse = code[code.IndexOf("// Reverse sweep", StringComparison.Ordinal)..];

        // No Hv adjoint is declared for the whole method, nor zeroed at the end of an iteration.
        Assert.DoesNotContain("_hvA", code[..code.IndexOf("// Forward sweep", StringComparison.Ordinal)], StringComparison.Ordinal);
        Assert.DoesNotContain("_hvA = 0d;", lines);
        Assert.Contains(lines, l => l.StartsWith("double _hvA = ", StringComparison.Ordinal));

        // The reverse loop adds H·v to four (or eight) elements of hvX at a time, carrying xᵢ₊₁'s share to the next lanes.
        Assert.Contains("StoreUnsafe(", reverse, StringComparison.Ordinal);
        Assert.Contains("GetReference(hvX)", reverse, StringComparison.Ordinal);
        Assert.Contains("for (int i = _simd", reverse, StringComparison.Ordinal);
    }

    [Fact]
    public void The_forward_sweep_leaves_the_tangents_the_reverse_loop_recomputes_to_the_reverse_loop()
    {
        string code = Product(GeneratorRunner.Run(Rosenbrock));
        int forward = code.IndexOf("// Forward sweep", StringComparison.Ordinal);
        int reverse = code.IndexOf("// Reverse sweep", StringComparison.Ordinal);
        string forwardSweep = code[forward..reverse];

        Assert.DoesNotContain("_tA", forwardSweep, StringComparison.Ordinal);
        Assert.DoesNotContain("_tB", forwardSweep, StringComparison.Ordinal);
        Assert.DoesNotContain("vX", forwardSweep, StringComparison.Ordinal);
        Assert.Contains("_tA = ", code[reverse..], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(37)]
    public void The_vectorised_product_is_the_Hessian_times_the_direction(int n)
    {
        GeneratorRun run = GeneratorRunner.Run(Rosenbrock);
        run.AssertCompilesCleanly();
        MethodInfo product = run.Load().GetType("Curvature", throwOnError: true)!.GetMethod("Product")!;
        var random = new Random(n);
        double[] x = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 3 - 1.5).ToArray();
        double[] v = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] dX = new double[n], hv = new double[n];

        product.Invoke(null, [x, v, dX, hv]);

        // H is tridiagonal: Hᵢᵢ = 1200xᵢ² − 400xᵢ₊₁ + 2 (i < n−1) + 200 (i > 0), Hᵢ,ᵢ₊₁ = −400xᵢ.
        for (int i = 0; i < n; i++)
        {
            double diagonal = (i < n - 1 ? 1200 * x[i] * x[i] - 400 * x[i + 1] + 2 : 0) + (i > 0 ? 200 : 0);
            double expected = diagonal * v[i] + (i < n - 1 ? -400 * x[i] * v[i + 1] : 0) + (i > 0 ? -400 * x[i - 1] * v[i - 1] : 0);
            double gradient = (i < n - 1 ? -400 * x[i] * (x[i + 1] - x[i] * x[i]) - 2 * (1 - x[i]) : 0) + (i > 0 ? 200 * (x[i] - x[i - 1] * x[i - 1]) : 0);
            Assert.Equal(expected, hv[i], 1e-9);
            Assert.Equal(gradient, dX[i], 1e-9);
        }
    }

    private static string Product(GeneratorRun run) =>
        Assert.Single(run.Sources, s => s.HintName.EndsWith(".HessianVector.g.cs", StringComparison.Ordinal)).Text;
}
