namespace SourceGrad.Tests.Generated;

public static partial class CrossAssembly
{
    /// <summary>Calls a [Differentiable] method compiled into the runtime assembly.</summary>
    [Differentiable]
    public static float ScaledFit(ReadOnlySpan<float> weights, float scale, [NoGrad] ReadOnlySpan<float> target)
    {
        Span<float> prediction = stackalloc float[weights.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            prediction[i] = scale * MathF.Tanh(weights[i]);
        }

        return Losses.HalfSquaredError(prediction, target);
    }
}

public class CrossAssemblyTests
{
    [Fact]
    public void Gradient_of_a_method_from_a_referenced_assembly_is_called()
    {
        float[] weights = { 0.3f, -0.8f, 1.2f };
        float[] target = { 0.1f, 0.2f, -0.4f };
        float scale = 1.5f;
        var dWeights = new float[3];
        float dScale = 0;
        float loss = CrossAssembly.ScaledFitGradient(weights, scale, target, dWeights, ref dScale);

        double expectedScale = 0;
        for (int i = 0; i < 3; i++)
        {
            double t = Math.Tanh(weights[i]);
            double residual = scale * t - target[i];
            expectedScale += residual * t;
            Assert.Equal(residual * scale * (1 - t * t), dWeights[i], 4);
        }

        Assert.Equal(CrossAssembly.ScaledFit(weights, scale, target), loss, 5);
        Assert.Equal(expectedScale, dScale, 4);
    }
}
