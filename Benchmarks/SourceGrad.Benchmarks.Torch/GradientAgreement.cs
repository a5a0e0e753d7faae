using SourceGrad.Benchmarks.Mlp;
using SourceGrad.Tape;

namespace SourceGrad.Benchmarks.Torch;

/// <summary>
/// Checks that TorchSharp, the tensor tape and the hand-written step compute the generated step's loss and gradients
/// before anything is timed.
/// </summary>
public static class GradientAgreement
{
    /// <summary>The largest absolute difference to the generated gradient over the losses and every gradient entry; throws above <see cref="MlpGradientAgreement.Tolerance"/>.</summary>
    public static double Check(MlpProblem problem)
    {
        var generated = new GeneratedMlp(problem);
        var agreement = new MlpGradientAgreement(problem.Batch, generated.LossAndGradients(), generated.Parameters);
        using (var torchMlp = new TorchMlp(problem))
        {
            float loss = torchMlp.LossAndGradients();
            agreement.Check("TorchSharp", loss, name => TorchMlp.Values(torchMlp.ParameterNamed(name).grad!));
        }

        var tape = new TapeMlp(problem);
        agreement.Check("tensor tape", tape.LossAndGradients(), tape.Parameters);
        var handWritten = new HandWrittenMlp(problem);
        agreement.Check("hand-written", handWritten.LossAndGradients(), handWritten.Parameters);
        return agreement.WorstDifference;
    }
}
