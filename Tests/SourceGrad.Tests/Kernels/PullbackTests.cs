using static SourceGrad.Tests.Kernels.KernelTestData;

namespace SourceGrad.Tests.Kernels;

/// <summary>
/// Every derivative rule, called directly with a random upstream adjoint, against central finite differences in
/// double: for random directions v, ⟨gradient, v⟩ must match (L(x + hv) − L(x − hv)) / 2h where L is the upstream
/// adjoint dotted with the kernel's output. Adjoints start non-zero, so the rules must add, not assign.
/// </summary>
public class PullbackTests
{
    public static TheoryData<bool, bool> Transposes => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    [Theory]
    [MemberData(nameof(Transposes))]
    public void MatMul_and_MatMulAdd_rules_match_finite_differences(bool transposeA, bool transposeB)
    {
        const int m = 3, k = 4, n = 5;
        double[] a = Uniform(1, m * k), b = Uniform(2, k * n), upstream = Uniform(3, m * n), c0 = Uniform(4, m * n);
        double[] Product(double[] left, double[] right)
        {
            var c = new double[m * n];
            Linalg.MatMul(left, right, c, m, k, n, transposeA, transposeB);
            return c;
        }

        foreach (bool accumulate in new[] { false, true })
        {
            double[] c = accumulate ? c0.Select((v, i) => v + Product(a, b)[i]).ToArray() : Product(a, b);
            double[] dA = Uniform(5, a.Length), dB = Uniform(6, b.Length), dC = (double[])upstream.Clone();
            double[] dA0 = (double[])dA.Clone(), dB0 = (double[])dB.Clone();
            if (accumulate)
            {
                Linalg.MatMulAddPullback(a, b, c, m, k, n, transposeA, transposeB, dA, dB, dC);
                Assert.Equal(upstream, dC); // C's initial contents pass straight through
            }
            else
            {
                Linalg.MatMulPullback(a, b, c, m, k, n, transposeA, transposeB, dA, dB, dC);
                Assert.All(dC, value => Assert.Equal(0, value)); // C was overwritten
            }

            string context = $"MatMul{(accumulate ? "Add" : "")} transposeA={transposeA} transposeB={transposeB}";
            CheckDirectional(context + " dA", a, Added(dA, dA0), x => Dot(upstream, Product(x, b)));
            CheckDirectional(context + " dB", b, Added(dB, dB0), x => Dot(upstream, Product(a, x)));

            // The float rule agrees with the double one.
            float[] dAf = ToSingle(dA0), dBf = ToSingle(dB0), dCf = ToSingle(upstream);
            Linalg.MatMulAddPullback(ToSingle(a), ToSingle(b), ToSingle(c), m, k, n, transposeA, transposeB, dAf, dBf, dCf);
            AssertClose(dA, dAf, 1e-5, 1e-5, context + " float dA");
            AssertClose(dB, dBf, 1e-5, 1e-5, context + " float dB");
        }
    }

    [Fact]
    public void AddBias_rule_sums_the_upstream_columns_and_passes_dY_through()
    {
        const int rows = 4, cols = 3;
        double[] y = Uniform(1, rows * cols), bias = Uniform(2, cols), upstream = Uniform(3, rows * cols);
        double[] dY = (double[])upstream.Clone(), dBias = Uniform(4, cols), dBias0 = (double[])dBias.Clone();
        Linalg.AddBiasPullback(y, bias, rows, cols, dY, dBias);
        Assert.Equal(upstream, dY);
        CheckDirectional("AddBias dBias", bias, Added(dBias, dBias0), x =>
        {
            double[] output = (double[])y.Clone();
            Linalg.AddBias(output, x, rows, cols);
            return Dot(upstream, output);
        });

        float[] dBiasf = ToSingle(dBias0), dYf = ToSingle(upstream);
        Linalg.AddBiasPullback(ToSingle(y), ToSingle(bias), rows, cols, dYf, dBiasf);
        AssertClose(dBias, dBiasf, 1e-6, 1e-6, "AddBias float dBias");
    }

    public delegate void DoubleKernel(double[] x, double[] y);

    public delegate void DoubleRule(double[] x, double[] y, double[] dX, double[] dY);

    public delegate void FloatRule(float[] x, float[] y, float[] dX, float[] dY);

    public static TheoryData<string> ElementwiseKernels => new() { "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax" };

