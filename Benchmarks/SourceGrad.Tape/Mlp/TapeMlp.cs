namespace SourceGrad.Tape;

/// <summary>The <see cref="MlpProblem"/> step on the tensor tape: record, backward, then the runtime's SGD.</summary>
public sealed class TapeMlp
{
    private readonly MlpProblem _problem;
    private readonly TensorTape _tape = new();
    private readonly Sgd _optimizer = new(MlpProblem.LearningRate);

    public TapeMlp(MlpProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        _problem = problem;
        Parameters = problem.CreateParameters();
    }

    /// <summary>w1, b1, w2, b2 with their gradients from the last step.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Loss and gradients at the current weights, without updating them.</summary>
    public float LossAndGradients()
    {
        _tape.Reset();
        Parameters.ZeroGradients();
        Tensor x = _tape.Input(_problem.X, _problem.Batch, MlpProblem.Inputs);
        Tensor hidden = _tape.Relu(_tape.Linear(x, _tape.Parameter(Parameters["w1"]), _tape.Parameter(Parameters["b1"])));
        Tensor logits = _tape.Linear(hidden, _tape.Parameter(Parameters["w2"]), _tape.Parameter(Parameters["b2"]));
        Tensor loss = _tape.SoftmaxCrossEntropy(logits, _problem.Labels);
        _tape.Backward(loss);
        return loss.Scalar;
    }

    /// <summary>One SGD step: gradients, then w −= η·g.</summary>
    public float Step()
    {
        float loss = LossAndGradients();
        _optimizer.Step(Parameters);
        return loss;
    }
}
