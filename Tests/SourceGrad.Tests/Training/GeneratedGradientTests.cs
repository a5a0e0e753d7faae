namespace SourceGrad.Tests.Training;

public static partial class SoftmaxRegression
{
    /// <summary>Mean softmax cross-entropy of a linear classifier: logits = W·x + b, W is classes × inputs.</summary>
    [Differentiable]
    public static float Loss(ReadOnlySpan<float> w, ReadOnlySpan<float> b, [NoGrad] ReadOnlySpan<float> x, [NoGrad] ReadOnlySpan<int> labels, int batch, int inputs, int classes)
    {
        float total = 0;
        for (int n = 0; n < batch; n++)
        {
            float sumExp = 0;
            float target = 0;
            for (int c = 0; c < classes; c++)
            {
                float logit = b[c];
                for (int i = 0; i < inputs; i++)
                {
                    logit += w[c * inputs + i] * x[n * inputs + i];
                }

                sumExp += MathF.Exp(logit);
                if (c == labels[n])
                {
                    target = logit;
                }
            }

            total += MathF.Log(sumExp) - target;
        }

        return total / batch;
    }
}

/// <summary>The training pieces around a generated gradient: initialise, check the gradient, take optimizer steps.</summary>
public class GeneratedGradientTests
{
    private const int Batch = 6, Inputs = 5, Classes = 3;

    private static (ParameterSet Set, float[] X, int[] Labels) Problem()
    {
        var rng = new SeededRandom(31);
        var set = new ParameterSet();
        Init.XavierUniform(set.Add("w", Classes, Inputs).Value, Inputs, Classes, rng);
        Init.Normal(set.Add("b", Classes).Value, 0, 0.1, rng);
        float[] x = Enumerable.Range(0, Batch * Inputs).Select(_ => (float)rng.NextGaussian()).ToArray();
        int[] labels = Enumerable.Range(0, Batch).Select(_ => rng.NextInt(Classes)).ToArray();
        return (set, x, labels);
    }

    private static float Gradient(ParameterSet set, float[] x, int[] labels)
    {
        set.ZeroGradients();
        return SoftmaxRegression.LossGradient(set["w"].Value, set["b"].Value, x, labels, Batch, Inputs, Classes, set["w"].Gradient, set["b"].Gradient);
    }

    [Fact]
    public void The_generated_gradient_passes_the_gradient_check()
    {
        var (set, x, labels) = Problem();
        Gradient(set, x, labels);

        GradCheckResult result = GradCheck.Check(() => SoftmaxRegression.Loss(set["w"].Value, set["b"].Value, x, labels, Batch, Inputs, Classes), set);

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(Classes * Inputs + Classes, result.CheckedCount);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adamw")]
    public void Optimizer_steps_lower_the_loss(string name)
    {
        var (set, x, labels) = Problem();
        IOptimizer optimizer = name == "sgd" ? new Sgd(0.5, momentum: 0.9) : new AdamW(new CosineSchedule(0.05, totalSteps: 100));
        float first = Gradient(set, x, labels);
        float last = first;
        for (int step = 0; step < 100; step++)
        {
            GradientClipping.ClipByGlobalNorm(set, 5);
            optimizer.Step(set);
            last = Gradient(set, x, labels);
        }

        Assert.True(last < 0.25f * first, $"loss went from {first} to {last}");
    }
}
