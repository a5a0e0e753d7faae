using SourceGrad.Kernels;
using static SourceGrad.Tests.Kernels.KernelTestData;

namespace SourceGrad.Tests.Kernels;

/// <summary>Element-wise and row-wise kernels against scalar references, on every vector path this machine has.</summary>
[Collection(KernelSettingsCollection.Name)]
public class ElementwiseTests
{
    private static readonly int[] Lengths = [0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 70, 257];

    [Theory]
    [MemberData(nameof(VectorPathsHere), MemberType = typeof(KernelTestData))]
    public void Unary_activations_match_their_definitions(string path)
    {
        OnPath(path, () =>
        {
            foreach (int length in Lengths)
            {
                double[] x = Uniform(length, length, -6, 6);
                x[..Math.Min(length, 3)].AsSpan().Fill(length > 3 ? 1e-4 : 0); // include tiny inputs
                CheckUnary(x, (a, b) => Activations.Relu(a, b), (a, b) => Activations.Relu(a, b), v => Math.Max(v, 0), "Relu");
                CheckUnary(x, (a, b) => Activations.LeakyRelu(a, b, 0.1f), (a, b) => Activations.LeakyRelu(a, b, 0.1), v => v > 0 ? v : 0.1 * v, "LeakyRelu");
                CheckUnary(x, (a, b) => Activations.Sigmoid(a, b), (a, b) => Activations.Sigmoid(a, b), v => 1 / (1 + Math.Exp(-v)), "Sigmoid");
                CheckUnary(x, (a, b) => Activations.Tanh(a, b), (a, b) => Activations.Tanh(a, b), Math.Tanh, "Tanh");
            }
        });
    }

    [Theory]
    [MemberData(nameof(VectorPathsHere), MemberType = typeof(KernelTestData))]
    public void Sigmoid_and_tanh_saturate_without_overflow(string path)
    {
        OnPath(path, () =>
        {
            double[] x = [-1000, -100, -20, 20, 100, 1000, double.NegativeInfinity, double.PositiveInfinity];
            x = [.. x, .. x, .. x]; // long enough for every vector width
            var y = new double[x.Length];
            Activations.Sigmoid(x, y);
            AssertClose(x.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(), y, 1e-15, 1e-12, "Sigmoid");
            Activations.Tanh(x, y);
            AssertClose(x.Select(Math.Tanh).ToArray(), y, 1e-15, 1e-12, "Tanh");
        });
    }

    [Theory]
    [MemberData(nameof(VectorPathsHere), MemberType = typeof(KernelTestData))]
    public void Softmax_and_log_softmax_match_their_definitions_row_by_row(string path)
    {
        OnPath(path, () =>
        {
            foreach ((int rows, int cols) in new[] { (0, 5), (3, 0), (1, 1), (2, 3), (4, 17), (3, 70), (2, 257) })
            {
                double[] x = Uniform(rows * 1000 + cols, rows * cols, -30, 30);
                x.AsSpan(0, Math.Min(1, x.Length)).Fill(500); // a logit that would overflow a naive exp
                var expectedSoftmax = new double[x.Length];
                var expectedLog = new double[x.Length];
                for (int r = 0; r < rows && cols > 0; r++)
                {
                    double max = x.Skip(r * cols).Take(cols).Max();
                    double sum = x.Skip(r * cols).Take(cols).Sum(v => Math.Exp(v - max));
                    for (int c = 0; c < cols; c++)
                    {
                        expectedSoftmax[r * cols + c] = Math.Exp(x[r * cols + c] - max) / sum;
                        expectedLog[r * cols + c] = x[r * cols + c] - max - Math.Log(sum);
                    }
                }

                string context = $"{rows}x{cols} path={path}";
                var y = new double[x.Length];
                Activations.Softmax(x, y, rows, cols);
                AssertClose(expectedSoftmax, y, 1e-15, 1e-13, "Softmax double " + context);
                Activations.LogSoftmax(x, y, rows, cols);
                AssertClose(expectedLog, y, 1e-13, 1e-13, "LogSoftmax double " + context);

                float[] xf = ToSingle(x), yf = new float[x.Length];
                Activations.Softmax(xf, yf, rows, cols);
                AssertClose(expectedSoftmax, yf, 1e-7, 1e-5, "Softmax float " + context);
                Activations.LogSoftmax(xf, yf, rows, cols);
                AssertClose(expectedLog, yf, 1e-5, 1e-5, "LogSoftmax float " + context);

                // In place: y may be x itself.
                Activations.LogSoftmax(xf, xf, rows, cols);
                AssertClose(expectedLog, xf, 1e-5, 1e-5, "LogSoftmax in place " + context);
                xf = ToSingle(x);
                Activations.Softmax(xf, xf, rows, cols);
                AssertClose(expectedSoftmax, xf, 1e-7, 1e-5, "Softmax in place " + context);
            }
        });
    }

