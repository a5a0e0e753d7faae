namespace SourceGrad.Tests.Training;

/// <summary>
/// Each optimizer against its published update rule (PyTorch's documentation), computed here in double, element by
/// element, for several steps with fresh gradients each step. Lengths 37, 16 and 3 reach the vector loop, its tail,
/// and a tail-only parameter whatever the vector width.
/// </summary>
public class OptimizerTests
{
    private const int Steps = 12;
    private static readonly int[] Lengths = [37, 16, 3];

    [Theory]
    [InlineData(0.0, false, 0.0)]
    [InlineData(0.9, false, 0.0)]
    [InlineData(0.9, true, 0.0)]
    [InlineData(0.5, false, 0.01)]
    [InlineData(0.8, true, 0.05)]
    [InlineData(0.0, false, 0.1)]
    public void Sgd_follows_the_PyTorch_formula(double momentum, bool nesterov, double weightDecay)
    {
        const double lr = 0.05;
        var reference = new ReferenceState(Lengths);
        RunAgainstReference(new Sgd(lr, momentum, nesterov, weightDecay), reference, (t, theta, g, state) =>
        {
            double[] buffer = state[0];
            for (int i = 0; i < theta.Length; i++)
            {
                double gi = g[i] + weightDecay * theta[i];
                if (momentum != 0)
                {
                    buffer[i] = t > 1 ? momentum * buffer[i] + gi : gi; // dampening 0
                    gi = nesterov ? gi + momentum * buffer[i] : buffer[i];
                }
                theta[i] -= lr * gi;
            }
        });
    }

