using SourceGrad.Tests.Catalogue;

namespace SourceGrad.Tests.Kernels;

/// <summary>
/// Hessian-vector products through the runtime kernels: each call runs the kernel's [TangentOf] rule where the gradient
/// runs the kernel, and the [TangentOf] rule of its [DerivativeOf] rule (its second-order rule) where the gradient runs
/// the rule. The activations, products and reductions are <see cref="KernelCalls"/>'s.
/// </summary>
public static partial class KernelHessianVectors
{
    [Differentiable(Tangent = true, HessianVector = true)]
    public static double CrossEntropy(ReadOnlySpan<double> w, [NoGrad] ReadOnlySpan<double> x, ReadOnlySpan<int> labels, int batch, int inputs, int classes)
    {
        Span<double> logits = stackalloc double[batch * classes];
        Linalg.MatMul(x, w, logits, batch, inputs, classes);
        return Losses.SoftmaxCrossEntropy(logits, labels, batch, classes);
    }

    /// <summary>
    /// A two-layer tanh MLP written as a loop over the samples with the runtime kernels: each sample's hidden layer and
    /// logits overwrite the last sample's, so the product keeps them, and their tangents, on save stacks.
    /// </summary>
    [Differentiable(Tangent = true, HessianVector = true)]
    public static double LoopMlp(ReadOnlySpan<double> w1, ReadOnlySpan<double> b1, ReadOnlySpan<double> w2, ReadOnlySpan<double> b2,
        [NoGrad] ReadOnlySpan<double> x, ReadOnlySpan<int> labels, int batch, int inputs, int hidden, int classes)
    {
        Span<double> h = stackalloc double[hidden];
        Span<double> a = stackalloc double[hidden];
        Span<double> logits = stackalloc double[classes];
        double loss = 0;
        for (int s = 0; s < batch; s++)
        {
            Linalg.MatMul(x.Slice(s * inputs, inputs), w1, h, 1, inputs, hidden);
            Linalg.AddBias(h, b1, 1, hidden);
            Activations.Tanh(h, a);
            Linalg.MatMul(a, w2, logits, 1, hidden, classes);
            Linalg.AddBias(logits, b2, 1, classes);
            loss += Losses.SoftmaxCrossEntropy(logits, labels.Slice(s, 1), 1, classes);
        }

        return loss / batch;
    }
}

public class KernelHessianVectorTests : CatalogueTest
{
    [Fact]
    public void Activation_second_order_rules() => AtRandomPoints(rng =>
    {
        Arg<double> x = Arg.Of("x", rng.DoublesAwayFromZero(6, -2, 2, 0.1));
        Arg<double> slope = Arg.Scalar("slope", rng.Uniform(0.5, 1.5));
        FiniteDifference.Check([x, slope],
            () => KernelCalls.Activations_(x.Value, slope.Value[0]),
            seed => KernelCalls.Activations_Gradient(x.Value, slope.Value[0], x.Grad, ref slope.Grad[0], seed),
            () => (KernelCalls.Activations_Tangent(x.Value, slope.Value[0], x.Tangent, slope.Tangent[0], out var tangent), tangent),
            Precision.Double,
            hessianVector: () => KernelCalls.Activations_HessianVector(x.Value, slope.Value[0], x.Tangent, slope.Tangent[0],
                x.Grad, ref slope.Grad[0], x.Hv, ref slope.Hv[0]));
    });

