using System.CommandLine;
using SourceGrad.Samples.Sequential;

return SequentialApp.Run(args, Console.Out, Console.Error);

namespace SourceGrad.Samples.Sequential
{
    /// <summary>The <c>sequential</c> command line: an MLP of the chosen depth, composed from split-mode layers, trained on the shipped digits.</summary>
    internal static class SequentialApp
    {
        public static int Run(string[] args, TextWriter output, TextWriter error)
        {
            var defaults = new TrainingSettings();
            var depth = new Option<int>("--depth") { Description = "Hidden layers (0 is softmax regression).", DefaultValueFactory = _ => defaults.Depth };
            var hidden = new Option<int>("--hidden") { Description = "Units per hidden layer.", DefaultValueFactory = _ => defaults.Hidden };
            var activation = new Option<string>("--activation") { Description = "relu or tanh.", DefaultValueFactory = _ => "relu" };
            activation.AcceptOnlyFromAmong("relu", "tanh");
            var epochs = new Option<int>("--epochs") { Description = "Passes over the training digits.", DefaultValueFactory = _ => defaults.Epochs };
            var batch = new Option<int>("--batch") { Description = "Digits per SGD step.", DefaultValueFactory = _ => defaults.Batch };
            var learningRate = new Option<float>("--lr") { Description = "SGD step size.", DefaultValueFactory = _ => defaults.LearningRate };
            var trainSize = new Option<int>("--train-size") { Description = "How many of the 8,000 training digits to use.", DefaultValueFactory = _ => defaults.TrainSize };
            var seed = new Option<int>("--seed") { Description = "Seed of the initial weights and the shuffling.", DefaultValueFactory = _ => defaults.Seed };
            foreach (Option<int> positive in new[] { hidden, epochs, batch, trainSize })
            {
                positive.Validators.Add(result =>
                {
                    if (result.GetValueOrDefault<int>() < 1)
                        result.AddError($"{positive.Name} must be at least 1.");
                });
            }

            depth.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < 0)
                    result.AddError("--depth must be at least 0.");
            });

            var root = new RootCommand("Train an MLP of user-chosen depth, composed at run time from [Differentiable(Split = true)] layers, on the shipped digits.")
            {
                depth, hidden, activation, epochs, batch, learningRate, trainSize, seed,
            };
            root.SetAction(result =>
            {
                var settings = new TrainingSettings(result.GetValue(hidden), result.GetValue(depth), result.GetValue(activation) == "tanh",
                    result.GetValue(epochs), result.GetValue(batch), result.GetValue(learningRate), result.GetValue(trainSize), result.GetValue(seed));
                TrainingResult trained = Trainer.Train(settings, output);
                output.WriteLine($"final test accuracy {trained.TestAccuracy[^1]:P2} in {trained.Elapsed.TotalSeconds:F1} s");
            });
            return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        }
    }
}
