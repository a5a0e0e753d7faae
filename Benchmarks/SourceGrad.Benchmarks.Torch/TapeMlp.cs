using SourceGrad.Tape;

namespace SourceGrad.Benchmarks.Torch;

/// <summary>The same MLP step on the project's tensor tape: the reference gradients and a second contender.</summary>
public sealed class TapeMlp
{
    private readonly MlpProblem _problem;
    private readonly TensorTape _tape = new();

    public TapeMlp(MlpProblem problem)
    {
        _problem = problem;
        W1 = (float[])problem.W1.Clone();
        B1 = (float[])problem.B1.Clone();
        W2 = (float[])problem.W2.Clone();
        B2 = (float[])problem.B2.Clone();
        GradW1 = new float[W1.Length];
        GradB1 = new float[B1.Length];
        GradW2 = new float[W2.Length];
        GradB2 = new float[B2.Length];
    }

    public float[] W1 { get; }

    public float[] B1 { get; }

    public float[] W2 { get; }

    public float[] B2 { get; }

    public float[] GradW1 { get; }

    public float[] GradB1 { get; }

    public float[] GradW2 { get; }

    public float[] GradB2 { get; }

    /// <summary>Loss and gradients at the current weights, without updating them.</summary>
    public float LossAndGradients()
    {
        _tape.Reset();
        Array.Clear(GradW1);
        Array.Clear(GradB1);
        Array.Clear(GradW2);
        Array.Clear(GradB2);
        Tensor x = _tape.Input(_problem.X, _problem.Batch, MlpProblem.Inputs);
        Tensor w1 = _tape.Parameter(W1, GradW1, MlpProblem.Inputs, MlpProblem.Hidden);
        Tensor b1 = _tape.Parameter(B1, GradB1, 1, MlpProblem.Hidden);
        Tensor w2 = _tape.Parameter(W2, GradW2, MlpProblem.Hidden, MlpProblem.Classes);
        Tensor b2 = _tape.Parameter(B2, GradB2, 1, MlpProblem.Classes);
        Tensor hidden = _tape.Relu(_tape.Linear(x, w1, b1));
        Tensor logits = _tape.Linear(hidden, w2, b2);
        Tensor loss = _tape.SoftmaxCrossEntropy(logits, _problem.Labels);
        _tape.Backward(loss);
        return loss.Scalar;
    }

    /// <summary>One SGD step: gradients, then w −= η·g.</summary>
    public void Step()
    {
        LossAndGradients();
        Update(W1, GradW1);
        Update(B1, GradB1);
        Update(W2, GradW2);
        Update(B2, GradB2);
    }

    private static void Update(Span<float> weights, ReadOnlySpan<float> gradient)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] -= MlpProblem.LearningRate * gradient[i];
        }
    }
}
