namespace SourceGrad;

public static partial class Losses
{
    /// <summary>
    /// The lecture's L2 loss ½‖prediction − target‖², written as a loop and differentiated by the generator when
    /// the runtime is built: its gradient <c>HalfSquaredErrorGradient</c> is public, so [Differentiable] methods
    /// in other assemblies call it like any other, and so is its tangent <c>HalfSquaredErrorTangent</c>.
    /// </summary>
    [Differentiable(Tangent = true)]
    public static float HalfSquaredError(ReadOnlySpan<float> prediction, [NoGrad] ReadOnlySpan<float> target)
    {
        float sum = 0;
        for (int i = 0; i < prediction.Length; i++)
        {
            float difference = prediction[i] - target[i];
            sum += difference * difference;
        }

        return 0.5f * sum;
    }
}
