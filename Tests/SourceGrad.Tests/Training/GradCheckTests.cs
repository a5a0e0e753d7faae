namespace SourceGrad.Tests.Training;

public class GradCheckTests
{
    // L(x, y) = Σ sin(xᵢ)·yᵢ + ½ Σ yᵢ²  →  ∂L/∂xᵢ = cos(xᵢ)·yᵢ,  ∂L/∂yᵢ = sin(xᵢ) + yᵢ
    private static double Loss(double[] x, double[] y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
            sum += Math.Sin(x[i]) * y[i] + 0.5 * y[i] * y[i];
        return sum;
    }

    private static (double[] X, double[] Y, double[] Dx, double[] Dy) DoubleProblem()
    {
        var rng = new SeededRandom(8);
        double[] x = Enumerable.Range(0, 9).Select(_ => rng.NextGaussian()).ToArray();
        double[] y = Enumerable.Range(0, 9).Select(_ => rng.NextGaussian()).ToArray();
        double[] dx = x.Select((xi, i) => Math.Cos(xi) * y[i]).ToArray();
        double[] dy = x.Select((xi, i) => Math.Sin(xi) + y[i]).ToArray();
        return (x, y, dx, dy);
    }

    [Fact]
    public void A_correct_double_gradient_passes()
    {
        var (x, y, dx, dy) = DoubleProblem();

        GradCheckResult result = GradCheck.Check(() => Loss(x, y), new GradCheckInput("x", x, dx), new GradCheckInput("y", y, dy));

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(18, result.CheckedCount);
        Assert.InRange(result.WorstRelativeError, 0, 1e-7);
        Assert.StartsWith("Gradient check passed: worst relative error", result.ToString());
    }

    [Fact]
    public void A_wrong_gradient_fails_and_names_where()
    {
        var (x, y, dx, dy) = DoubleProblem();
        dy[4] += 0.05; // a deliberate mistake in one element

        GradCheckResult result = GradCheck.Check(() => Loss(x, y), new GradCheckInput("x", x, dx), new GradCheckInput("y", y, dy));

        Assert.False(result.Passed);
        Assert.Equal(1, result.FailedCount);
        GradCheckEntry worst = Assert.NotNull(result.Worst);
        Assert.Equal("y", worst.Parameter);
        Assert.Equal(4, worst.Index);
        Assert.Equal(dy[4], worst.Analytic);
        Assert.Equal(dy[4] - 0.05, worst.Numeric, 6);
        Assert.Contains("FAILED", result.ToString());
        Assert.Contains("at y[4]", result.ToString());
        Assert.Throws<InvalidOperationException>(() => result.EnsurePassed());
    }

    [Fact]
    public void A_sign_error_in_a_float_gradient_is_caught_with_the_float_defaults()
    {
        // Softmax cross-entropy of 4 samples over 5 classes, in float arithmetic as a float model would compute it.
        var rng = new SeededRandom(21);
        float[] logits = Enumerable.Range(0, 20).Select(_ => (float)rng.NextGaussian()).ToArray();
        int[] labels = [1, 4, 0, 2];
        float[] gradient = CrossEntropyGradient(logits, labels);

        GradCheckResult good = GradCheck.Check(() => CrossEntropy(logits, labels), new GradCheckInput("logits", logits, gradient));
        Assert.True(good.Passed, good.ToString());

        gradient[7] = -gradient[7];
        GradCheckResult bad = GradCheck.Check(() => CrossEntropy(logits, labels), new GradCheckInput("logits", logits, gradient));
        Assert.False(bad.Passed);
        Assert.Equal(7, bad.Worst!.Value.Index);
    }

    [Fact]
    public void A_NaN_gradient_is_flagged_with_its_place()
    {
        var (x, y, dx, dy) = DoubleProblem();
        dx[2] = double.NaN;

        GradCheckResult result = GradCheck.Check(() => Loss(x, y), new GradCheckInput("x", x, dx), new GradCheckInput("y", y, dy));

        Assert.False(result.Passed);
        Assert.True(result.HasNonFinite);
        Assert.Equal("x", result.FirstNonFinite!.Value.Parameter);
        Assert.Equal(2, result.FirstNonFinite.Value.Index);
        Assert.Contains("the analytic gradient of x[2] is NaN", result.ToString());
    }