    [Theory]
    [InlineData(1e-2, 0.9, 0.999, 1e-8, 0.0)]
    [InlineData(3e-3, 0.8, 0.99, 1e-6, 0.0)]
    [InlineData(1e-2, 0.9, 0.999, 1e-8, 0.1)]
    public void Adam_follows_the_PyTorch_formula(double lr, double beta1, double beta2, double eps, double weightDecay)
    {
        var reference = new ReferenceState(Lengths);
        RunAgainstReference(new Adam(lr, beta1, beta2, eps, weightDecay), reference, (t, theta, g, state) =>
        {
            double[] m = state[0], v = state[1];
            for (int i = 0; i < theta.Length; i++)
            {
                double gi = g[i] + weightDecay * theta[i];
                m[i] = beta1 * m[i] + (1 - beta1) * gi;
                v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
                double mHat = m[i] / (1 - Math.Pow(beta1, t));
                double vHat = v[i] / (1 - Math.Pow(beta2, t));
                theta[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        });
    }

    [Theory]
    [InlineData(1e-2, 0.01)]
    [InlineData(5e-2, 0.2)]
    public void AdamW_decays_the_weights_apart_from_the_gradient(double lr, double weightDecay)
    {
        const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        var reference = new ReferenceState(Lengths);
        RunAgainstReference(new AdamW(lr, weightDecay: weightDecay), reference, (t, theta, g, state) =>
        {
            double[] m = state[0], v = state[1];
            for (int i = 0; i < theta.Length; i++)
            {
                theta[i] -= lr * weightDecay * theta[i];
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.Pow(beta1, t));
                double vHat = v[i] / (1 - Math.Pow(beta2, t));
                theta[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        });
    }

    [Fact]
    public void AdamW_defaults_match_PyTorch()
    {
        var adamW = new AdamW();
        Assert.Equal(1e-3, adamW.LearningRate);
        Assert.Equal(0.9, adamW.Beta1);
        Assert.Equal(0.999, adamW.Beta2);
        Assert.Equal(1e-8, adamW.Epsilon);
        Assert.Equal(1e-2, adamW.WeightDecay);
        Assert.Equal(0, new Adam().WeightDecay);
    }

    public static TheoryData<string> OptimizerNames => ["sgd", "momentum", "nesterov", "adam", "adamw"];

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void Step_allocates_nothing_after_the_first(string name)
    {
        IOptimizer optimizer = NewOptimizer(name);
        var set = new ParameterSet();
        set.Add("w", 100, 13).Gradient.AsSpan().Fill(0.5f);
        set.Add("b", 13).Gradient.AsSpan().Fill(-0.25f);
        int steps = 0;
        Allocations.AssertSteadyStateAllocatesNothing(() =>
        {
            optimizer.Step(set);
            steps++;
        });

        Assert.Equal(steps, optimizer.StepCount);
    }

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void Updating_range_by_range_gives_the_bits_of_a_whole_step(string name)
    {
        Optimizer whole = NewOptimizer(name), inRanges = NewOptimizer(name);
        ParameterSet wholeSet = RangeTestSet(), rangeSet = RangeTestSet();
        // Ranges that start and end inside parameters and inside vectors, cross parameter boundaries, are empty, and
        // come out of order: every element exactly once.
        (int Start, int Length)[] ranges = [(40, 23), (0, 1), (1, 0), (1, 39), (63, 1300), (1363, 0), (1363, 3)];
        Assert.Equal(wholeSet.TotalLength, ranges.Sum(range => range.Length));
        var random = new SeededRandom(5);
        for (int step = 1; step <= 4; step++)
        {
            foreach (Parameter parameter in wholeSet)
            {
                random.Fill(parameter.Gradient);
                parameter.Gradient.CopyTo(rangeSet[parameter.Name].Gradient, 0);
            }

            whole.Step(wholeSet);
            OptimizerStep begun = inRanges.BeginStep(rangeSet);
            foreach ((int start, int length) in ranges)
                inRanges.UpdateRange(begun, start, length);

            foreach (Parameter parameter in wholeSet)
                Assert.Equal(Bits(parameter.Value), Bits(rangeSet[parameter.Name].Value));
        }
        Assert.Equal(whole.StepCount, inRanges.StepCount);
    }

    [Fact]
    public void UpdateRange_takes_only_the_step_begun_last_within_the_set()
    {
        var set = new ParameterSet();
        set.Add("w", 10);
        var adam = new Adam();
        var sgd = new Sgd(0.1);
        OptimizerStep first = adam.BeginStep(set);
        adam.UpdateRange(first, 0, 10);

        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => adam.UpdateRange(first, 4, 7));
        Assert.Contains("from 4 must lie within the set's 10 elements", outside.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.UpdateRange(first, -1, 1));
        Assert.Equal("step", Assert.Throws<ArgumentException>(() => sgd.UpdateRange(first, 0, 10)).ParamName);
        Assert.Equal("step", Assert.Throws<ArgumentException>(() => sgd.UpdateRange(default, 0, 10)).ParamName);

        adam.BeginStep(set);
        var stale = Assert.Throws<ArgumentException>(() => adam.UpdateRange(first, 0, 10));
        Assert.Contains("is step 1, but this optimizer's current step is 2", stale.Message);
        adam.Reset();
        Assert.Throws<ArgumentException>(() => adam.UpdateRange(first, 0, 10));
    }

    [Fact]
    public void Sgd_takes_the_learning_rate_from_its_schedule()
    {
        var set = new ParameterSet();
        Parameter p = set.Add("p", 1);
        var sgd = new Sgd(new StepSchedule(1.0, stepSize: 2, gamma: 0.5));
        double expected = 0;
        double[] rates = [1, 1, 0.5, 0.5, 0.25];
        foreach (double rate in rates)
        {
            Assert.Equal(rate, sgd.LearningRate);
            p.Gradient[0] = 1;
            sgd.Step(set);
            expected -= rate;
            Assert.Equal(expected, p.Value[0], 6);
        }
    }

    [Fact]
    public void An_optimizer_keeps_to_one_parameter_set_until_reset()
    {
        var first = new ParameterSet();
        first.Add("w", 4);
        var second = new ParameterSet();
        second.Add("w", 4);
        var adam = new Adam();
        adam.Step(first);

        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => adam.Step(second)).ParamName);
        first.Add("late", 2);
        Assert.Throws<InvalidOperationException>(() => adam.Step(first));

        adam.Reset();
        Assert.Equal(0, adam.StepCount);
        adam.Step(second);
        Assert.Equal(1, adam.StepCount);
    }