    [Theory]
    [MemberData(nameof(VectorPathsHere), MemberType = typeof(KernelTestData))]
    public void Reductions_and_losses_match_their_definitions(string path)
    {
        OnPath(path, () =>
        {
            foreach (int length in Lengths.Where(l => l > 0))
            {
                double[] x = Uniform(length, length), t = Uniform(length + 1, length);
                string context = $"length {length} path={path}";
                double sum = x.Sum(), mse = x.Zip(t, (p, q) => (p - q) * (p - q)).Average();
                AssertClose([sum], [Reductions.Sum(x)], 1e-13, 1e-13, "Sum double " + context);
                AssertClose([sum], [(double)Reductions.Sum(ToSingle(x))], 1e-5, 1e-5, "Sum float " + context);
                AssertClose([sum / length], [Reductions.Mean(x)], 1e-13, 1e-13, "Mean double " + context);
                AssertClose([sum / length], [(double)Reductions.Mean(ToSingle(x))], 1e-6, 1e-5, "Mean float " + context);
                AssertClose([mse], [Losses.MeanSquaredError(x, t)], 1e-13, 1e-13, "MSE double " + context);
                AssertClose([mse], [(double)Losses.MeanSquaredError(ToSingle(x), ToSingle(t))], 1e-6, 1e-5, "MSE float " + context);
            }
        });
    }

    [Theory]
    [MemberData(nameof(VectorPathsHere), MemberType = typeof(KernelTestData))]
    public void Sum_of_two_spans_is_the_copy_then_add_bit_for_bit(string path)
    {
        OnPath(path, () =>
        {
            foreach (int length in Lengths)
            {
                float[] u = ToSingle(Uniform(length, length)), v = ToSingle(Uniform(length + 1, length));
                float[] copiedThenAdded = (float[])u.Clone(), target = new float[length];
                Vectorized.Add(copiedThenAdded.AsSpan(), v);
                Vectorized.Add<float>(u, v, target);
                Assert.Equal(u.Zip(v, (a, b) => a + b), target);
                Assert.Equal(copiedThenAdded, target);
            }
        });
    }

    [Fact]
    public void Empty_reductions_give_zero_for_sums_and_NaN_for_means()
    {
        Assert.Equal(0f, Reductions.Sum(ReadOnlySpan<float>.Empty));
        Assert.True(double.IsNaN(Reductions.Mean(ReadOnlySpan<double>.Empty)));
        Assert.True(float.IsNaN(Losses.MeanSquaredError(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty)));
        Assert.True(float.IsNaN(Losses.SoftmaxCrossEntropy(ReadOnlySpan<float>.Empty, ReadOnlySpan<int>.Empty, 0, 10)));
    }

    [Theory]
    [MemberData(nameof(VectorPathsHere), MemberType = typeof(KernelTestData))]
    public void Softmax_cross_entropy_is_the_mean_negative_log_likelihood(string path)
    {
        OnPath(path, () =>
        {
            foreach ((int batch, int classes) in new[] { (1, 1), (1, 10), (4, 3), (5, 17), (3, 70) })
            {
                double[] logits = Uniform(batch * 100 + classes, batch * classes, -5, 5);
                logits[0] = 200; // would overflow a naive exp in float
                int[] labels = Enumerable.Range(0, batch).Select(b => (b * 7 + 3) % classes).ToArray();
                double expected = 0;
                for (int b = 0; b < batch; b++)
                {
                    double[] row = logits[(b * classes)..((b + 1) * classes)];
                    double max = row.Max();
                    expected += max + Math.Log(row.Sum(v => Math.Exp(v - max))) - row[labels[b]];
                }

                expected /= batch;
                string context = $"{batch}x{classes} path={path}";
                AssertClose([expected], [Losses.SoftmaxCrossEntropy(logits, labels, batch, classes)], 1e-12, 1e-12, "double " + context);
                AssertClose([expected], [(double)Losses.SoftmaxCrossEntropy(ToSingle(logits), labels, batch, classes)], 1e-4, 1e-5, "float " + context);
            }
        });
    }

    [Fact]
    public void AddBias_adds_the_bias_row_to_every_row()
    {
        foreach ((int rows, int cols) in new[] { (0, 3), (3, 0), (1, 1), (4, 17), (3, 70) })
        {
            double[] y = Uniform(rows + cols, rows * cols), bias = Uniform(rows + cols + 1, cols);
            double[] expected = y.Select((v, i) => v + bias[i % cols]).ToArray();
            float[] yf = ToSingle(y);
            Linalg.AddBias(y, bias, rows, cols);
            Linalg.AddBias(yf, ToSingle(bias), rows, cols);
            AssertClose(expected, y, 0, 0, $"double {rows}x{cols}");
            AssertClose(expected, yf, 1e-6, 1e-6, $"float {rows}x{cols}");
        }
    }

    private static void CheckUnary(
        double[] x, Action<float[], float[]> singleKernel, Action<double[], double[]> doubleKernel, Func<double, double> definition, string name)
    {
        double[] expected = x.Select(definition).ToArray();
        var y = new double[x.Length];
        doubleKernel(x, y);
        AssertClose(expected, y, 1e-15, 1e-14, $"{name} double, length {x.Length}");
        float[] xf = ToSingle(x), yf = new float[x.Length];
        singleKernel(xf, yf);
        AssertClose(expected, yf, 2e-7, 2e-6, $"{name} float, length {x.Length}");

        // In place.
        singleKernel(xf, xf);
        AssertClose(expected, xf, 2e-7, 2e-6, $"{name} float in place, length {x.Length}");
    }

    private static void OnPath(string path, Action test)
    {
        VectorPath saved = Vectorized.Path;
        Vectorized.Path = Enum.Parse<VectorPath>(path);
        try
        {
            test();
        }
        finally
        {
            Vectorized.Path = saved;
        }
    }
}