    [Fact]
    public void Product_bias_reduction_and_squared_error_second_order_rules() => AtRandomPoints(rng =>
    {
        const int m = 3, k = 4, n = 2;
        Arg<double> a = Arg.Of("a", rng.Doubles(m * k, -1, 1));
        Arg<double> b = Arg.Of("b", rng.Doubles(k * n, -1, 1));
        Arg<double> bias = Arg.Of("bias", rng.Doubles(n, -1, 1));
        double[] target = rng.Doubles(m * n, -1, 1);
        FiniteDifference.Check([a, b, bias],
            () => KernelCalls.ProductsAndReductions(a.Value, b.Value, bias.Value, target, m, k, n),
            seed => KernelCalls.ProductsAndReductionsGradient(a.Value, b.Value, bias.Value, target, m, k, n, a.Grad, b.Grad, bias.Grad, seed),
            () => (KernelCalls.ProductsAndReductionsTangent(a.Value, b.Value, bias.Value, target, m, k, n, a.Tangent, b.Tangent, bias.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => KernelCalls.ProductsAndReductionsHessianVector(a.Value, b.Value, bias.Value, target, m, k, n,
                a.Tangent, b.Tangent, bias.Tangent, a.Grad, b.Grad, bias.Grad, a.Hv, b.Hv, bias.Hv));
    });

    [Fact]
    public void Softmax_cross_entropy_second_order_rule_with_a_no_grad_input_to_the_product() => AtRandomPoints(rng =>
    {
        const int batch = 4, inputs = 5, classes = 3;
        Arg<double> w = Arg.Of("w", rng.Doubles(inputs * classes, -1, 1));
        double[] x = rng.Doubles(batch * inputs, -1, 1);
        int[] labels = [0, 2, 1, 2];
        FiniteDifference.Check([w],
            () => KernelHessianVectors.CrossEntropy(w.Value, x, labels, batch, inputs, classes),
            seed => KernelHessianVectors.CrossEntropyGradient(w.Value, x, labels, batch, inputs, classes, w.Grad, seed),
            () => (KernelHessianVectors.CrossEntropyTangent(w.Value, x, labels, batch, inputs, classes, w.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => KernelHessianVectors.CrossEntropyHessianVector(w.Value, x, labels, batch, inputs, classes, w.Tangent, w.Grad, w.Hv));
    });

    [Fact]
    public void Loop_mlp_with_the_runtime_kernels() => AtRandomPoints(rng =>
    {
        const int batch = 3, inputs = 4, hidden = 5, classes = 3;
        Arg<double> w1 = Arg.Of("w1", rng.Doubles(inputs * hidden, -1, 1));
        Arg<double> b1 = Arg.Of("b1", rng.Doubles(hidden, -0.5, 0.5));
        Arg<double> w2 = Arg.Of("w2", rng.Doubles(hidden * classes, -1, 1));
        Arg<double> b2 = Arg.Of("b2", rng.Doubles(classes, -0.5, 0.5));
        double[] x = rng.Doubles(batch * inputs, -1, 1);
        int[] labels = [1, 0, 2];
        FiniteDifference.Check([w1, b1, w2, b2],
            () => KernelHessianVectors.LoopMlp(w1.Value, b1.Value, w2.Value, b2.Value, x, labels, batch, inputs, hidden, classes),
            seed => KernelHessianVectors.LoopMlpGradient(w1.Value, b1.Value, w2.Value, b2.Value, x, labels, batch, inputs, hidden, classes,
                w1.Grad, b1.Grad, w2.Grad, b2.Grad, seed),
            () => (KernelHessianVectors.LoopMlpTangent(w1.Value, b1.Value, w2.Value, b2.Value, x, labels, batch, inputs, hidden, classes,
                w1.Tangent, b1.Tangent, w2.Tangent, b2.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => KernelHessianVectors.LoopMlpHessianVector(w1.Value, b1.Value, w2.Value, b2.Value, x, labels, batch, inputs, hidden, classes,
                w1.Tangent, b1.Tangent, w2.Tangent, b2.Tangent, w1.Grad, b1.Grad, w2.Grad, b2.Grad, w1.Hv, b1.Hv, w2.Hv, b2.Hv));
    });

    [Fact]
    public void Products_with_calls_allocate_nothing_in_steady_state()
    {
        const int batch = 3, inputs = 4, hidden = 5, classes = 3;
        var rng = new Random(7);
        double[] w1 = rng.Doubles(inputs * hidden, -1, 1), b1 = rng.Doubles(hidden, -1, 1), w2 = rng.Doubles(hidden * classes, -1, 1), b2 = rng.Doubles(classes, -1, 1);
        double[] v1 = rng.Doubles(w1.Length, -1, 1), vb1 = rng.Doubles(b1.Length, -1, 1), v2 = rng.Doubles(w2.Length, -1, 1), vb2 = rng.Doubles(b2.Length, -1, 1);
        double[] d1 = new double[w1.Length], db1 = new double[b1.Length], d2 = new double[w2.Length], db2 = new double[b2.Length];
        double[] h1 = new double[w1.Length], hb1 = new double[b1.Length], h2 = new double[w2.Length], hb2 = new double[b2.Length];
        double[] x = rng.Doubles(batch * inputs, -1, 1);
        int[] labels = [1, 0, 2];
        double[] s = [0.5, -0.25, 1.5], vs = [1, -0.5, 0.25], ds = new double[3], hs = new double[3];

        void Round()
        {
            KernelHessianVectors.LoopMlpHessianVector(w1, b1, w2, b2, x, labels, batch, inputs, hidden, classes, v1, vb1, v2, vb2, d1, db1, d2, db2, h1, hb1, h2, hb2);
            CallCatalogue.CallsInLoopHessianVector(s, vs, ds, hs);
        }

        Allocations.AssertSteadyStateAllocatesNothing(Round, steps: 100, warmup: 5);
        Assert.NotEqual(0, h1.Sum(Math.Abs) + hs.Sum(Math.Abs));
    }
}
