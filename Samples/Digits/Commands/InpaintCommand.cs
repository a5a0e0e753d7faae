using System.CommandLine;
using System.Diagnostics;
using SourceGrad.Data;
using SourceGrad.Samples.Digits.Cli;
using SourceGrad.Samples.Digits.Imaging;
using SourceGrad.Samples.Digits.Models;
using SourceGrad.Samples.Digits.Persistence;
using SourceGrad.Samples.Digits.Training;

namespace SourceGrad.Samples.Digits.Commands;

/// <summary>
/// <c>digits inpaint</c>: trains the inpainting network (masked digit → whole digit, loss ½‖y − f(x)‖²) with its generated
/// gradient, reports the PSNR of the prediction and of the masked input against the true test digits, and draws examples.
/// </summary>
internal sealed class InpaintCommand
{
    public static readonly TrainingDefaults Defaults = new(Epochs: 30, BatchSize: 32, Optimizer: "adam", SgdLearningRate: 0.05, AdamLearningRate: 0.002);
    public const int DefaultHidden = 256;
    private const int ExampleRows = 5, ExampleGroups = 2;

    private readonly Report _report;
    private readonly TrainingOptions _options = new(Inpainter.ModelKind, Defaults);
    private readonly Option<int> _hidden = Options.Integer("--hidden", "Hidden ReLU units (with --load: taken from the file).", DefaultHidden, max: 65_536);
    private readonly Option<string> _mask = Options.Choice("--mask", "pixels: hide random pixels (--mask-fraction); square: hide a random square near the centre (--mask-size).", "pixels", "pixels", "square");
    private readonly Option<int> _maskSize = Options.Integer("--mask-size", "Side of the square mask, in pixels.", 12, min: 1, max: 20);
    private readonly Option<double?> _maskFraction = Options.Real("--mask-fraction", "Fraction of the pixels the pixels mask hides.", 0.75, exclusiveMin: 0, max: 1);

    private InpaintCommand(Report report) => _report = report;

    public static Command Create(Report report, TextWriter error) => new InpaintCommand(report).Build(error);

    private Command Build(TextWriter error)
    {
        var command = new Command(Inpainter.ModelKind, "The inpainting network: a masked digit goes through a two-layer ReLU network that predicts the whole digit (loss ½‖y − f(x)‖²); reports PSNR and draws examples.");
        foreach (Option option in new Option[] { _hidden, _mask, _maskSize, _maskFraction })
            command.Options.Add(option);
        _options.AddTo(command);
        CommandRunner.SetAction(command, error, Execute);
        return command;
    }

    private int Execute(ParseResult parseResult)
    {
        var clock = Stopwatch.StartNew();
        long seed = parseResult.GetValue(_options.Seed);
        var maskSettings = new MaskSettings(
            parseResult.GetValue(_mask) == "pixels" ? MaskKind.Pixels : MaskKind.Square, parseResult.GetValue(_maskSize), parseResult.GetValue(_maskFraction)!.Value);
        // A saved model is read first, so a bad file is reported before the digits are loaded.
        Inpainter? saved = parseResult.GetValue(_options.Load) is string loadPath ? LoadSaved(parseResult, loadPath, maskSettings, seed) : null;
        DigitData data = _options.Data.Load(parseResult);
        string outputDirectory = _options.OutputDirectory(parseResult);
        _report.Line($"Digits: {data.Description}.");
        _report.Line($"Mask: {maskSettings} (set to 0, the background); the network also sees the mask. The test digits' masks are fixed by the seed.");

        // The test digits get their masks once, so every epoch (and every run with this seed) is scored on the same inputs.
        MaskedDigits test = MaskedDigits.Create(data.Test.Images, new MaskGenerator(maskSettings, Seeds.TestMasks(seed)));

        Inpainter model;
        TimeSpan trainingTime = TimeSpan.Zero;
        int epochs = 0;
        if (saved is not null)
        {
            model = saved;
        }
        else
        {
            model = new Inpainter(parseResult.GetValue(_hidden), new MaskGenerator(maskSettings, Seeds.TrainingMasks(seed)));
            model.Initialize(Seeds.Initialization(seed));
            TrainingSettings settings = _options.Settings(parseResult, data.Training.Count);
            IOptimizer optimizer = _options.CreateOptimizer(parseResult, Trainer.TotalSteps(settings, data.Training.Count));
            epochs = settings.Epochs;
            _report.Line($"Model: {model.Architecture} ({model.Parameters.TotalLength:N0} parameters); {optimizer}; {settings.Epochs} epochs of minibatches of {settings.BatchSize}{(settings.MaxShift > 0 ? $", digits shifted by up to {settings.MaxShift} pixels" : "")}; seed {seed}.");
            _report.Line();

            Report.TableWriter table = _report.Table(new("epoch", 5), new("train loss", 10), new("test loss", 9), new("test PSNR", 9), new("time", 7));
            Trainer.Run(model, data.Training, optimizer, settings, _report, epoch =>
            {
                trainingTime += epoch.TrainingTime;
                double testPsnr = Psnr.Compute(Predict(model, test), data.Test.Images);
                table.Row($"{epoch.Epoch}", Format.Number(epoch.MeanBatchLoss), Format.Number(TestLoss(testPsnr, model.Pixels)), Format.Decibels(testPsnr), Format.Seconds(epoch.TrainingTime));
            });
            _report.Line();
            if (parseResult.GetValue(_options.Save) is string savePath)
            {
                ModelFile.Save(savePath, model.Kind, model.Parameters);
                _report.Line($"Saved the parameters to {Path.GetFullPath(savePath)}.");
            }
        }

        float[] prediction = Predict(model, test);
        float[] inpainted = test.Inpaint(prediction);
        double maskedPsnr = Psnr.Compute(test.Masked, data.Test.Images);
        double predictedPsnr = Psnr.Compute(prediction, data.Test.Images);
        double inpaintedPsnr = Psnr.Compute(inpainted, data.Test.Images);
        _report.Line($"Test PSNR against the true digits: masked input {Format.Decibels(maskedPsnr)}; the network's prediction {Format.Decibels(predictedPsnr)} " +
                     $"(+{Format.Decibels(predictedPsnr - maskedPsnr)}); inpainted (visible pixels kept, hidden ones predicted) {Format.Decibels(inpaintedPsnr)} (+{Format.Decibels(inpaintedPsnr - maskedPsnr)}).");

        string examples = Path.Combine(outputDirectory, "inpaint-examples.png");
        SaveExamples(examples, maskSettings, data.Test, test, prediction, inpainted);
        _report.Line($"Wrote {examples}.");

        string trained = parseResult.GetValue(_options.Load) is null ? $"{epochs} epochs, trained in {Format.Seconds(trainingTime)}" : "loaded";
        _report.Emphasis($"inpaint: test PSNR of the prediction {Format.Decibels(predictedPsnr)} against {Format.Decibels(maskedPsnr)} for the masked input (+{Format.Decibels(predictedPsnr - maskedPsnr)}; " +
                         $"inpainted +{Format.Decibels(inpaintedPsnr - maskedPsnr)}) on {data.Test.Count} held-out digits; {model.Architecture}, {trained}, {Format.Seconds(clock.Elapsed)} in all.");
        return 0;
    }

