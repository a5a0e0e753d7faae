namespace SourceGrad.Tests.Catalogue;

public class LectureCatalogueTests : CatalogueTest
{
    /// <summary>x = 5, w1 = 1, w2 = 2, y = 2: relu(5) = 5, residual 8, L = 32, dL/dw1 = 8·2·5 = 80, dL/dw2 = 8·5 = 40.</summary>
    [Fact]
    public void Loss_gives_the_lectures_numbers()
    {
        double dW1 = 0, dW2 = 0;
        double loss = LectureCatalogue.LossGradient(5, 1, 2, 2, ref dW1, ref dW2);
        Assert.Equal(32, loss);
        Assert.Equal(80, dW1);
        Assert.Equal(40, dW2);
        Assert.Equal(32, LectureCatalogue.LossTangent(5, 1, 2, 2, 1, 0, out double alongW1));
        LectureCatalogue.LossTangent(5, 1, 2, 2, 0, 1, out double alongW2);
        Assert.Equal(80, alongW1);
        Assert.Equal(40, alongW2);
    }

    [Fact]
    public void LossF_gives_the_lectures_numbers()
    {
        float dW1 = 0, dW2 = 0;
        float loss = LectureCatalogue.LossFGradient(5, 1, 2, 2, ref dW1, ref dW2);
        Assert.Equal(32f, loss);
        Assert.Equal(80f, dW1);
        Assert.Equal(40f, dW2);
        Assert.Equal(32f, LectureCatalogue.LossFTangent(5, 1, 2, 2, 1, 0, out float alongW1));
        LectureCatalogue.LossFTangent(5, 1, 2, 2, 0, 1, out float alongW2);
        Assert.Equal(80f, alongW1);
        Assert.Equal(40f, alongW2);

        // L = ½(w2·relu(w1·x) − y)² with residual r = 8: ∂²L/∂w1² = (w2·x)² = 100, ∂²L/∂w1∂w2 = w1·x·w2·x + r·x = 90.
        float gradW1 = 0, gradW2 = 0, hvW1 = 0, hvW2 = 0;
        Assert.Equal(32f, LectureCatalogue.LossFHessianVector(5, 1, 2, 2, 1, 0, ref gradW1, ref gradW2, ref hvW1, ref hvW2));
        Assert.Equal((80f, 40f), (gradW1, gradW2));
        Assert.Equal((100f, 90f), (hvW1, hvW2));
    }

    /// <summary>When relu is off (w1·x &lt; 0) nothing flows to w1, and dL/dw2 = residual · 0.</summary>
    [Fact]
    public void Loss_with_relu_off_has_zero_weight_gradients()
    {
        double dW1 = 0, dW2 = 0;
        double loss = LectureCatalogue.LossGradient(5, -1, 2, 2, ref dW1, ref dW2);
        Assert.Equal(2, loss);
        Assert.Equal(0, dW1);
        Assert.Equal(0, dW2);
        Assert.Equal(2, LectureCatalogue.LossTangent(5, -1, 2, 2, 1, 1, out double tangent));
        Assert.Equal(0, tangent);
    }

    [Fact]
    public void Loss() => AtRandomPoints(rng =>
    {
        double x = rng.Uniform(0.5, 3), y = rng.Uniform(-2, 2);
        Arg<double> w1 = Arg.Scalar("w1", rng.DoublesAwayFromZero(1, -2, 2, 0.1)[0]);
        Arg<double> w2 = Arg.Scalar("w2", rng.Uniform(-2, 2));
        FiniteDifference.Check([w1, w2],
            () => LectureCatalogue.Loss(x, w1.Value[0], w2.Value[0], y),
            seed => LectureCatalogue.LossGradient(x, w1.Value[0], w2.Value[0], y, ref w1.Grad[0], ref w2.Grad[0], seed),
            () => (LectureCatalogue.LossTangent(x, w1.Value[0], w2.Value[0], y, w1.Tangent[0], w2.Tangent[0], out var tangent), tangent),
            Precision.Double,
            hessianVector: () => LectureCatalogue.LossHessianVector(x, w1.Value[0], w2.Value[0], y, w1.Tangent[0], w2.Tangent[0], ref w1.Grad[0], ref w2.Grad[0], ref w1.Hv[0], ref w2.Hv[0]));
    });

