namespace SourceGrad.Generator.Tests.Passes;

public class ForwardReuseTests
{
    private const string ShiftedSigmoid = """
        public static partial class P
        {
            [Differentiable]
            public static double F(double z) => 1 / (2 + Math.Exp(-z));
        }
        """;

    [Fact]
    public void Outside_loops_the_adjoint_reads_what_the_forward_sweep_computed()
    {
        (string before, string after) = PassHarness.BeforeAndAfter(ShiftedSigmoid, "ForwardReuse");

        Assert.Equal(3, Count(before, "Math.Exp("));
        Assert.Equal(1, Count(after, "Math.Exp("));
        Assert.Contains("_e2 = Math.Exp(-z);", after);
        Assert.Contains("_e1 = 2d + _e2;", after);
        Assert.Contains("_result1 = 1d / _e1;", after);
    }

    private const string SumOfExponentials = """
        public static partial class P
        {
            [Differentiable]
            public static double F(ReadOnlySpan<double> x, double c)
            {
                double sum = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    sum += Math.Exp(x[i] - c) + c * x[i];
                }

                return sum;
            }
        }
        """;

    [Fact]
    public void In_a_loop_an_expensive_value_is_saved_for_its_iteration_and_cheap_ones_are_computed_again()
    {
        (string before, string after) = PassHarness.BeforeAndAfter(SumOfExponentials, "ForwardReuse");

        Assert.Equal(2, Count(before, "Math.Exp("));
        Assert.Equal(1, Count(after, "Math.Exp("));
        Assert.Contains("double _e1 = Math.Exp(x[i] - c);", after);
        Assert.Contains("_slots1[i] = _e1;", after);
        Assert.Contains("double _e2 = _slots1[i];", after);
    }

    /// <summary>How often code (not the comments that quote the source) contains <paramref name="part"/>.</summary>
    private static int Count(string text, string part) =>
        PassHarness.Lines(text).Where(l => !l.StartsWith("//", StringComparison.Ordinal)).Sum(l => l.Split(part).Length - 1);
}
