namespace SourceGrad.Generator.Tests.Passes;

public class DeadCodeTests
{
    private const string SumOfSquares = """
        public static partial class P
        {
            [Differentiable]
            public static double F(ReadOnlySpan<double> x)
            {
                double sum = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    sum += x[i] * x[i];
                }

                return sum;
            }
        }
        """;

    [Fact]
    public void A_trip_count_nothing_reads_goes()
    {
        (string before, string after) = PassHarness.BeforeAndAfter(SumOfSquares, "DeadCode");

        Assert.Contains("_trips1 = Math.Max(0, x.Length);", before);
        Assert.DoesNotContain("_trips1", after);
        Assert.Contains("dX[i] += 2d * x[i] * _dSum;", after);
    }

    private const string FlagNobodyReads = """
        public static partial class P
        {
            // The branch's adjoint is empty: its recorded direction is read by nothing.
            [Differentiable]
            public static double F(double x, int n)
            {
                double y = x * x;
                for (int i = 0; i < n; i++)
                {
                    if (i % 2 == 0)
                    {
                        n = n - 0;
                    }
                }

                return y;
            }
        }
        """;

    [Fact]
    public void Code_left_with_no_effect_goes_with_its_comment()
    {
        (string before, string after) = PassHarness.BeforeAndAfter(FlagNobodyReads, "DeadCode");

        Assert.Contains("return y;", before);
        Assert.DoesNotContain("// for (int i = 0; i < n; i++)", after);
        Assert.DoesNotContain("_savedInts", after);
        Assert.Contains("_dX += 2d * x * _dY;", PassHarness.Lines(after).Aggregate((a, b) => a + "\n" + b));
    }
}