    private Inpainter LoadSaved(ParseResult parseResult, string path, MaskSettings maskSettings, long seed)
    {
        string fullPath = Path.GetFullPath(path);
        (SavedModel saved, int hidden) = TrainingOptions.ReadTwoLayerModel(parseResult, fullPath, Inpainter.ModelKind, _hidden);
        var model = new Inpainter(hidden, new MaskGenerator(maskSettings, Seeds.TrainingMasks(seed)));
        saved.CopyTo(model.Parameters, model.Kind, fullPath);
        _report.Line($"Loaded {model.Architecture} ({model.Parameters.TotalLength:N0} parameters) from {fullPath}.");
        return model;
    }

    /// <summary>The ½‖y − f(x)‖² per image that the training minimises, from the mean squared error behind a PSNR.</summary>
    private static double TestLoss(double psnr, int pixels) => 0.5 * pixels * Math.Pow(10, -psnr / 10);

    private static float[] Predict(Inpainter model, MaskedDigits digits)
    {
        const int Chunk = 500;
        var prediction = new float[digits.Count * model.Pixels];
        for (int start = 0; start < digits.Count; start += Chunk)
        {
            int count = Math.Min(Chunk, digits.Count - start);
            model.Predict(digits.NetworkInput.AsSpan(start * model.Inputs), count, prediction.AsSpan(start * model.Pixels));
        }
        return prediction;
    }

    private static void SaveExamples(string path, MaskSettings mask, MnistDataSet test, MaskedDigits masked, float[] prediction, float[] inpainted)
    {
        const int Pixels = MnistDataSet.PixelsPerImage;
        string[] columns = ["masked", "prediction", "inpainted", "truth"];
        using var grid = new ImageGrid(ExampleRows, columns.Length * ExampleGroups, $"Inpainting held-out digits: {mask} (PSNR below each)",
            Enumerable.Repeat(columns, ExampleGroups).SelectMany(c => c).ToArray());
        int examples = Math.Min(ExampleRows * ExampleGroups, test.Count);
        for (int k = 0; k < examples; k++)
        {
            int row = k % ExampleRows, column = columns.Length * (k / ExampleRows);
            ReadOnlySpan<float> truth = test.GetImage(k);
            float[][] pictures = [masked.Masked, prediction, inpainted];
            for (int p = 0; p < pictures.Length; p++)
            {
                ReadOnlySpan<float> picture = pictures[p].AsSpan(k * Pixels, Pixels);
                grid.Draw(row, column + p, picture, PixelColors.Ink, Format.Decibels(Psnr.Compute(picture, truth)));
            }
            grid.Draw(row, column + pictures.Length, truth, PixelColors.Ink, $"digit {test.Labels[k]}");
        }
        grid.Save(path);
    }
}
