using SourceGrad.Samples.NewtonCG;
using SourceGrad.Tests.Data;

namespace SourceGrad.Tests.Samples;

/// <summary>
/// Samples/NewtonCG: its generated Hessian-vector products against central differences of the generated gradients, its
/// softmax regression against gradient descent, and its command line.
/// </summary>
public class NewtonCgSampleTests
{
    [Fact]
    public void Rosenbrock_generated_Hessian_vector_product_matches_differences_of_the_generated_gradient()
    {
        var random = new SeededRandom(21);
        const int dimension = 7;
        for (int trial = 0; trial < 5; trial++)
        {
            float[] x = Uniform(random, dimension, 1.5), v = Uniform(random, dimension, 1);
            float[] gradient = new float[dimension], product = new float[dimension], generatedGradient = new float[dimension];

            float value = Objectives.RosenbrockHessianVector(x, v, gradient, product);
            float generatedValue = Objectives.RosenbrockGradient(x, generatedGradient);

            Assert.Equal(generatedValue, value, generatedValue * 1e-6f);
            AssertClose(generatedGradient, gradient, 1e-5);
            double[] numeric = DifferenceOfGradient(x, v, 1e-3f, (point, g) => Objectives.RosenbrockGradient(point, g));
            AssertClose(numeric, product, 1e-3);
        }
    }

    [Fact]
    public void Softmax_regression_generated_Hessian_vector_product_matches_differences_of_the_generated_gradient()
    {
        var random = new SeededRandom(22);
        const int count = 6, inputs = 12, classes = 4, weightCount = inputs * classes;
        const float l2 = 0.1f;
        float[] images = Uniform(random, count * inputs, 1);
        int[] labels = Enumerable.Range(0, count).Select(_ => random.NextInt(classes)).ToArray();
        var problem = new SoftmaxRegressionProblem(images, labels, inputs, classes, l2);
        for (int trial = 0; trial < 5; trial++)
        {
            float[] x = Uniform(random, problem.Dimension, 0.5), v = Uniform(random, problem.Dimension, 1);
            float[] gradient = new float[problem.Dimension], product = new float[problem.Dimension], generatedGradient = new float[problem.Dimension];

            float value = Objectives.SoftmaxRegressionLossHessianVector(
                x.AsSpan(0, weightCount), x.AsSpan(weightCount), images, labels, count, inputs, classes, l2,
                v.AsSpan(0, weightCount), v.AsSpan(weightCount), gradient.AsSpan(0, weightCount), gradient.AsSpan(weightCount),
                product.AsSpan(0, weightCount), product.AsSpan(weightCount));
            float generatedValue = problem.ValueAndGradient(x, generatedGradient);

            Assert.Equal(generatedValue, value, 1e-5f);
            AssertClose(generatedGradient, gradient, 1e-4);
            double[] numeric = DifferenceOfGradient(x, v, 1e-2f, (point, g) => problem.ValueAndGradient(point, g));
            AssertClose(numeric, product, 2e-3);
        }
    }

    [Fact]
    public void On_shipped_digits_Newton_CG_reaches_a_lower_loss_than_gradient_descent_with_as_many_evaluations()
    {
        var settings = new SoftmaxRegressionSettings(TrainCount: 300, MaxNewtonIterations: 4, MaxCgIterations: 10);
        SoftmaxRegressionProblem problem = SoftmaxRegressionProblem.From(TrainingTests.Shipped.Value, settings.TrainCount, settings.L2);

        IReadOnlyList<ConvergenceTrace> traces = Comparison.SoftmaxRegression(problem, settings);
        ConvergenceTrace newton = traces.Single(trace => trace.Method == "Newton-CG");
        ConvergenceTrace descent = traces.Single(trace => trace.Method == "gradient descent");

        Assert.Equal(settings.MaxNewtonIterations, newton.Last.Iteration);
        Assert.Equal(newton.Last.Evaluations, descent.Last.Evaluations);
        Assert.True(newton.Last.Loss < descent.Last.Loss,
            $"after {newton.Last.Evaluations} evaluations Newton-CG's loss is {newton.Last.Loss}, gradient descent's {descent.Last.Loss}.");
        // Every Newton iteration decreases the loss (the line search's promise), from log 10 at zero weights.
        Assert.Equal(Math.Log(10), newton.Points[0].Loss, 1e-5);
        Assert.True(newton.Points.Zip(newton.Points.Skip(1)).All(pair => pair.Second.Loss < pair.First.Loss));
        // No clock in the numbers: a second run gives the same losses bit for bit.
        IReadOnlyList<ConvergenceTrace> again = Comparison.SoftmaxRegression(problem, settings);
        Assert.Equal(newton.Points.Select(p => p.Loss), again[0].Points.Select(p => p.Loss));
        Assert.Equal(newton.Final, again[0].Final);
    }

    [Fact]
    public void The_rosenbrock_command_prints_the_table_and_writes_the_plot()
    {
        using var folder = new TempDirectory();
        var output = new StringWriter();

        int exitCode = NewtonCgApp.Run(["rosenbrock", "--dimension", "2", "--output", folder.Path], output, output);

        string text = output.ToString();
        Assert.True(exitCode == 0, text);
        Assert.Contains("Newton-CG ends at max |xᵢ − 1|", text);
        Assert.Contains("gradient descent", text);
        Assert.Contains("Adam", text);
        Assert.True(new FileInfo(folder.File("rosenbrock-2.png")).Length > 1000, "the plot is missing or empty.");
    }

    [Theory]
    [InlineData("rosenbrock", "--dimension", "1", "--dimension must be at least 2, but was 1")]
    [InlineData("logistic", "--train-size", "0", "--train-size must be in [1, 8000], but was 0")]
    [InlineData("logistic", "--l2", "-1", "--l2 must be a finite number >= 0, but was -1")]
    public void Bad_options_are_rejected_with_the_value_and_what_is_allowed(string command, string option, string value, string message)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        int exitCode = NewtonCgApp.Run([command, option, value], output, error);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, error.ToString());
    }

    private static float[] Uniform(SeededRandom random, int length, double halfWidth) =>
        Enumerable.Range(0, length).Select(_ => (float)random.NextDouble(-halfWidth, halfWidth)).ToArray();

    /// <summary>(∇f(x + h·v) − ∇f(x − h·v)) / 2h, through the generated gradient.</summary>
    private static double[] DifferenceOfGradient(float[] x, float[] v, float h, Func<float[], float[], float> gradient)
    {
        float[] plus = x.Zip(v, (xi, vi) => xi + h * vi).ToArray(), minus = x.Zip(v, (xi, vi) => xi - h * vi).ToArray();
        float[] gradientPlus = new float[x.Length], gradientMinus = new float[x.Length];
        gradient(plus, gradientPlus);
        gradient(minus, gradientMinus);
        return gradientPlus.Zip(gradientMinus, (p, m) => ((double)p - m) / (2 * h)).ToArray();
    }

    /// <summary>Element-wise within <paramref name="relative"/> of the largest expected magnitude.</summary>
    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<float> actual, double relative)
    {
        double scale = Math.Max(expected.Max(Math.Abs), 1e-3);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * scale,
                $"element {i}: expected {expected[i]}, got {actual[i]} (tolerance {relative * scale:G3}).");
        }
    }

    private static void AssertClose(float[] expected, float[] actual, double relative) =>
        AssertClose(expected.Select(e => (double)e).ToArray(), actual, relative);
}
