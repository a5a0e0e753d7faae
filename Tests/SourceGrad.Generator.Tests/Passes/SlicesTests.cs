namespace SourceGrad.Generator.Tests.Passes;

public class SlicesTests
{
    private const string TanhLayer = """
        public static partial class P
        {
            // Tanh keeps the inner loop scalar, so its row of w is taken once and indexed by the counter.
            [Differentiable]
            public static void F(ReadOnlySpan<double> w, ReadOnlySpan<double> x, Span<double> y, int inputs)
            {
                for (int o = 0; o < y.Length; o++)
                {
                    double s = 0;
                    for (int i = 0; i < inputs; i++)
                    {
                        s += Math.Tanh(w[o * inputs + i]) * x[i];
                    }

                    y[o] = s;
                }
            }
        }
        """;

    [Fact]
    public void A_scalar_loop_reads_a_row_taken_once_before_it()
    {
        (string before, string after) = PassHarness.BeforeAndAfter(TanhLayer, "Slices");

        Assert.Contains("double _e1 = Math.Tanh(w[o * inputs + i]);", before);
        Assert.Contains("ReadOnlySpan<double> _wRow1 = Rows.Of(w, o * inputs, inputs);", after);
        Assert.Contains("double _e1 = Math.Tanh(_wRow1[i]);", after);

        // The saved tanh goes into the iteration's row of its buffer too.
        Assert.Contains("Span<double> _slotsRow1 = Rows.Of(_slots1, o * _trips1, inputs);", after);
        Assert.Contains("_slotsRow1[i] = _e1;", after);

        // x is read at the counter itself: nothing to slice.
        Assert.DoesNotContain("_xRow", after);
    }
}
