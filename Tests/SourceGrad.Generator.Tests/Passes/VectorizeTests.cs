using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests.Passes;

public class VectorizeTests
{
    [Fact]
    public void A_dot_product_and_its_adjoint_accumulations_run_lanes_at_a_time_with_a_scalar_tail()
    {
        (string before, string after) = PassHarness.BeforeAndAfter(SnapshotCases.SpanMlpLayer, "Vectorize");

        Assert.DoesNotContain("Vector512", before);
        string[] lines = PassHarness.Lines(after);

        // Forward: the dot product sums lanes, then the tail goes on from where the vectors stopped.
        Assert.Contains("Vector512<float> _sumLanes1 = Vector512.Create<float>(0f);", lines);
        Assert.Contains("_sumLanes1 += Vector512.Create<float>(w.Slice(o * inputs + _simd1, Vector512<float>.Count)) * Vector512.Create<float>(x.Slice(_simd1, Vector512<float>.Count));", lines);
        Assert.Contains("sum += Vector512.Sum(_sumLanes1);", lines);
        Assert.Contains("for (int i = _simd1; i < inputs; i++)", lines);

        // Reverse: both gradients accumulate lanes at a time, with the loop's invariant adjoint broadcast once.
        Assert.Contains("Vector512<float> _splat1 = Vector512.Create<float>(_dSum);", lines);
        Assert.Contains("Vector512<float> _add1 = _splat1 * Vector512.Create<float>(x.Slice(_simd2, Vector512<float>.Count));", lines);
        Assert.Contains("Vector512.CopyTo(Vector512.Create<float>(dW.Slice(o * inputs + _simd2, Vector512<float>.Count)) + _add1, dW.Slice(o * inputs + _simd2, Vector512<float>.Count));", lines);

        // The Vector<T> fallback for machines without 512-bit vectors.
        Assert.Contains("else if (Vector.IsHardwareAccelerated)", lines);
    }

    [Fact]
    public void Contributions_to_neighbouring_elements_update_the_buffer_once_per_vector_with_rotated_lanes()
    {
        const string source = """
            public static partial class P
            {
                [Differentiable]
                public static double F(ReadOnlySpan<double> x)
                {
                    double sum = 0;
                    for (int i = 0; i < x.Length - 1; i++)
                    {
                        double d = x[i + 1] - x[i];
                        sum += d * d;
                    }

                    return sum;
                }
            }
            """;
        (_, string after) = PassHarness.BeforeAndAfter(source, "Vectorize");
        string[] lines = PassHarness.Lines(after);

        // dX[i + 1] += 2d·d and dX[i] += −2d·d: the first rotated one lane up, the lane that falls out carried on.
        Assert.Contains("Vector512<double> _rotated1 = Vector512.Shuffle(_add1, _splat2);", lines);
        Assert.Contains("Vector512<double> _add3 = Vector512.ConditionalSelect(_splat3, _carry1, _rotated1);", lines);
        Assert.Contains("_carry1 = _rotated1;", lines);
        Assert.Single(lines, l => l.StartsWith("Vector512.CopyTo(", StringComparison.Ordinal) && l.Contains("dX.Slice(_simd2,", StringComparison.Ordinal));
        Assert.Contains("dX[_simd2] += Vector512.GetElement(_carry1, 0);", lines);

        // Without 512-bit vectors there is no lane rotation: the loop runs scalar.
        Assert.Equal(1, lines.Count(l => l == "else if (Vector.IsHardwareAccelerated)"));
    }

    [Fact]
    public void A_loop_calling_a_transcendental_function_is_left_scalar()
    {
        const string source = """
            public static partial class P
            {
                [Differentiable]
                public static double F(ReadOnlySpan<double> x)
                {
                    double sum = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        sum += Math.Tanh(x[i]);
                    }

                    return sum;
                }
            }
            """;
        (_, string after) = PassHarness.BeforeAndAfter(source, "Vectorize");

        // The reverse loop reads only the saved tanh values and accumulates: it is vectorised; the forward one is not.
        Assert.Contains("sum += Math.Tanh(x[i]);", after);
        Assert.Single(PassHarness.Lines(after), l => l == "if (Vector512.IsHardwareAccelerated)");
    }

    [Fact]
    public void A_loop_carrying_a_value_from_one_iteration_to_the_next_is_left_scalar()
    {
        (string before, string after) = PassHarness.BeforeAndAfter(SnapshotCases.OverwrittenScalarInLoop, "Vectorize");

        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Vectorize_false_keeps_every_loop_scalar_and_the_sum_in_source_order(bool vectorize)
    {
        string source = $$"""
            public static partial class P
            {
                [Differentiable{{(vectorize ? "" : "(Vectorize = false)")}}]
                public static float Dot(float[] x, float[] w)
                {
                    float sum = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        sum += x[i] * w[i];
                    }

                    return sum;
                }
            }

            public static class Harness
            {
                public static float Value(float[] x, float[] w) => P.Dot(x, w);

                public static float GradientValue(float[] x, float[] w) => P.DotGradient(x, w, new float[x.Length], new float[w.Length]);
            }
            """;
        GeneratorRun run = GeneratorRunner.Run(source);
        run.AssertCompilesCleanly();
        string generated = run.Source("Dot").Text;
        Assert.Equal(vectorize, generated.Contains("Vector512", StringComparison.Ordinal));
        Assert.Equal(vectorize, generated.Contains("global::System.Numerics.Vector", StringComparison.Ordinal));

        if (!vectorize)
        {
            // The scalar gradient adds in the method's order, so its value is the method's to the last bit.
            var random = new Random(5);
            float[] x = Enumerable.Range(0, 1003).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            float[] w = Enumerable.Range(0, 1003).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            Type harness = run.Load().GetType("Harness")!;
            float value = (float)harness.GetMethod("Value")!.Invoke(null, [x, w])!;
            float gradientValue = (float)harness.GetMethod("GradientValue")!.Invoke(null, [x, w])!;
            Assert.Equal(BitConverter.SingleToInt32Bits(value), BitConverter.SingleToInt32Bits(gradientValue));
        }
    }
}
