using System.CommandLine;
using System.Globalization;
using SourceGrad.Samples.NewtonCG;

return NewtonCgApp.Run(args, Console.Out, Console.Error);

namespace SourceGrad.Samples.NewtonCG
{
    /// <summary>
    /// The <c>newton-cg</c> command line: Newton-CG, gradient descent and Adam on Rosenbrock and on softmax regression over
    /// the shipped digits, each printed as a convergence table and drawn as a PNG.
    /// </summary>
    internal static class NewtonCgApp
    {
        public static int Run(string[] args, TextWriter output, TextWriter error)
        {
            var outputDirectory = new Option<string>("--output") { Description = "Folder for the PNG plots.", DefaultValueFactory = _ => "newton-cg-output" };
            var dimensions = new Option<int[]>("--dimension")
            {
                Description = "Rosenbrock's number of variables (repeat for several runs).",
                DefaultValueFactory = _ => [2, 100],
                AllowMultipleArgumentsPerToken = true,
            };
            dimensions.Validators.Add(result =>
            {
                foreach (int dimension in result.GetValueOrDefault<int[]>() ?? [])
                {
                    if (dimension < 2)
                        result.AddError($"--dimension must be at least 2, but was {dimension}.");
                }
            });
            var trainSize = new Option<int>("--train-size") { Description = "How many of the 8,000 shipped training digits to fit.", DefaultValueFactory = _ => 2000 };
            trainSize.Validators.Add(result =>
            {
                int value = result.GetValueOrDefault<int>();
                if (value < 1 || value > Data.MnistDataSet.DefaultTrainingCount)
                    result.AddError($"--train-size must be in [1, {Data.MnistDataSet.DefaultTrainingCount}], but was {value}.");
            });
            var l2 = new Option<float>("--l2") { Description = "The L2 weight: the loss adds ½·l2·‖W‖².", DefaultValueFactory = _ => 1e-3f };
            l2.Validators.Add(result =>
            {
                float value = result.GetValueOrDefault<float>();
                if (!(value >= 0) || float.IsPositiveInfinity(value))
                    result.AddError($"--l2 must be a finite number >= 0, but was {value}.");
            });

            var rosenbrock = new Command("rosenbrock", "Minimise the Rosenbrock function from (−1.2, 1, −1.2, 1, …).") { dimensions, outputDirectory };
            rosenbrock.SetAction(result => RunRosenbrock(output, result.GetValue(dimensions)!, result.GetValue(outputDirectory)!));
            var logistic = new Command("logistic", "Fit L2-regularised softmax regression (10 classes) to the shipped digits.") { trainSize, l2, outputDirectory };
            logistic.SetAction(result => RunSoftmaxRegression(output, new SoftmaxRegressionSettings(result.GetValue(trainSize), result.GetValue(l2)), result.GetValue(outputDirectory)!));

            var root = new RootCommand("Newton-CG on Hessian-vector products, beside gradient descent and Adam; with no command, runs both comparisons.")
            {
                rosenbrock,
                logistic,
                outputDirectory,
            };
            root.SetAction(result =>
            {
                string folder = result.GetValue(outputDirectory)!;
                RunRosenbrock(output, [2, 100], folder);
                RunSoftmaxRegression(output, new SoftmaxRegressionSettings(), folder);
            });
            return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        }

        private static void RunRosenbrock(TextWriter output, int[] dimensions, string folder)
        {
            foreach (int dimension in dimensions)
            {
                var settings = new RosenbrockSettings(dimension);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Rosenbrock, n = {dimension}, from (−1.2, 1, …): Newton-CG to ‖g‖ ≤ {settings.GradientTolerance:G3}; gradient descent (step {settings.GradientDescentRate:G3}) and Adam (lr {settings.AdamRate:G3}) for {settings.FirstOrderEvaluations} evaluations or as many as Newton-CG used, if more."));
                IReadOnlyList<ConvergenceTrace> traces = Comparison.Rosenbrock(settings);
                Report(output, traces, Path.Combine(folder, $"rosenbrock-{dimension}.png"), $"Rosenbrock, n = {dimension}");
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Newton-CG ends at max |xᵢ − 1| = {traces[0].Final.Max(xi => Math.Abs(xi - 1)):G3}; gradient descent at {traces[1].Final.Max(xi => Math.Abs(xi - 1)):G3}, Adam at {traces[2].Final.Max(xi => Math.Abs(xi - 1)):G3}."));
                output.WriteLine();
            }
        }

        private static void RunSoftmaxRegression(TextWriter output, SoftmaxRegressionSettings settings, string folder)
        {
            var (training, test) = Comparison.ShippedDigits(settings);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Softmax regression on the first {training.Count} shipped training digits ({training.Dimension} parameters, l2 {settings.L2:G3}), from zero: Newton-CG for at most {settings.MaxNewtonIterations} iterations of at most {settings.MaxCgIterations} CG steps; gradient descent (step {settings.GradientDescentRate:G3}) and Adam (lr {settings.AdamRate:G3}) for as many evaluations."));
            IReadOnlyList<ConvergenceTrace> traces = Comparison.SoftmaxRegression(training, settings);
            Report(output, traces, Path.Combine(folder, "softmax-regression.png"), $"Softmax regression, {training.Count} digits");
            foreach (ConvergenceTrace trace in traces)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{trace.Method}: training loss {trace.Last.Loss:G6} after {trace.Last.Evaluations} evaluations in {trace.Last.Seconds:F2} s; accuracy {100 * training.Accuracy(trace.Final):F2}% on its digits, {100 * test.Accuracy(trace.Final):F2}% on the {test.Count} held out."));
            }

            output.WriteLine();
        }

        private static void Report(TextWriter output, IReadOnlyList<ConvergenceTrace> traces, string plotPath, string title)
        {
            output.WriteLine();
            ConvergenceTable.Write(output, traces);
            ConvergenceChart.Save(plotPath, title, traces);
            output.WriteLine($"Wrote {Path.GetFullPath(plotPath)}.");
        }
    }
}
