using System.CommandLine;
using System.Diagnostics;
using SourceGrad.Samples.Digits.Cli;
using SourceGrad.Samples.Digits.Imaging;
using SourceGrad.Samples.Digits.Models;

namespace SourceGrad.Samples.Digits.Commands;

/// <summary>
/// <c>digits logistic</c>: the lecture's sigmoid unit on two seeded Gaussian blobs, trained by gradient descent with the
/// generated <c>LossGradient</c>; prints that generated code, checks it against finite differences, and plots the
/// decision boundary.
/// </summary>
internal sealed class LogisticCommand
{
    private readonly Report _report;
    private readonly Option<int> _points = Options.Integer("--points", "Points per class.", 100, max: 1_000_000);
    private readonly Option<int> _steps = Options.Integer("--steps", "Gradient-descent steps (each on all points).", 200, max: 1_000_000);
    private readonly Option<double?> _learningRate = Options.Real("--learning-rate", "Step size of gradient descent.", 0.5, max: 100);
    private readonly Option<bool> _noSource = new("--no-source") { Description = "Do not print the generated gradient code." };
    private readonly Option<long> _seed = Options.Seed();
    private readonly Option<string> _output = Options.OutputDirectory("logistic");

    private LogisticCommand(Report report) => _report = report;

    public static Command Create(Report report, TextWriter error) => new LogisticCommand(report).Build(error);

    private Command Build(TextWriter error)
    {
        var command = new Command("logistic", "The sigmoid f = 1/(1 + exp(-(w0 + w1*x1 + w2*x2))) on two Gaussian blobs: prints its generated gradient and a gradient check, plots the decision boundary.");
        foreach (Option option in new Option[] { _points, _steps, _learningRate, _noSource, _seed, _output })
            command.Options.Add(option);
        CommandRunner.SetAction(command, error, Execute);
        return command;
    }

    private int Execute(ParseResult parseResult)
    {
        var clock = Stopwatch.StartNew();
        long seed = parseResult.GetValue(_seed);
        int steps = parseResult.GetValue(_steps);
        double learningRate = parseResult.GetValue(_learningRate)!.Value;
        ToyData data = ToyData.TwoBlobs(parseResult.GetValue(_points), Seeds.ToyData(seed));
        string outputDirectory = Path.GetFullPath(parseResult.GetValue(_output)!);
        Directory.CreateDirectory(outputDirectory);

        if (!parseResult.GetValue(_noSource))
        {
            foreach (GeneratedSource source in GeneratedSource.Logistic)
            {
                try
                {
                    (string path, string text) = source.Read();
                    _report.Emphasis($"// The code the generator wrote for {source.Method} ({Path.GetFileName(path)}):");
                    _report.Line(text.TrimEnd());
                }
                catch (FileNotFoundException e)
                {
                    _report.Line($"(The generated code of {source.Method} cannot be shown: {e.Message})");
                }
                _report.Line();
            }
        }

        // Initial weights: small random numbers.
        SeededRandom random = Seeds.Initialization(seed);
        double[] w = [random.NextGaussian(0, 0.1), random.NextGaussian(0, 0.1), random.NextGaussian(0, 0.1)];
        GradCheckResult check = CheckGradient(data, w);
        _report.Line($"GradCheck of LossGradient at the initial weights (w0, w1, w2) = ({Format.Number(w[0])}, {Format.Number(w[1])}, {Format.Number(w[2])}): {check}");
        _report.Line();

        _report.Line($"Gradient descent on {data.Count} points ({data.Count / 2} per class), learning rate {learningRate}, {steps} steps, seed {seed}.");
        Report.TableWriter table = _report.Table(new("step", 6), new("loss", 7), new("accuracy", 8), new("w0", 8), new("w1", 8), new("w2", 8));
        int reportEvery = Math.Max(1, steps / 10);
        double loss = double.NaN;
        for (int step = 1; step <= steps; step++)
        {
            double dW0 = 0, dW1 = 0, dW2 = 0;
            loss = Logistic.LossGradient(w[0], w[1], w[2], data.X1, data.X2, data.Y, data.Count, ref dW0, ref dW1, ref dW2);
            w[0] -= learningRate * dW0;
            w[1] -= learningRate * dW1;
            w[2] -= learningRate * dW2;
            if (step % reportEvery == 0 || step == steps)
                table.Row($"{step}", Format.Number(Logistic.Loss(w[0], w[1], w[2], data.X1, data.X2, data.Y, data.Count)), Format.Percent(Accuracy(data, w)), Format.Number(w[0], 3), Format.Number(w[1], 3), Format.Number(w[2], 3));
        }
        if (!double.IsFinite(loss))
            throw new Training.TrainingDivergedException($"The loss became {loss}; try a smaller --learning-rate.");
        _report.Line();

        string plot = Path.Combine(outputDirectory, "logistic-boundary.png");
        double accuracy = Accuracy(data, w);
        Charts.SaveDecisionBoundary(plot, data, w[0], w[1], w[2], $"f = 1/(1 + exp(-({w[0]:F2} + {w[1]:F2} x1 + {w[2]:F2} x2))), accuracy {Format.Percent(accuracy)}");
        _report.Line($"Wrote {plot}.");
        _report.Emphasis($"logistic: accuracy {Format.Percent(accuracy)} on {data.Count} points, loss {Format.Number(Logistic.Loss(w[0], w[1], w[2], data.X1, data.X2, data.Y, data.Count))}, " +
                         $"gradient check {(check.Passed ? "passed" : "FAILED")} (worst relative error {check.WorstRelativeError:G2}); {Format.Seconds(clock.Elapsed)} in all.");
        return check.Passed ? 0 : CommandRunner.Failure;
    }

    /// <summary>The generated gradient at <paramref name="w"/> against central differences of the primal loss.</summary>
    internal static GradCheckResult CheckGradient(ToyData data, double[] w)
    {
        var gradient = new double[3];
        Logistic.LossGradient(w[0], w[1], w[2], data.X1, data.X2, data.Y, data.Count, ref gradient[0], ref gradient[1], ref gradient[2]);
        return GradCheck.Check(() => Logistic.Loss(w[0], w[1], w[2], data.X1, data.X2, data.Y, data.Count), new GradCheckInput("w", w, gradient));
    }

    private static double Accuracy(ToyData data, double[] w)
    {
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            bool predicted = Logistic.Probability(w[0], w[1], w[2], data.X1[i], data.X2[i]) >= 0.5;
            if (predicted == (data.Y[i] == 1))
                correct++;
        }
        return (double)correct / data.Count;
    }
}
