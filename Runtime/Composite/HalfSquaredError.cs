namespace SourceGrad;

public static partial class Losses
{
    /// <summary>
    /// The lecture's L2 loss ½‖prediction − target‖², written as a loop and differentiated by the generator when
    /// the runtime is built: its gradient <c>HalfSquaredErrorGradient</c> is public, so [Differentiable] methods
    /// in other assemblies call it like any other, and so are its tangent <c>HalfSquaredErrorTangent</c> and its Hessian-vector products <c>HalfSquaredErrorHessianVector</c>
    /// (the seeded one is what Hessian-vector products of callers call).
    /// </summary>
    [Differentiable(Tangent = true, HessianVector = true)]
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
