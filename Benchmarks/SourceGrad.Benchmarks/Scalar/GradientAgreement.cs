namespace SourceGrad.Benchmarks.Scalar;

/// <summary>Stops a benchmark before it times anything when two contenders' gradients disagree.</summary>
public static class GradientAgreement
{
    /// <summary>Exact methods (generated, hand-written, tape) differ only by rounding.</summary>
    public const double ExactTolerance = 1e-9;

    /// <summary>Central differences are accurate to about h² and ε/h.</summary>
    public const double FiniteDifferenceTolerance = 1e-5;

    /// <summary>
    /// Checks the hand-written, tape and finite-difference gradients against the generated one, and the hand-written
    /// vectorised one where the problem has it.
    /// </summary>
    public static void CheckAll(
        string problem, double[] generated, double[] handWritten, double[] tape, double[] finiteDifferences, double[]? handWrittenVectorized = null)
    {
        Check(problem, "hand-written", generated, handWritten, ExactTolerance);
        if (handWrittenVectorized is not null)
        {
            Check(problem, "hand-written vectorised", generated, handWrittenVectorized, ExactTolerance);
        }

        Check(problem, "scalar tape", generated, tape, ExactTolerance);
        Check(problem, "finite-difference", generated, finiteDifferences, FiniteDifferenceTolerance);
    }

    /// <summary>
    /// Throws unless the tangent along <paramref name="direction"/> equals ⟨gradient, direction⟩ (to rounding, relative to
    /// the sum of the terms' magnitudes).
    /// </summary>
    public static void CheckTangent(string problem, double tangent, ReadOnlySpan<double> gradient, ReadOnlySpan<double> direction)
    {
        double dot = 0, magnitude = 0;
        for (int i = 0; i < gradient.Length; i++)
        {
            dot += gradient[i] * direction[i];
            magnitude += Math.Abs(gradient[i] * direction[i]);
        }

        if (!(Math.Abs(tangent - dot) <= 1e-5 * Math.Max(1, magnitude)))
        {
            throw new InvalidOperationException($"{problem}: the tangent along the direction is {tangent:R}, but ⟨gradient, direction⟩ = {dot:R}.");
        }
    }

    /// <summary>
    /// Throws unless |actual[i] − expected[i]| ≤ tolerance·max(1, |expected[i]|) for every i, naming the problem,
    /// the contender and the first element that differs.
    /// </summary>
    public static void Check(string problem, string contender, ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance)
    {
        if (actual.Length != expected.Length)
        {
            throw new InvalidOperationException(
                $"{problem}: the {contender} gradient has {actual.Length} entries, the generated one {expected.Length}.");
        }

        for (int i = 0; i < expected.Length; i++)
        {
            if (!(Math.Abs(actual[i] - expected[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i]))))
            {
                throw new InvalidOperationException(
                    $"{problem}: the {contender} gradient differs from the generated one at [{i}]: {actual[i]:R} vs {expected[i]:R}.");
            }
        }
    }
}
