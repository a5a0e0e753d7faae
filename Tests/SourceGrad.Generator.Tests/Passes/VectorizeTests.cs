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
        Assert.Contains("_sumLanes1 += Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(w), (nuint)(o * inputs + _simd1)) * Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(x), (nuint)(_simd1));", lines);
        Assert.Contains("sum += Vector512.Sum(_sumLanes1);", lines);
        Assert.Contains("for (int i = _simd1; i < inputs; i++)", lines);

        // Reverse: both gradients accumulate lanes at a time, with the loop's invariant adjoint broadcast once.
        Assert.Contains("Vector512<float> _splat1 = Vector512.Create<float>(_dSum);", lines);
        Assert.Contains("Vector512<float> _add1 = _splat1 * Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(x), (nuint)(_simd2));", lines);
        Assert.Contains("Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(dW), (nuint)(o * inputs + _simd2)) + _add1, ref MemoryMarshal.GetReference(dW), (nuint)(o * inputs + _simd2));", lines);

        // The loads and stores are unchecked: the vector loop runs only when every buffer holds the elements the scalar loop touches.
        Assert.Contains("if (Vector512.IsHardwareAccelerated && inputs <= x.Length && o * inputs >= 0 && o * inputs + inputs <= w.Length && o * inputs + inputs <= dW.Length && inputs <= dX.Length)", lines);

        // The Vector<T> fallback for machines without 512-bit vectors.
        Assert.Contains(lines, l => l.StartsWith("else if (Vector.IsHardwareAccelerated && ", StringComparison.Ordinal));
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
        Assert.Single(lines, l => l.StartsWith("Vector512.StoreUnsafe(", StringComparison.Ordinal) && l.Contains("GetReference(dX), (nuint)(_simd2))", StringComparison.Ordinal));
        Assert.Contains("dX[_simd2] += Vector512.GetElement(_carry1, 0);", lines);

        // Without 512-bit vectors the loop rotates Vector256's lanes (AVX2 has the shuffle, Vector<T> no API for it): four
        // doubles, the permutation masked with 3. Only the forward sweep's sum, which rotates nothing, takes Vector<T>.
        Assert.Contains(lines, l => l.StartsWith("else if (Vector256.IsHardwareAccelerated", StringComparison.Ordinal));
        Assert.Contains("Vector256<long> _splat5 = Vector256<long>.Indices - Vector256.Create<long>(1L) & Vector256.Create<long>(3L);", lines);
        Assert.Contains("Vector256<double> _rotated2 = Vector256.Shuffle(_add4, _splat5);", lines);
        Assert.Contains("Vector256<double> _add6 = Vector256.ConditionalSelect(_splat6, _carry2, _rotated2);", lines);
        Assert.Contains("dX[_simd2] += Vector256.GetElement(_carry2, 0);", lines);
        Assert.Equal(1, lines.Count(l => l.StartsWith("else if (Vector.IsHardwareAccelerated", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("double", 3, true)]
    [InlineData("double", 4, false)]
    [InlineData("float", 7, true)]
    [InlineData("float", 8, false)]
    public void A_rotation_gets_a_Vector256_branch_only_when_it_spans_fewer_than_its_lanes(string type, int spread, bool vector256)
    {
        string source = $$"""
            public static partial class P
            {
                [Differentiable]
                public static {{type}} F(ReadOnlySpan<{{type}}> x)
                {
                    {{type}} sum = 0;
                    for (int i = 0; i < x.Length - {{spread}}; i++)
                    {
                        {{type}} d = x[i + {{spread}}] - x[i];
                        sum += d * d;
                    }

                    return sum;
                }
            }
            """;
        (_, string after) = PassHarness.BeforeAndAfter(source, "Vectorize");
        string[] lines = PassHarness.Lines(after);

        // Vector512 rotates by up to 7 doubles or 15 floats; Vector256 by up to 3 or 7.
        Assert.Contains(lines, l => l.StartsWith("Vector512<" + type + "> _rotated", StringComparison.Ordinal));
        Assert.Equal(vector256, lines.Any(l => l.StartsWith("else if (Vector256.IsHardwareAccelerated", StringComparison.Ordinal)));
        Assert.Equal(vector256, lines.Any(l => l.Contains("Vector256.Shuffle(", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(64, 64, 64, null)]
    [InlineData(64, 40, 64, typeof(IndexOutOfRangeException))]
    [InlineData(64, 64, 63, typeof(IndexOutOfRangeException))]
    [InlineData(7, 7, 7, null)]
    public void A_buffer_too_short_for_the_loop_throws_as_the_scalar_loop_would_instead_of_reading_past_its_end(
        int n, int wLength, int dWLength, Type? expected)
    {
        const string source = """
            public static partial class P
            {
                [Differentiable]
                public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> w, int n)
                {
                    double sum = 0;
                    for (int i = 0; i < n; i++)
                    {
                        sum += x[i] * w[i];
                    }

                    return sum;
                }
            }

            public static class Harness
            {
                public static double Gradient(double[] x, double[] w, int n, double[] dX, double[] dW) => P.DotGradient(x, w, n, dX, dW);
            }
            """;
        GeneratorRun run = GeneratorRunner.Run(source);
        run.AssertCompilesCleanly();
        Assert.Contains("LoadUnsafe", run.Source("Dot").Text, StringComparison.Ordinal);
        var method = run.Load().GetType("Harness")!.GetMethod("Gradient")!;
        double[] x = Enumerable.Range(0, n).Select(i => 0.5 + i).ToArray();
        double[] w = Enumerable.Range(0, wLength).Select(i => 1.5 - i).ToArray();
        double[] dX = new double[n];
        double[] dW = new double[dWLength];

        Exception? thrown = Record.Exception(() => method.Invoke(null, [x, w, n, dX, dW]));

        if (expected is null)
        {
            Assert.Null(thrown);
            Assert.Equal(w.Take(n), dX);
            Assert.Equal(x, dW);
        }
        else
        {
            Assert.IsType(expected, Assert.IsType<System.Reflection.TargetInvocationException>(thrown).InnerException);
        }
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
        Assert.Single(PassHarness.Lines(after), l => l.StartsWith("if (Vector512.IsHardwareAccelerated", StringComparison.Ordinal));
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
