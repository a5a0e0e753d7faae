using System.CommandLine;
using System.Diagnostics;
using SourceGrad.Samples.Digits.Cli;
using SourceGrad.Samples.Digits.Imaging;
using SourceGrad.Samples.Digits.Models;
using SourceGrad.Samples.Digits.Persistence;
using SourceGrad.Samples.Digits.Training;

namespace SourceGrad.Samples.Digits.Commands;

/// <summary>
/// <c>digits linear</c> and <c>digits mlp</c>: train a digit classifier with its generated gradient, print a table of
/// train/test loss and accuracy per epoch, draw the curves (and, for the linear model, its templates), save or load it.
/// </summary>
internal sealed class ClassifierCommand
{
    public static readonly TrainingDefaults LinearDefaults = new(Epochs: 10, BatchSize: 64, Optimizer: "sgd", SgdLearningRate: 0.05, AdamLearningRate: 0.001);
    public static readonly TrainingDefaults MlpDefaults = new(Epochs: 30, BatchSize: 64, Optimizer: "sgd", SgdLearningRate: 0.05, AdamLearningRate: 0.001, MaxShift: 2);
    public const int DefaultHidden = 128;

    private readonly string _name;
    private readonly Report _report;
    private readonly TrainingOptions _options;
    private readonly Option<int>? _hidden;

    private ClassifierCommand(string name, TrainingDefaults defaults, bool hasHiddenLayer, Report report)
    {
        _name = name;
        _report = report;
        _options = new TrainingOptions(name, defaults, dataParallel: true);
        if (hasHiddenLayer)
            _hidden = Options.Integer("--hidden", "Hidden ReLU units (with --load: taken from the file).", DefaultHidden, max: 65_536);
    }

    public static Command CreateLinear(Report report, TextWriter error) =>
        new ClassifierCommand(LinearClassifier.ModelKind, LinearDefaults, hasHiddenLayer: false, report).Build(
            "The linear classifier f = Wx + b with softmax cross-entropy; draws the rows of W as ten 28×28 templates.", error);

    public static Command CreateMlp(Report report, TextWriter error) =>
        new ClassifierCommand(Mlp.ModelKind, MlpDefaults, hasHiddenLayer: true, report).Build(
            "The two-layer ReLU network 784-H-10 with softmax cross-entropy; prints train/test loss and accuracy per epoch and plots them.", error);

    private Command Build(string description, TextWriter error)
    {
        var command = new Command(_name, description);
        if (_hidden is not null)
            command.Options.Add(_hidden);
        _options.AddTo(command);
        CommandRunner.SetAction(command, error, Execute);
        return command;
    }

