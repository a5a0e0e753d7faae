using System.Diagnostics;
using System.Globalization;
using SourceGrad.Samples.LongHorizon;

// long-horizon [--steps N] [--epochs E] [--learning-rate R]: trains a tanh RNN over one long sequence with a
// checkpointed gradient, after comparing what each mode holds and how long its gradient takes.
int steps = 100_000, epochs = 5;
double learningRate = 0.2;
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--steps":
            steps = int.Parse(Value(), CultureInfo.InvariantCulture);
            break;
        case "--epochs":
            epochs = int.Parse(Value(), CultureInfo.InvariantCulture);
            break;
        case "--learning-rate":
            learningRate = double.Parse(Value(), CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine($"unknown option '{args[i]}'; usage: long-horizon [--steps N] [--epochs E] [--learning-rate R]");
            return 2;
    }
}

if (steps < 1 || epochs < 0 || !(learningRate > 0))
{
    Console.Error.WriteLine($"--steps must be >= 1 (was {steps}), --epochs >= 0 (was {epochs}), --learning-rate > 0 (was {learningRate})");
    return 2;
}

LongHorizonRun.Run(steps, epochs, learningRate, Console.Out);
return 0;
