using System.CommandLine;
using System.Globalization;
using SourceGrad.Samples.Digits.Models;
using SourceGrad.Samples.Digits.Persistence;
using SourceGrad.Samples.Digits.Training;

namespace SourceGrad.Samples.Digits.Cli;

/// <summary>The defaults of one command's training options.</summary>
internal sealed record TrainingDefaults(int Epochs, int BatchSize, string Optimizer, double SgdLearningRate, double AdamLearningRate, int MaxShift = 0);

/// <summary>The options every digit-training command shares: data, epochs, minibatches, optimizer, seed, output folder, save and load.</summary>
internal sealed class TrainingOptions
{
    public const double Momentum = 0.9;

    private readonly TrainingDefaults _defaults;
    private readonly bool _dataParallel;

    /// <param name="dataParallel">Whether --threads splits each minibatch over threads (the model is an <see cref="IShardedTrainable"/>), or only sets the threads of a matrix product.</param>
    public TrainingOptions(string command, TrainingDefaults defaults, bool dataParallel = false)
    {
        _defaults = defaults;
        _dataParallel = dataParallel;
        Threads = Options.Integer("--threads", dataParallel
            ? "Split each minibatch over n threads, each running the generated gradient on its share, summed in a fixed order " +
              "(default: unsplit, matrix products on every core; the same n gives the same numbers on every run, another n differs by rounding)."
            : "Threads a large matrix product may use (default: the processor count; 1 keeps training on one core; the numbers do not depend on it).",
            Environment.ProcessorCount, max: 1024);
        Epochs = Options.Integer("--epochs", "Passes over the training digits.", defaults.Epochs, max: 100_000);
        BatchSize = Options.Integer("--batch-size", "Digits per minibatch (one gradient step each).", defaults.BatchSize, max: 65_536);
        Optimizer = Options.Choice("--optimizer", $"sgd (with momentum {Momentum}) or adam.", defaults.Optimizer, "sgd", "adam");
        LearningRate = Options.OptionalReal("--learning-rate", string.Create(CultureInfo.InvariantCulture,
            $"Step size (default {defaults.SgdLearningRate} for sgd, {defaults.AdamLearningRate} for adam)."), max: 100);
        Output = Options.OutputDirectory(command);
        Shift = Options.Integer("--shift", "Move each training digit by up to n pixels in each direction, at random (0: off).", defaults.MaxShift, min: 0, max: 8);
    }

    public DataOptions Data { get; } = new();

    public Option<int> Epochs { get; }

    public Option<int> BatchSize { get; }

    public Option<string> Optimizer { get; }

    public Option<double?> LearningRate { get; }

    public Option<string> Schedule { get; } = Options.Choice("--schedule", "The learning rate over training: constant, or cosine (decays to 0 by the last step).", "cosine", "constant", "cosine");

    public Option<int> Shift { get; }

    public Option<long> Seed { get; } = Options.Seed();

    public Option<int> Threads { get; }

    public Option<string> Output { get; }

    public Option<string?> Save { get; } = Options.SaveModel();

    public Option<string?> Load { get; } = Options.LoadModel();

    public void AddTo(Command command)
    {
        Data.AddTo(command);
        foreach (Option option in new Option[] { Epochs, BatchSize, Optimizer, LearningRate, Schedule, Shift, Seed, Threads, Output, Save, Load })
            command.Options.Add(option);
        command.Validators.Add(result =>
        {
            if (result.GetResult(Load) is not null && result.GetResult(Save) is not null)
                result.AddError("--load evaluates a saved model and --save saves a trained one: give one of them.");
        });
    }

    /// <summary>The optimizer the options ask for, its schedule spread over <paramref name="totalSteps"/> steps.</summary>
    public IOptimizer CreateOptimizer(ParseResult parseResult, long totalSteps)
    {
        bool adam = parseResult.GetValue(Optimizer) == "adam";
        double learningRate = parseResult.GetValue(LearningRate) ?? (adam ? _defaults.AdamLearningRate : _defaults.SgdLearningRate);
        ILearningRateSchedule schedule = parseResult.GetValue(Schedule) == "cosine"
            ? new CosineSchedule(learningRate, totalSteps)
            : new ConstantSchedule(learningRate);
        return adam ? new Adam(schedule) : new Sgd(schedule, Momentum);
    }

    /// <summary>
    /// The epochs, batch size, shuffling seed and data-parallel threads, checked against the size of the training set;
    /// also sets the kernels' thread count when --threads is given (products inside a data-parallel shard stay on its thread).
    /// </summary>
    public TrainingSettings Settings(ParseResult parseResult, int trainingCount)
    {
        int? threads = Options.WasGiven(parseResult, Threads) ? parseResult.GetValue(Threads) : null;
        if (threads is int productThreads)
            Linalg.MaxDegreeOfParallelism = productThreads;
        int batchSize = parseResult.GetValue(BatchSize);
        if (batchSize > trainingCount)
            throw new UsageException($"--batch-size {batchSize} is larger than the training set ({trainingCount} digits).");
        long seed = parseResult.GetValue(Seed);
        return new TrainingSettings(parseResult.GetValue(Epochs), batchSize, Seeds.Shuffling(seed), parseResult.GetValue(Shift), Seeds.Shifting(seed),
            _dataParallel ? threads : null);
    }

    /// <summary>The line that says what is about to be trained, and how.</summary>
    public static string Describe(ITrainable model, IOptimizer optimizer, TrainingSettings settings, long seed) =>
        $"Model: {model.Architecture} ({model.Parameters.TotalLength:N0} parameters); {optimizer}; {settings.Epochs} epochs of minibatches of {settings.BatchSize}" +
        $"{(settings.MaxShift > 0 ? $", digits shifted by up to {settings.MaxShift} pixels" : "")}" +
        $"{(settings.DataParallelThreads is int threads ? $", each split over {threads} data-parallel thread{(threads == 1 ? "" : "s")}" : "")}; seed {seed}.";

    /// <summary>
    /// Reads the model file <paramref name="path"/>, checks that it holds a <paramref name="kind"/> model, and returns it
    /// with its hidden size (the rows of its "w1"); a --hidden the user typed must agree with the file.
    /// </summary>
    public static (SavedModel Model, int Hidden) ReadTwoLayerModel(ParseResult parseResult, string path, string kind, Option<int> hidden)
    {
        string fullPath = Path.GetFullPath(path);
        SavedModel saved = ModelFile.Read(fullPath);
        saved.RequireKind(kind, fullPath);
        int units = saved.Find("w1")?.Shape[0] ?? throw new ModelFileException(fullPath, "it has no parameter 'w1'.");
        if (Options.WasGiven(parseResult, hidden) && parseResult.GetValue(hidden) != units)
            throw new UsageException($"--hidden {parseResult.GetValue(hidden)} does not match the saved model, which has {units} hidden units; leave --hidden out with --load.");
        return (saved, units);
    }

    /// <summary>The output folder, created.</summary>
    public string OutputDirectory(ParseResult parseResult)
    {
        string directory = Path.GetFullPath(parseResult.GetValue(Output)!);
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }
}
