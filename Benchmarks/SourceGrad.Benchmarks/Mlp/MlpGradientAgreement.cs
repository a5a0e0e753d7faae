namespace SourceGrad.Benchmarks.Mlp;

/// <summary>
/// Compares contenders of the <see cref="SourceGrad.Tape.MlpProblem"/> step with a reference (the generated
/// gradient) at the same weights, and stops the run before anything is timed if a loss or a gradient differs.
/// </summary>
public sealed class MlpGradientAgreement
{
    public const double Tolerance = 1e-4;

    private static readonly string[] s_parameterNames = ["w1", "b1", "w2", "b2"];

    private readonly int _batch;
    private readonly float _referenceLoss;
    private readonly ParameterSet _reference;

    /// <param name="referenceLoss">The loss the reference computed.</param>
    /// <param name="reference">The reference's parameters, whose Gradient holds its gradient.</param>
    public MlpGradientAgreement(int batch, float referenceLoss, ParameterSet reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        (_batch, _referenceLoss, _reference) = (batch, referenceLoss, reference);
    }

    /// <summary>The largest absolute difference seen so far, over the losses and all 101,770 gradient entries.</summary>
    public double WorstDifference { get; private set; }

    public void Check(string contender, float loss, ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Check(contender, loss, name => parameters[name].Gradient);
    }

    /// <summary>Throws when the loss or a gradient entry differs from the reference's by more than <see cref="Tolerance"/>.</summary>
    /// <param name="gradientOf">The contender's gradient of the parameter with the given name (w1, b1, w2, b2).</param>
    public void Check(string contender, float loss, Func<string, float[]> gradientOf)
    {
        ArgumentNullException.ThrowIfNull(gradientOf);
        Track(contender, "the loss", Math.Abs(loss - _referenceLoss));
        foreach (string name in s_parameterNames)
        {
            float[] expected = _reference[name].Gradient, actual = gradientOf(name);
            for (int i = 0; i < expected.Length; i++)
            {
                Track(contender, $"d{name}[{i}]", Math.Abs(actual[i] - expected[i]));
            }
        }
    }

    private void Track(string contender, string where, double difference)
    {
        if (!(difference <= Tolerance))
        {
            throw new InvalidOperationException(
                $"At batch {_batch} the {contender} and the generated gradient disagree: {where} differs by {difference:g3} (> {Tolerance:g1}).");
        }

        WorstDifference = Math.Max(WorstDifference, difference);
    }
}
