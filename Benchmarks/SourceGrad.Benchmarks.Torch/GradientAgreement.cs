using SourceGrad.Tape;

namespace SourceGrad.Benchmarks.Torch;

/// <summary>Checks that TorchSharp and the tensor tape compute the same loss and gradients before anything is timed.</summary>
public static class GradientAgreement
{
    public const double Tolerance = 1e-4;

    /// <summary>The largest absolute difference over the loss and every gradient; throws above the tolerance.</summary>
    public static double Check(MlpProblem problem)
    {
        using var torchMlp = new TorchMlp(problem);
        var tapeMlp = new TapeMlp(problem);
        float torchLoss = torchMlp.LossAndGradients();
        float tapeLoss = tapeMlp.LossAndGradients();

        double worst = Math.Abs(torchLoss - tapeLoss);
        string worstWhere = "loss";
        Compare("dW1", TorchMlp.Values(torchMlp.W1.grad!), tapeMlp.Parameters["w1"].Gradient, ref worst, ref worstWhere);
        Compare("dB1", TorchMlp.Values(torchMlp.B1.grad!), tapeMlp.Parameters["b1"].Gradient, ref worst, ref worstWhere);
        Compare("dW2", TorchMlp.Values(torchMlp.W2.grad!), tapeMlp.Parameters["w2"].Gradient, ref worst, ref worstWhere);
        Compare("dB2", TorchMlp.Values(torchMlp.B2.grad!), tapeMlp.Parameters["b2"].Gradient, ref worst, ref worstWhere);
        if (!(worst <= Tolerance))
        {
            throw new InvalidOperationException(
                $"TorchSharp and the tape disagree at batch {problem.Batch}: {worstWhere} differs by {worst:g3} (> {Tolerance:g1}).");
        }

        return worst;
    }

    private static void Compare(string name, float[] torch, float[] tape, ref double worst, ref string worstWhere)
    {
        for (int i = 0; i < torch.Length; i++)
        {
            double difference = Math.Abs(torch[i] - tape[i]);
            if (!(difference <= worst))
            {
                worst = difference;
                worstWhere = $"{name}[{i}]";
            }
        }
    }
}
