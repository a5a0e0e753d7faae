using TorchSharp;
using static TorchSharp.torch;
using MlpProblem = SourceGrad.Tape.MlpProblem;
using ParameterSet = SourceGrad.ParameterSet;

namespace SourceGrad.Benchmarks.Torch;

/// <summary>The MLP step written as a .NET user would write it with TorchSharp: tensors with autograd and optim.SGD.</summary>
public sealed class TorchMlp : IDisposable
{
    private readonly Tensor _x;
    private readonly Tensor _labels;
    private readonly optim.Optimizer _optimizer;

    public TorchMlp(MlpProblem problem)
    {
        ParameterSet initial = problem.CreateParameters();
        W1 = NewParameter(initial["w1"]);
        B1 = NewParameter(initial["b1"]);
        W2 = NewParameter(initial["w2"]);
        B2 = NewParameter(initial["b2"]);
        _x = tensor(problem.X, [problem.Batch, MlpProblem.Inputs]);
        _labels = tensor(Array.ConvertAll(problem.Labels, label => (long)label), [problem.Batch]);
        _optimizer = optim.SGD([W1, B1, W2, B2], MlpProblem.LearningRate);
    }

    public TorchSharp.Modules.Parameter W1 { get; }

    public TorchSharp.Modules.Parameter B1 { get; }

    public TorchSharp.Modules.Parameter W2 { get; }

    public TorchSharp.Modules.Parameter B2 { get; }

    /// <summary>W1, B1, W2 or B2 by the <see cref="MlpProblem"/> parameter name (w1, b1, w2, b2).</summary>
    public TorchSharp.Modules.Parameter ParameterNamed(string name) => name switch
    {
        "w1" => W1,
        "b1" => B1,
        "w2" => W2,
        "b2" => B2,
        _ => throw new ArgumentException($"The MLP has parameters w1, b1, w2 and b2, not '{name}'.", nameof(name)),
    };

    /// <summary>Loss and gradients at the current weights, without updating them.</summary>
    public float LossAndGradients()
    {
        using DisposeScope scope = NewDisposeScope();
        _optimizer.zero_grad();
        Tensor loss = Loss();
        loss.backward();
        return loss.item<float>();
    }

    /// <summary>One SGD step: zero gradients, forward, backward, update.</summary>
    public void Step()
    {
        using DisposeScope scope = NewDisposeScope();
        _optimizer.zero_grad();
        Loss().backward();
        _optimizer.step();
    }

    public static float[] Values(Tensor tensor) => tensor.data<float>().ToArray();

    public void Dispose()
    {
        _optimizer.Dispose();
        foreach (Tensor tensor in new Tensor[] { W1, B1, W2, B2, _x, _labels })
        {
            tensor.Dispose();
        }
    }

    // addmm fuses the bias add into the matmul, as torch.nn.Linear does.
    private Tensor Loss()
    {
        Tensor hidden = nn.functional.relu(addmm(B1, _x, W1, beta: 1, alpha: 1));
        Tensor logits = addmm(B2, hidden, W2, beta: 1, alpha: 1);
        return nn.functional.cross_entropy(logits, _labels);
    }

    private static TorchSharp.Modules.Parameter NewParameter(SourceGrad.Parameter initial) =>
        new(tensor(initial.Value, Array.ConvertAll(initial.Shape, length => (long)length)), requires_grad: true);
}
