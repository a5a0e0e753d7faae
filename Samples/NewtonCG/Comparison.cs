using SourceGrad.Data;

namespace SourceGrad.Samples.NewtonCG;

/// <summary>The settings of one Rosenbrock comparison.</summary>
internal sealed record RosenbrockSettings(int Dimension, int MaxNewtonIterations = 500, long FirstOrderEvaluations = 20_000,
    double GradientDescentRate = 5e-4, double AdamRate = 1e-2, double GradientTolerance = 1e-4);

/// <summary>The settings of one softmax-regression comparison on the shipped digits.</summary>
internal sealed record SoftmaxRegressionSettings(int TrainCount = 2000, float L2 = 1e-3f, int MaxNewtonIterations = 15, int MaxCgIterations = 50,
    double GradientDescentRate = 0.5, double AdamRate = 1e-2, double GradientTolerance = 1e-4);

/// <summary>
/// Newton-CG, gradient descent (the runtime's <see cref="Sgd"/> without momentum) and <see cref="Adam"/> on one problem from
/// one start. First-order methods get at least as many evaluations as Newton-CG used, so the curves share the x axis.
/// </summary>
internal static class Comparison
{
    public static IReadOnlyList<ConvergenceTrace> Rosenbrock(RosenbrockSettings settings)
    {
        var problem = new RosenbrockProblem(settings.Dimension);
        float[] start = RosenbrockProblem.StandardStart(settings.Dimension);
        ConvergenceTrace newton = Runs.NewtonCg(problem, start, settings.MaxNewtonIterations, settings.GradientTolerance);
        long budget = Math.Max(settings.FirstOrderEvaluations, newton.Last.Evaluations);
        return
        [
            newton,
            Runs.FirstOrder("gradient descent", problem, start, new Sgd(settings.GradientDescentRate), budget),
            Runs.FirstOrder("Adam", problem, start, new Adam(settings.AdamRate), budget),
        ];
    }

    public static IReadOnlyList<ConvergenceTrace> SoftmaxRegression(SoftmaxRegressionProblem problem, SoftmaxRegressionSettings settings)
    {
        float[] start = new float[problem.Dimension];
        ConvergenceTrace newton = Runs.NewtonCg(problem, start, settings.MaxNewtonIterations, settings.GradientTolerance, settings.MaxCgIterations);
        long budget = newton.Last.Evaluations;
        return
        [
            newton,
            Runs.FirstOrder("gradient descent", problem, start, new Sgd(settings.GradientDescentRate), budget),
            Runs.FirstOrder("Adam", problem, start, new Adam(settings.AdamRate), budget),
        ];
    }

    /// <summary>The training problem over the first <see cref="SoftmaxRegressionSettings.TrainCount"/> shipped training digits, and the held-out digits.</summary>
    public static (SoftmaxRegressionProblem Training, SoftmaxRegressionProblem Test) ShippedDigits(SoftmaxRegressionSettings settings)
    {
        var (training, test) = MnistDataSet.LoadDefault().Split();
        if (settings.TrainCount > training.Count)
            throw new ArgumentOutOfRangeException(nameof(settings), settings.TrainCount, $"TrainCount must be at most the {training.Count} shipped training digits, but was {settings.TrainCount}.");
        return (SoftmaxRegressionProblem.From(training, settings.TrainCount, settings.L2), SoftmaxRegressionProblem.From(test, test.Count, settings.L2));
    }
}
