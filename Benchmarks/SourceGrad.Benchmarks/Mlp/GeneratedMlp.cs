using SourceGrad.Tape;

namespace SourceGrad.Benchmarks.Mlp;

/// <summary>
/// The <see cref="MlpProblem"/> step with a generated gradient: <see cref="Loss"/> is ordinary code calling the runtime
/// kernels, the generator writes <c>LossGradient</c> (calling each kernel's derivative rule in reverse), then the
/// runtime's <see cref="Sgd"/> updates the weights.
/// </summary>
public sealed partial class GeneratedMlp
{
    private readonly MlpProblem _problem;
    private readonly Parameter _w1, _b1, _w2, _b2;
    private readonly Sgd _optimizer = new(MlpProblem.LearningRate);

    public GeneratedMlp(MlpProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        _problem = problem;
        Parameters = problem.CreateParameters();
        (_w1, _b1, _w2, _b2) = (Parameters["w1"], Parameters["b1"], Parameters["w2"], Parameters["b2"]);
    }

    /// <summary>w1, b1, w2, b2 with their gradients from the last step.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Loss and gradients at the current weights, without updating them.</summary>
    public float LossAndGradients()
    {
        Parameters.ZeroGradients();
        return LossGradient(
            _w1.Value, _b1.Value, _w2.Value, _b2.Value, _problem.X, _problem.Labels, _problem.Batch,
            _w1.Gradient, _b1.Gradient, _w2.Gradient, _b2.Gradient);
    }

    /// <summary>One SGD step: gradients, then w −= η·g.</summary>
    public float Step()
    {
        float loss = LossAndGradients();
        _optimizer.Step(Parameters);
        return loss;
    }

    /// <summary>Mean softmax cross-entropy of relu(x·W1 + b1)·W2 + b2 over the batch; W1 is 784×128, W2 128×10.</summary>
    [Differentiable]
    public static float Loss(
        ReadOnlySpan<float> w1, ReadOnlySpan<float> b1, ReadOnlySpan<float> w2, ReadOnlySpan<float> b2,
        [NoGrad] ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int batch)
    {
        Span<float> preActivation = stackalloc float[batch * MlpProblem.Hidden];
        Span<float> hidden = stackalloc float[batch * MlpProblem.Hidden];
        Span<float> logits = stackalloc float[batch * MlpProblem.Classes];
        Linalg.MatMul(x, w1, preActivation, batch, MlpProblem.Inputs, MlpProblem.Hidden);
        Linalg.AddBias(preActivation, b1, batch, MlpProblem.Hidden);
        Activations.Relu(preActivation, hidden);
        Linalg.MatMul(hidden, w2, logits, batch, MlpProblem.Hidden, MlpProblem.Classes);
        Linalg.AddBias(logits, b2, batch, MlpProblem.Classes);
        return Losses.SoftmaxCrossEntropy(logits, labels, batch, MlpProblem.Classes);
    }
}