    private int Execute(ParseResult parseResult)
    {
        var clock = Stopwatch.StartNew();
        // A saved model is read first, so a bad file is reported before the digits are loaded.
        IClassifier? saved = parseResult.GetValue(_options.Load) is string loadPath ? LoadSaved(parseResult, loadPath) : null;
        DigitData data = _options.Data.Load(parseResult);
        string outputDirectory = _options.OutputDirectory(parseResult);
        _report.Line($"Digits: {data.Description}.");

        if (saved is not null)
            return EvaluateSaved(saved, parseResult.GetValue(_options.Load)!, data, outputDirectory, clock);

        long seed = parseResult.GetValue(_options.Seed);
        IClassifier model = _hidden is null ? new LinearClassifier() : new Mlp(parseResult.GetValue(_hidden));
        model.Initialize(Seeds.Initialization(seed));
        TrainingSettings settings = _options.Settings(parseResult, data.Training.Count);
        IOptimizer optimizer = _options.CreateOptimizer(parseResult, Trainer.TotalSteps(settings, data.Training.Count));
        _report.Line(TrainingOptions.Describe(model, optimizer, settings, seed));
        _report.Line();

        Report.TableWriter table = _report.Table(
            new("epoch", 5), new("train loss", 10), new("train acc", 9), new("test loss", 9), new("test acc", 8), new("time", 7));
        var history = new List<EpochRecord>();
        TimeSpan trainingTime = TimeSpan.Zero;
        Evaluation final = default;
        Trainer.Run(model, data.Training, optimizer, settings, _report, epoch =>
        {
            trainingTime += epoch.TrainingTime;
            Evaluation train = ClassifierEvaluation.Evaluate(model, data.Training);
            Evaluation test = ClassifierEvaluation.Evaluate(model, data.Test);
            history.Add(new EpochRecord(epoch.Epoch, train.Loss, train.Accuracy, test.Loss, test.Accuracy));
            final = test;
            table.Row($"{epoch.Epoch}", Format.Number(train.Loss), Format.Percent(train.Accuracy), Format.Number(test.Loss), Format.Percent(test.Accuracy), Format.Seconds(epoch.TrainingTime));
        });
        _report.Line();

        if (parseResult.GetValue(_options.Save) is string savePath)
        {
            ModelFile.Save(savePath, model.Kind, model.Parameters);
            _report.Line($"Saved the parameters to {Path.GetFullPath(savePath)}.");
        }

        string curves = Path.Combine(outputDirectory, $"{_name}-curves.png");
        Charts.SaveTrainingCurves(curves, $"{_name} {model.Architecture}", history);
        _report.Line($"Wrote {curves}.");
        SaveTemplates(model, outputDirectory);

        _report.Emphasis($"{_name}: test accuracy {Format.Percent(final.Accuracy)} ({final.Correct} of {final.Count} held-out digits), test loss {Format.Number(final.Loss)} " +
                         $"after {settings.Epochs} epochs; {model.Architecture}, trained in {Format.Seconds(trainingTime)}, {Format.Seconds(clock.Elapsed)} in all.");
        return 0;
    }

    private IClassifier LoadSaved(ParseResult parseResult, string path)
    {
        SavedModel saved;
        IClassifier model;
        if (_hidden is null)
        {
            saved = ModelFile.Read(path);
            model = new LinearClassifier();
        }
        else
        {
            (saved, int hidden) = TrainingOptions.ReadTwoLayerModel(parseResult, path, Mlp.ModelKind, _hidden);
            model = new Mlp(hidden);
        }
        saved.CopyTo(model.Parameters, model.Kind, Path.GetFullPath(path));
        return model;
    }

    private int EvaluateSaved(IClassifier model, string path, DigitData data, string outputDirectory, Stopwatch clock)
    {
        _report.Line($"Loaded {model.Architecture} ({model.Parameters.TotalLength:N0} parameters) from {Path.GetFullPath(path)}.");
        Evaluation train = ClassifierEvaluation.Evaluate(model, data.Training);
        Evaluation test = ClassifierEvaluation.Evaluate(model, data.Test);
        _report.Line($"Training digits: loss {Format.Number(train.Loss)}, accuracy {Format.Percent(train.Accuracy)}.");
        SaveTemplates(model, outputDirectory);
        _report.Emphasis($"{_name}: test accuracy {Format.Percent(test.Accuracy)} ({test.Correct} of {test.Count} held-out digits), test loss {Format.Number(test.Loss)}; " +
                         $"{model.Architecture} loaded from {Path.GetFileName(path)}, {Format.Seconds(clock.Elapsed)} in all.");
        return 0;
    }

    private void SaveTemplates(IClassifier model, string outputDirectory)
    {
        if (model is not LinearClassifier linear)
            return;
        string path = Path.Combine(outputDirectory, "linear-templates.png");
        float[] weights = linear.Weights.Value;
        float maxAbs = weights.Max(MathF.Abs);
        using var grid = new ImageGrid(2, 5, "Rows of W as 28×28 templates (red > 0 > blue)");
        var color = PixelColors.Diverging(maxAbs);
        for (int digit = 0; digit < linear.Classes; digit++)
            grid.Draw(digit / 5, digit % 5, weights.AsSpan(digit * linear.Inputs, linear.Inputs), color, $"{digit}");
        grid.Save(path);
        _report.Line($"Wrote {path}.");
    }
}
