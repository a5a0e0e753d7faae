namespace SourceGrad.Tests.Kernels;

/// <summary>[Differentiable] methods that call every runtime kernel, so the generated reverse sweep calls every rule.</summary>
public static partial class KernelCalls
{
    [Differentiable(Tangent = true, HessianVector = true)]
    public static double Activations_(ReadOnlySpan<double> x, double slope)
    {
        Span<double> relu = stackalloc double[x.Length];
        Span<double> leaky = stackalloc double[x.Length];
        Span<double> sigmoid = stackalloc double[x.Length];
        Span<double> tanh = stackalloc double[x.Length];
        Activations.Relu(x, relu);
        Activations.LeakyRelu(x, leaky, 0.1);
        Activations.Sigmoid(relu, sigmoid);
        Activations.Tanh(leaky, tanh);
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            total += sigmoid[i] * tanh[i] * (i + 1) + slope * relu[i];
        }

        return total;
    }

    [Differentiable]
    public static double Softmaxes(ReadOnlySpan<double> logits, int rows, int cols)
    {
        Span<double> p = stackalloc double[logits.Length];
        Span<double> logP = stackalloc double[logits.Length];
        Activations.Softmax(logits, p, rows, cols);
        Activations.LogSoftmax(logits, logP, rows, cols);
        double total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            total += p[i] * (i % 3) - 0.3 * logP[i] * p[i];
        }

        return total;
    }

    [Differentiable(Tangent = true, HessianVector = true)]
    public static double ProductsAndReductions(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> bias, [NoGrad] ReadOnlySpan<double> target, int m, int k, int n)
    {
        Span<double> c = stackalloc double[m * n];
        Span<double> d = stackalloc double[m * m];
        Linalg.MatMul(a, b, c, m, k, n);
        Linalg.AddBias(c, bias, m, n);
        Linalg.MatMul(c, c, d, m, n, m, transposeA: false, transposeB: true);
        Linalg.MatMulAdd(a, a, d, m, k, m, transposeA: false, transposeB: true);
        return Reductions.Sum(d) * 0.01 + Reductions.Mean(c) + Losses.MeanSquaredError(c, target);
    }

    [Differentiable]
    public static float CrossEntropy(ReadOnlySpan<float> w, [NoGrad] ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int batch, int inputs, int classes)
    {
        Span<float> logits = stackalloc float[batch * classes];
        Linalg.MatMul(x, w, logits, batch, inputs, classes, transposeA: false, transposeB: false);
        return Losses.SoftmaxCrossEntropy(logits, labels, batch, classes);
    }

    /// <summary>The kernel's input buffer is overwritten after the call: the rule must still see the old input.</summary>
    [Differentiable]
    public static double InputOverwrittenAfterCall(ReadOnlySpan<double> x)
    {
        Span<double> h = stackalloc double[x.Length];
        Span<double> y = stackalloc double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            h[i] = x[i] * 2;
        }

        Activations.Tanh(h, y);
        for (int i = 0; i < x.Length; i++)
        {
            h[i] = y[i] * y[i] + x[i];
        }

        Activations.Sigmoid(h, y);
        return Reductions.Sum(y);
    }
}

public class KernelsThroughGeneratorTests
{
    private static double[] Values(int length, int seed, double scale = 1)
    {
        var random = new SeededRandom(seed);
        var values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = random.NextDouble(-scale, scale);
        }

        return values;
    }

    private static void Check(Func<double> loss, params GradCheckInput[] inputs)
    {
        GradCheckResult result = GradCheck.Check(loss, inputs);
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void Activation_rules()
    {
        // Keep x away from ReLU's kink so finite differences are smooth.
        double[] x = Values(9, 1).Select(v => v + Math.Sign(v) * 0.05).ToArray();
        double slope = 0.1, dSlope = 0;
        var dX = new double[x.Length];
        KernelCalls.Activations_Gradient(x, slope, dX, ref dSlope);
        double[] slopeBox = { slope }, dSlopeBox = { dSlope };
        Check(() => KernelCalls.Activations_(x, slopeBox[0]), new GradCheckInput("x", x, dX), new GradCheckInput("slope", slopeBox, dSlopeBox));
    }

    [Fact]
    public void Softmax_rules()
    {
        double[] logits = Values(12, 2, 2);
        var dLogits = new double[logits.Length];
        KernelCalls.SoftmaxesGradient(logits, 3, 4, dLogits);
        Check(() => KernelCalls.Softmaxes(logits, 3, 4), new GradCheckInput("logits", logits, dLogits));
    }

    [Fact]
    public void Product_bias_and_reduction_rules()
    {
        const int m = 3, k = 4, n = 5;
        double[] a = Values(m * k, 3), b = Values(k * n, 4), bias = Values(n, 5), target = Values(m * n, 6);
        double[] dA = new double[a.Length], dB = new double[b.Length], dBias = new double[bias.Length];
        KernelCalls.ProductsAndReductionsGradient(a, b, bias, target, m, k, n, dA, dB, dBias);
        Check(() => KernelCalls.ProductsAndReductions(a, b, bias, target, m, k, n),
            new GradCheckInput("a", a, dA), new GradCheckInput("b", b, dB), new GradCheckInput("bias", bias, dBias));
    }

    [Fact]
    public void Cross_entropy_with_a_no_grad_input_to_the_product()
    {
        const int batch = 4, inputs = 6, classes = 3;
        float[] w = Values(inputs * classes, 7).Select(v => (float)v).ToArray();
        float[] x = Values(batch * inputs, 8).Select(v => (float)v).ToArray();
        int[] labels = { 0, 2, 1, 2 };
        var dW = new float[w.Length];
        KernelCalls.CrossEntropyGradient(w, x, labels, batch, inputs, classes, dW);
        Check(() => KernelCalls.CrossEntropy(w, x, labels, batch, inputs, classes), new GradCheckInput("w", w, dW));
    }

    [Fact]
    public void A_kernel_input_overwritten_after_the_call_is_seen_as_it_was()
    {
        double[] x = Values(7, 9);
        var dX = new double[x.Length];
        double value = KernelCalls.InputOverwrittenAfterCallGradient(x, dX);
        Assert.Equal(KernelCalls.InputOverwrittenAfterCall(x), value, 12);
        Check(() => KernelCalls.InputOverwrittenAfterCall(x), new GradCheckInput("x", x, dX));
    }
}