    /// <summary>w0 = -3, w1 = 2, w2 = -3 at x = (-1, -2): the pre-activation is 1, so every derivative is σ'(1) = σ(1)(1 - σ(1)) times its partner.</summary>
    [Fact]
    public void Neuron_gradient_is_sigmoid_derivative_times_inputs()
    {
        double dW0 = 0, dW1 = 0, dW2 = 0, dX1 = 0, dX2 = 0;
        double f = LectureCatalogue.NeuronGradient(-3, 2, -3, -1, -2, ref dW0, ref dW1, ref dW2, ref dX1, ref dX2);
        double sigma = 1 / (1 + Math.Exp(-1));
        double slope = sigma * (1 - sigma);
        Assert.Equal(sigma, f, 1e-15);
        Assert.Equal(slope, dW0, 1e-15);
        Assert.Equal(-1 * slope, dW1, 1e-15);
        Assert.Equal(-2 * slope, dW2, 1e-15);
        Assert.Equal(2 * slope, dX1, 1e-15);
        Assert.Equal(-3 * slope, dX2, 1e-15);
        Assert.Equal(f, LectureCatalogue.NeuronTangent(-3, 2, -3, -1, -2, 1, 1, 1, 1, 1, out double alongOnes));
        Assert.Equal((1 - 1 - 2 + 2 - 3) * slope, alongOnes, 1e-15);
    }

    [Fact]
    public void Neuron() => AtRandomPoints(rng =>
    {
        Arg<double> p = Arg.Of("(w0, w1, w2, x1, x2)", rng.Doubles(5, -2, 2));
        double[] v = p.Value;
        double[] d = p.Grad;
        double[] t = p.Tangent;
        FiniteDifference.Check([p],
            () => LectureCatalogue.Neuron(v[0], v[1], v[2], v[3], v[4]),
            seed => LectureCatalogue.NeuronGradient(v[0], v[1], v[2], v[3], v[4], ref d[0], ref d[1], ref d[2], ref d[3], ref d[4], seed),
            () => (LectureCatalogue.NeuronTangent(v[0], v[1], v[2], v[3], v[4], t[0], t[1], t[2], t[3], t[4], out var tangent), tangent),
            Precision.Double,
            hessianVector: () => LectureCatalogue.NeuronHessianVector(v[0], v[1], v[2], v[3], v[4], t[0], t[1], t[2], t[3], t[4],
                ref d[0], ref d[1], ref d[2], ref d[3], ref d[4], ref p.Hv[0], ref p.Hv[1], ref p.Hv[2], ref p.Hv[3], ref p.Hv[4]));
    });

    [Fact]
    public void MultiplyChain_uses_the_rule() => AtRandomPoints(rng =>
    {
        Arg<float> p = Arg.Of("(a, b, c)", rng.Floats(3, -2, 2));
        float[] v = p.Value;
        float[] d = p.Grad;
        float[] t = p.Tangent;
        FiniteDifference.Check([p],
            () => LectureCatalogue.MultiplyChain(v[0], v[1], v[2]),
            seed => LectureCatalogue.MultiplyChainGradient(v[0], v[1], v[2], ref d[0], ref d[1], ref d[2], (float)seed),
            () => (LectureCatalogue.MultiplyChainTangent(v[0], v[1], v[2], t[0], t[1], t[2], out var tangent), tangent),
            Precision.Float,
            hessianVector: () => LectureCatalogue.MultiplyChainHessianVector(v[0], v[1], v[2], t[0], t[1], t[2],
                ref d[0], ref d[1], ref d[2], ref p.Hv[0], ref p.Hv[1], ref p.Hv[2]));
    });

    [Fact]
    public void MultiplyChain_exact_values()
    {
        // (a b) c + sin(b²) at a = 2, b = 3, c = 4: d/da = b c = 12, d/db = a c + 2 b cos(b²), d/dc = a b = 6.
        float dA = 0, dB = 0, dC = 0;
        float value = LectureCatalogue.MultiplyChainGradient(2, 3, 4, ref dA, ref dB, ref dC);
        Assert.Equal(24 + MathF.Sin(9), value, 1e-5f);
        Assert.Equal(12f, dA);
        Assert.Equal(8 + 6 * MathF.Cos(9), dB, 1e-5f);
        Assert.Equal(6f, dC);
        Assert.Equal(value, LectureCatalogue.MultiplyChainTangent(2, 3, 4, 1, 0, 0, out float alongA));
        LectureCatalogue.MultiplyChainTangent(2, 3, 4, 0, 1, 0, out float alongB);
        LectureCatalogue.MultiplyChainTangent(2, 3, 4, 0, 0, 1, out float alongC);
        Assert.Equal(12f, alongA);
        Assert.Equal(8 + 6 * MathF.Cos(9), alongB, 1e-5f);
        Assert.Equal(6f, alongC);
    }

