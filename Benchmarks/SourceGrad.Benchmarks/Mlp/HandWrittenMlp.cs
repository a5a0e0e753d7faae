using SourceGrad.Tape;

namespace SourceGrad.Benchmarks.Mlp;

/// <summary>
/// The <see cref="MlpProblem"/> step with the backward pass written by hand: the same runtime kernels as
/// <see cref="GeneratedMlp.Loss"/> forward, then their derivative rules called in reverse order, on buffers
/// allocated once.
/// </summary>
public sealed class HandWrittenMlp
{
    private const int Inputs = MlpProblem.Inputs, Hidden = MlpProblem.Hidden, Classes = MlpProblem.Classes;

    private readonly MlpProblem _problem;
    private readonly Parameter _w1, _b1, _w2, _b2;
    private readonly Sgd _optimizer = new(MlpProblem.LearningRate);
    private readonly float[] _preActivation, _hidden, _logits, _dPreActivation, _dHidden, _dLogits;

    public HandWrittenMlp(MlpProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        _problem = problem;
        Parameters = problem.CreateParameters();
        (_w1, _b1, _w2, _b2) = (Parameters["w1"], Parameters["b1"], Parameters["w2"], Parameters["b2"]);
        _preActivation = new float[problem.Batch * Hidden];
        _hidden = new float[problem.Batch * Hidden];
        _logits = new float[problem.Batch * Classes];
        _dPreActivation = new float[problem.Batch * Hidden];
        _dHidden = new float[problem.Batch * Hidden];
        _dLogits = new float[problem.Batch * Classes];
    }

    /// <summary>w1, b1, w2, b2 with their gradients from the last step.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Loss and gradients at the current weights, without updating them.</summary>
    public float LossAndGradients()
    {
        int batch = _problem.Batch;
        Parameters.ZeroGradients();

        // Forward.
        Linalg.MatMul(_problem.X, _w1.Value, _preActivation, batch, Inputs, Hidden);
        Linalg.AddBias(_preActivation, _b1.Value, batch, Hidden);
        Activations.Relu(_preActivation, _hidden);
        Linalg.MatMul(_hidden, _w2.Value, _logits, batch, Hidden, Classes);
        Linalg.AddBias(_logits, _b2.Value, batch, Classes);
        float loss = Losses.SoftmaxCrossEntropy(_logits, _problem.Labels, batch, Classes);

        // Backward. The rules accumulate into the intermediate adjoints, which are zero here: the rules of the
        // overwriting kernels (MatMul, Relu) zero the output adjoint they consume, so each step leaves them zero.
        Losses.SoftmaxCrossEntropyPullback(_logits, _problem.Labels, batch, Classes, _dLogits, 1f);
        Linalg.AddBiasPullback(_logits, _b2.Value, batch, Classes, _dLogits, _b2.Gradient);
        Linalg.MatMulPullback(_hidden, _w2.Value, _logits, batch, Hidden, Classes, false, false, _dHidden, _w2.Gradient, _dLogits);
        Activations.ReluPullback(_preActivation, _hidden, _dPreActivation, _dHidden);
        Linalg.AddBiasPullback(_preActivation, _b1.Value, batch, Hidden, _dPreActivation, _b1.Gradient);

        // The input needs no gradient: an empty dA skips that product.
        Linalg.MatMulPullback(_problem.X, _w1.Value, _preActivation, batch, Inputs, Hidden, false, false, default, _w1.Gradient, _dPreActivation);
        return loss;
    }

    /// <summary>One SGD step: gradients, then w −= η·g.</summary>
    public float Step()
    {
        float loss = LossAndGradients();
        _optimizer.Step(Parameters);
        return loss;
    }
}