    [Theory]
    [MemberData(nameof(ElementwiseKernels))]
    public void Activation_rules_match_finite_differences_and_zero_dY(string name)
    {
        const int rows = 3, cols = 70; // 70 columns: full vectors and a scalar tail on every path
        (DoubleKernel kernel, DoubleRule rule, FloatRule floatRule) = name switch
        {
            "Relu" => ((DoubleKernel)((x, y) => Activations.Relu(x, y)), (DoubleRule)((x, y, dx, dy) => Activations.ReluPullback(x, y, dx, dy)),
                (FloatRule)((x, y, dx, dy) => Activations.ReluPullback(x, y, dx, dy))),
            "LeakyRelu" => ((x, y) => Activations.LeakyRelu(x, y, 0.2), (x, y, dx, dy) => Activations.LeakyReluPullback(x, y, 0.2, dx, dy),
                (x, y, dx, dy) => Activations.LeakyReluPullback(x, y, 0.2f, dx, dy)),
            "Sigmoid" => ((x, y) => Activations.Sigmoid(x, y), (x, y, dx, dy) => Activations.SigmoidPullback(x, y, dx, dy),
                (x, y, dx, dy) => Activations.SigmoidPullback(x, y, dx, dy)),
            "Tanh" => ((x, y) => Activations.Tanh(x, y), (x, y, dx, dy) => Activations.TanhPullback(x, y, dx, dy),
                (x, y, dx, dy) => Activations.TanhPullback(x, y, dx, dy)),
            "Softmax" => ((x, y) => Activations.Softmax(x, y, rows, cols), (x, y, dx, dy) => Activations.SoftmaxPullback(x, y, rows, cols, dx, dy),
                (x, y, dx, dy) => Activations.SoftmaxPullback(x, y, rows, cols, dx, dy)),
            "LogSoftmax" => ((x, y) => Activations.LogSoftmax(x, y, rows, cols), (x, y, dx, dy) => Activations.LogSoftmaxPullback(x, y, rows, cols, dx, dy),
                (x, y, dx, dy) => Activations.LogSoftmaxPullback(x, y, rows, cols, dx, dy)),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such kernel"),
        };

        double[] input = AwayFromZero(7, rows * cols), upstream = Uniform(8, rows * cols);
        double[] Apply(double[] x)
        {
            var y = new double[x.Length];
            kernel(x, y);
            return y;
        }

        double[] output = Apply(input), dY = (double[])upstream.Clone(), dX = Uniform(9, input.Length), dX0 = (double[])dX.Clone();
        rule(input, output, dX, dY);
        Assert.All(dY, value => Assert.Equal(0, value));
        CheckDirectional(name + " dX", input, Added(dX, dX0), x => Dot(upstream, Apply(x)));

        float[] dXf = ToSingle(dX0), dYf = ToSingle(upstream);
        floatRule(ToSingle(input), ToSingle(output), dXf, dYf);
        Assert.All(dYf, value => Assert.Equal(0, value));
        AssertClose(dX, dXf, 1e-5, 1e-5, name + " float dX");
    }

    [Fact]
    public void SoftmaxCrossEntropy_rule_matches_finite_differences()
    {
        const int batch = 4, classes = 19;
        const double dReturn = 0.7;
        double[] logits = Uniform(1, batch * classes, -3, 3), dLogits = Uniform(2, logits.Length), dLogits0 = (double[])dLogits.Clone();
        int[] labels = [3, 0, 18, 3];
        Losses.SoftmaxCrossEntropyPullback(logits, labels, batch, classes, dLogits, dReturn);
        CheckDirectional("SoftmaxCrossEntropy dLogits", logits, Added(dLogits, dLogits0),
            x => dReturn * Losses.SoftmaxCrossEntropy(x, labels, batch, classes));

        float[] dLogitsf = ToSingle(dLogits0);
        Losses.SoftmaxCrossEntropyPullback(ToSingle(logits), labels, batch, classes, dLogitsf, (float)dReturn);
        AssertClose(dLogits, dLogitsf, 1e-6, 1e-5, "SoftmaxCrossEntropy float dLogits");
    }

    [Fact]
    public void MeanSquaredError_rule_matches_finite_differences()
    {
        const double dReturn = -1.3;
        double[] prediction = Uniform(1, 37), target = Uniform(2, 37), dPrediction = Uniform(3, 37), dPrediction0 = (double[])dPrediction.Clone();
        Losses.MeanSquaredErrorPullback(prediction, target, dPrediction, dReturn);
        CheckDirectional("MeanSquaredError dPrediction", prediction, Added(dPrediction, dPrediction0),
            x => dReturn * Losses.MeanSquaredError(x, target));

        float[] dPredictionf = ToSingle(dPrediction0);
        Losses.MeanSquaredErrorPullback(ToSingle(prediction), ToSingle(target), dPredictionf, (float)dReturn);
        AssertClose(dPrediction, dPredictionf, 1e-6, 1e-5, "MeanSquaredError float dPrediction");
    }

    [Fact]
    public void Sum_and_Mean_rules_match_finite_differences()
    {
        const double dReturn = 2.5;
        double[] x = Uniform(1, 37);
        double[] dSum = Uniform(2, 37), dSum0 = (double[])dSum.Clone(), dMean = Uniform(3, 37), dMean0 = (double[])dMean.Clone();
        Reductions.SumPullback(x, dSum, dReturn);
        Reductions.MeanPullback(x, dMean, dReturn);
        CheckDirectional("Sum dX", x, Added(dSum, dSum0), point => dReturn * Reductions.Sum(point));
        CheckDirectional("Mean dX", x, Added(dMean, dMean0), point => dReturn * Reductions.Mean(point));

        float[] dSumf = ToSingle(dSum0), dMeanf = ToSingle(dMean0);
        Reductions.SumPullback(ToSingle(x), dSumf, (float)dReturn);
        Reductions.MeanPullback(ToSingle(x), dMeanf, (float)dReturn);
        AssertClose(dSum, dSumf, 1e-6, 1e-6, "Sum float dX");
        AssertClose(dMean, dMeanf, 1e-6, 1e-6, "Mean float dX");
    }

    /// <summary>The part a rule added: its adjoint after the call minus before.</summary>
    private static double[] Added(double[] after, double[] before) => after.Select((v, i) => v - before[i]).ToArray();

    /// <summary>⟨gradient, v⟩ against the central difference of <paramref name="loss"/> along three random directions.</summary>
    private static void CheckDirectional(string context, double[] point, double[] gradient, Func<double[], double> loss)
    {
        const double step = 1e-6;
        for (int direction = 0; direction < 3; direction++)
        {
            double[] v = Uniform(100 + direction, point.Length);
            double[] forward = point.Select((x, i) => x + step * v[i]).ToArray();
            double[] backward = point.Select((x, i) => x - step * v[i]).ToArray();
            double numeric = (loss(forward) - loss(backward)) / (2 * step);
            double analytic = Dot(gradient, v);
            Assert.True(Math.Abs(numeric - analytic) <= 1e-6 * (1 + Math.Abs(numeric)),
                $"{context}: analytic directional derivative {analytic:R}, finite difference {numeric:R}");
        }
    }
}