    [Fact]
    public void A_loss_that_is_not_finite_is_reported()
    {
        double[] x = [1, 2];
        GradCheckResult result = GradCheck.Check(() => Math.Log(x[0] - 1), new GradCheckInput("x", x, new double[2]));

        Assert.False(result.Passed);
        Assert.Contains("the loss itself is -Infinity", result.ToString());
    }

    [Fact]
    public void Inputs_are_restored_exactly()
    {
        float[] w = [0.1f, 1e-7f, 3.3333333f, -2.5f];
        float[] before = (float[])w.Clone();

        GradCheck.Check(() => w.Sum(v => (double)v * v), new GradCheckInput("w", w, w.Select(v => 2 * v).ToArray()));

        Assert.Equal(before, w);
    }

    [Fact]
    public void Sampling_checks_at_most_the_given_number_per_input()
    {
        var set = new ParameterSet();
        Parameter big = set.Add("big", 50);
        Parameter small = set.Add("small", 3);
        for (int i = 0; i < big.Length; i++)
        {
            big.Value[i] = i * 0.01f;
            big.Gradient[i] = 2 * big.Value[i];
        }
        small.Gradient.AsSpan().Fill(1);
        double LossOf() => big.Value.Sum(v => (double)v * v) + small.Value.Sum();

        GradCheckResult result = GradCheck.Check(LossOf, set, new GradCheckOptions { MaxElementsPerInput = 10, SamplingSeed = 4 });

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(13, result.CheckedCount);
    }

    [Fact]
    public void Options_override_the_defaults()
    {
        var (x, y, dx, dy) = DoubleProblem();
        dy[0] *= 1.001;

        var strict = GradCheck.Check(() => Loss(x, y), new GradCheckOptions { Tolerance = 1e-4 }, new GradCheckInput("y", y, dy));
        var loose = GradCheck.Check(() => Loss(x, y), new GradCheckOptions { Tolerance = 1e-2, Step = 1e-4 }, new GradCheckInput("y", y, dy));

        Assert.False(strict.Passed);
        Assert.True(loose.Passed, loose.ToString());
        Assert.Equal(1e-4, loose.Step);
    }

    [Fact]
    public void Mistakes_are_reported_with_the_argument()
    {
        Assert.Equal("analyticGradient", Assert.Throws<ArgumentException>(() => new GradCheckInput("w", new float[3], new float[2])).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => GradCheck.Check(() => 0)).ParamName);
        Assert.Equal("options.Step", Assert.ThrowsAny<ArgumentException>(() =>
            GradCheck.Check(() => 0, new GradCheckOptions { Step = 0 }, new GradCheckInput("w", new double[1], new double[1]))).ParamName);
    }

    private static double CrossEntropy(float[] logits, int[] labels)
    {
        const int classes = 5;
        float total = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            ReadOnlySpan<float> row = logits.AsSpan(r * classes, classes);
            float max = float.MinValue;
            foreach (float v in row)
                max = MathF.Max(max, v);
            float sum = 0;
            foreach (float v in row)
                sum += MathF.Exp(v - max);
            total += max + MathF.Log(sum) - row[labels[r]];
        }
        return total / labels.Length;
    }

    private static float[] CrossEntropyGradient(float[] logits, int[] labels)
    {
        const int classes = 5;
        var gradient = new float[logits.Length];
        for (int r = 0; r < labels.Length; r++)
        {
            double max = logits.Skip(r * classes).Take(classes).Max();
            double sum = logits.Skip(r * classes).Take(classes).Sum(v => Math.Exp(v - max));
            for (int c = 0; c < classes; c++)
                gradient[r * classes + c] = (float)((Math.Exp(logits[r * classes + c] - max) / sum - (c == labels[r] ? 1 : 0)) / labels.Length);
        }
        return gradient;
    }
}