    [Fact]
    public void Mlp() => AtRandomPoints(rng =>
    {
        MlpProblem problem = MlpProblem.Sample(rng);
        var (w1, b1, w2, b2) = (Arg.Of("w1", problem.W1), Arg.Of("b1", problem.B1), Arg.Of("w2", problem.W2), Arg.Of("b2", problem.B2));
        FiniteDifference.Check([w1, b1, w2, b2],
            () => LectureCatalogue.Mlp(w1.Value, b1.Value, w2.Value, b2.Value, problem.X, problem.Labels,
                MlpProblem.Batch, MlpProblem.Inputs, MlpProblem.Hidden, MlpProblem.Classes),
            seed => LectureCatalogue.MlpGradient(w1.Value, b1.Value, w2.Value, b2.Value, problem.X, problem.Labels,
                MlpProblem.Batch, MlpProblem.Inputs, MlpProblem.Hidden, MlpProblem.Classes,
                w1.Grad, b1.Grad, w2.Grad, b2.Grad, (float)seed),
            () => (LectureCatalogue.MlpTangent(w1.Value, b1.Value, w2.Value, b2.Value, problem.X, problem.Labels,
                MlpProblem.Batch, MlpProblem.Inputs, MlpProblem.Hidden, MlpProblem.Classes,
                w1.Tangent, b1.Tangent, w2.Tangent, b2.Tangent, out var tangent), tangent),
            Precision.Float,
            hessianVector: () => LectureCatalogue.MlpHessianVector(w1.Value, b1.Value, w2.Value, b2.Value, problem.X, problem.Labels, MlpProblem.Batch, MlpProblem.Inputs, MlpProblem.Hidden, MlpProblem.Classes, w1.Tangent, b1.Tangent, w2.Tangent, b2.Tangent, w1.Grad, b1.Grad, w2.Grad, b2.Grad, w1.Hv, b1.Hv, w2.Hv, b2.Hv));
    });

    [Fact]
    public void Inpainting() => AtRandomPoints(rng =>
    {
        const int Batch = 3, Inputs = 4, Hidden = 5, Outputs = 3;
        double[] w1Values, x;
        do
        {
            w1Values = rng.Doubles(Hidden * Inputs, -1, 1);
            x = rng.Doubles(Batch * Inputs, -1, 1);
        }
        while (!PreActivationsClearOfZero(w1Values, new double[Hidden], x, Batch, Inputs, Hidden, 0.05));

        Arg<double> w1 = Arg.Of("w1", w1Values);
        Arg<double> w2 = Arg.Of("w2", rng.Doubles(Outputs * Hidden, -1, 1));
        double[] y = rng.Doubles(Batch * Outputs, -1, 1);
        FiniteDifference.Check([w1, w2],
            () => LectureCatalogue.Inpainting(w1.Value, w2.Value, x, y, Batch, Inputs, Hidden, Outputs),
            seed => LectureCatalogue.InpaintingGradient(w1.Value, w2.Value, x, y, Batch, Inputs, Hidden, Outputs, w1.Grad, w2.Grad, seed),
            () => (LectureCatalogue.InpaintingTangent(w1.Value, w2.Value, x, y, Batch, Inputs, Hidden, Outputs, w1.Tangent, w2.Tangent, out var tangent), tangent),
            Precision.Double,
            hessianVector: () => LectureCatalogue.InpaintingHessianVector(w1.Value, w2.Value, x, y, Batch, Inputs, Hidden, Outputs, w1.Tangent, w2.Tangent, w1.Grad, w2.Grad, w1.Hv, w2.Hv));
    });

    /// <summary>
    /// Every hidden pre-activation b[j] + Σ_k W[j,k] x[b,k] is at least <paramref name="margin"/> from the ReLU
    /// kink, so finite-difference steps never cross it (a check on the sample, not a second implementation).
    /// </summary>
    internal static bool PreActivationsClearOfZero(
        IReadOnlyList<double> w, IReadOnlyList<double> bias, IReadOnlyList<double> x, int batch, int inputs, int hidden, double margin)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < hidden; j++)
            {
                double z = bias[j];
                for (int k = 0; k < inputs; k++) z += w[j * inputs + k] * x[b * inputs + k];
                if (Math.Abs(z) < margin) return false;
            }
        }

        return true;
    }
}

/// <summary>A small MLP classification problem, sampled with every ReLU clear of its kink.</summary>
internal sealed record MlpProblem(float[] W1, float[] B1, float[] W2, float[] B2, float[] X, int[] Labels)
{
    public const int Batch = 4, Inputs = 5, Hidden = 6, Classes = 3;

    public static MlpProblem Sample(Random rng)
    {
        while (true)
        {
            float[] w1 = rng.Floats(Hidden * Inputs, -0.8, 0.8), b1 = rng.Floats(Hidden, -0.3, 0.3), x = rng.Floats(Batch * Inputs, -1, 1);
            // Float steps move a pre-activation by at most 2·(1/64)·max(1, |x|) ≈ 0.03.
            if (!LectureCatalogueTests.PreActivationsClearOfZero(
                    w1.Select(v => (double)v).ToArray(), b1.Select(v => (double)v).ToArray(), x.Select(v => (double)v).ToArray(),
                    Batch, Inputs, Hidden, 0.1))
            {
                continue;
            }

            int[] labels = Enumerable.Range(0, Batch).Select(_ => rng.Next(Classes)).ToArray();
            return new MlpProblem(w1, b1, rng.Floats(Classes * Hidden, -1, 1), rng.Floats(Classes, -0.3, 0.3), x, labels);
        }
    }
}