    [Fact]
    public void Bad_hyperparameters_name_the_argument_and_value()
    {
        Assert.Equal("learningRate", Assert.ThrowsAny<ArgumentException>(() => new Sgd(-1)).ParamName);
        Assert.Equal("momentum", Assert.ThrowsAny<ArgumentException>(() => new Sgd(0.1, momentum: 1)).ParamName);
        Assert.Equal("nesterov", Assert.ThrowsAny<ArgumentException>(() => new Sgd(0.1, nesterov: true)).ParamName);
        Assert.Equal("weightDecay", Assert.ThrowsAny<ArgumentException>(() => new Sgd(0.1, weightDecay: double.NaN)).ParamName);
        Assert.Equal("beta1", Assert.ThrowsAny<ArgumentException>(() => new Adam(beta1: 1.5)).ParamName);
        Assert.Equal("beta2", Assert.ThrowsAny<ArgumentException>(() => new AdamW(beta2: -0.1)).ParamName);
        var epsilon = Assert.ThrowsAny<ArgumentException>(() => new Adam(epsilon: 0));
        Assert.Equal("epsilon", epsilon.ParamName);
        Assert.Contains("was 0", epsilon.Message);
    }

    private static Optimizer NewOptimizer(string name) => name switch
    {
        "sgd" => new Sgd(0.1, weightDecay: 0.01),
        "momentum" => new Sgd(0.1, momentum: 0.9),
        "nesterov" => new Sgd(0.1, momentum: 0.9, nesterov: true),
        "adam" => new Adam(),
        _ => new AdamW(),
    };

    /// <summary>Parameters of 37, 1,326 (a 102 × 13 matrix) and 3 elements with the same seeded values each time.</summary>
    private static ParameterSet RangeTestSet()
    {
        var set = new ParameterSet();
        set.Add("a", 37);
        set.Add("w", 102, 13);
        set.Add("b", 3);
        var random = new SeededRandom(3);
        foreach (Parameter parameter in set)
            random.Fill(parameter.Value);
        return set;
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);

    private delegate void ReferenceUpdate(int step, double[] theta, double[] gradient, double[][] state);

    /// <summary>The same start and gradients for the optimizer (float) and the reference (double), compared after every step.</summary>
    private static void RunAgainstReference(IOptimizer optimizer, ReferenceState reference, ReferenceUpdate update)
    {
        var rng = new SeededRandom(2024);
        var set = new ParameterSet();
        for (int k = 0; k < Lengths.Length; k++)
        {
            Parameter p = set.Add($"p{k}", Lengths[k]);
            for (int i = 0; i < p.Length; i++)
                p.Value[i] = (float)rng.NextGaussian();
            reference.Theta[k] = Array.ConvertAll(p.Value, v => (double)v);
        }

        for (int t = 1; t <= Steps; t++)
        {
            for (int k = 0; k < set.Count; k++)
            {
                Parameter p = set[k];
                for (int i = 0; i < p.Length; i++)
                    p.Gradient[i] = (float)(rng.NextGaussian() * (1 + k));
                update(t, reference.Theta[k], Array.ConvertAll(p.Gradient, g => (double)g), reference.State[k]);
            }
            optimizer.Step(set);

            for (int k = 0; k < set.Count; k++)
            {
                for (int i = 0; i < set[k].Length; i++)
                {
                    double expected = reference.Theta[k][i];
                    double actual = set[k].Value[i];
                    Assert.True(Math.Abs(actual - expected) <= 2e-5 * (1 + Math.Abs(expected)),
                        $"step {t}, p{k}[{i}]: expected {expected}, got {actual}");
                }
            }
        }
        Assert.Equal(Steps, optimizer.StepCount);
    }

    private sealed class ReferenceState(int[] lengths)
    {
        public double[][] Theta { get; } = new double[lengths.Length][];

        // Two state buffers per parameter (momentum; or Adam's m and v), zero at the start.
        public double[][][] State { get; } = lengths.Select(n => new[] { new double[n], new double[n] }).ToArray();
    }
}
