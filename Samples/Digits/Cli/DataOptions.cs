using System.CommandLine;
using SourceGrad.Data;

namespace SourceGrad.Samples.Digits.Cli;

/// <summary>The training and test digits a command uses, and a sentence saying where they came from.</summary>
internal sealed record DigitData(MnistDataSet Training, MnistDataSet Test, string Description);

/// <summary>
/// Where the digits come from: by default the 10,000 shipped ones (8,000 for training, 2,000 held out); <c>--data</c>
/// names a folder with the shipped files or the four standard MNIST files; <c>--images</c>/<c>--labels</c> name one
/// pair of IDX files, whose last fifth (at most 2,000 digits) is held out for testing.
/// </summary>
internal sealed class DataOptions
{
    /// <summary>The held-out part of a single pair of files: a fifth, at most this many digits.</summary>
    public const int MaxTestCount = 2000;

    private static readonly string[] TrainImageNames = ["train-images-idx3-ubyte.gz", "train-images-idx3-ubyte", "train-images.idx3-ubyte"];
    private static readonly string[] TrainLabelNames = ["train-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte", "train-labels.idx1-ubyte"];
    private static readonly string[] TestImageNames = ["t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"];
    private static readonly string[] TestLabelNames = ["t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte"];

    public Option<string?> Directory { get; } = new("--data")
    {
        Description = "Folder with the digits: the shipped files, or the MNIST files train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz].",
        HelpName = "dir",
    };

    public Option<string?> Images { get; } = new("--images")
    {
        Description = "An IDX file of 28×28 images (raw or gzipped); use with --labels. The last fifth (at most 2,000) is held out for testing.",
        HelpName = "file",
    };

    public Option<string?> Labels { get; } = new("--labels") { Description = "The IDX file of the labels of --images.", HelpName = "file" };

    public Option<int?> TrainSize { get; } = Options.OptionalInteger("--train-size", "Train on only the first n training digits (to show over-fitting).");

    public void AddTo(Command command)
    {
        command.Options.Add(Directory);
        command.Options.Add(Images);
        command.Options.Add(Labels);
        command.Options.Add(TrainSize);
        command.Validators.Add(result =>
        {
            bool images = result.GetResult(Images) is not null, labels = result.GetResult(Labels) is not null;
            if (images != labels)
                result.AddError("--images and --labels go together: give both, or neither.");
            if (images && result.GetResult(Directory) is not null)
                result.AddError("Give either --data or --images/--labels, not both.");
        });
    }

    /// <summary>Loads the digits the options name.</summary>
    /// <exception cref="UsageException">The folder lacks the expected files, or --train-size is larger than the training set.</exception>
    public DigitData Load(ParseResult parseResult)
    {
        DigitData data = LoadAll(parseResult);
        if (parseResult.GetValue(TrainSize) is int size)
        {
            if (size > data.Training.Count)
                throw new UsageException($"--train-size {size} is more than the {data.Training.Count} training digits of {data.Description}.");
            data = data with { Training = data.Training.Slice(0, size), Description = $"{data.Description}; training on the first {size}" };
        }
        return data;
    }

    private DigitData LoadAll(ParseResult parseResult)
    {
        if (parseResult.GetValue(Images) is string images && parseResult.GetValue(Labels) is string labels)
            return SplitPair(MnistDataSet.Load(images, labels), $"'{images}'");

        string? directory = parseResult.GetValue(Directory);
        if (directory is null)
        {
            var (training, test) = MnistDataSet.LoadDefault().Split();
            return new DigitData(training, test, $"the 10,000 shipped digits ({training.Count} for training, {test.Count} held out)");
        }

        if (!System.IO.Directory.Exists(directory))
            throw new UsageException($"--data: the folder '{Path.GetFullPath(directory)}' does not exist.");
        string?[] mnist = [Find(directory, TrainImageNames), Find(directory, TrainLabelNames), Find(directory, TestImageNames), Find(directory, TestLabelNames)];
        if (mnist.All(path => path is not null))
        {
            MnistDataSet training = MnistDataSet.Load(mnist[0]!, mnist[1]!);
            MnistDataSet test = MnistDataSet.Load(mnist[2]!, mnist[3]!);
            return new DigitData(training, test, $"the MNIST files in '{directory}' ({training.Count} for training, {test.Count} for testing)");
        }
        if (File.Exists(Path.Combine(directory, MnistDataSet.DefaultImagesFileName)) && File.Exists(Path.Combine(directory, MnistDataSet.DefaultLabelsFileName)))
        {
            var (training, test) = MnistDataSet.LoadDefault(directory).Split();
            return new DigitData(training, test, $"the shipped digits in '{directory}' ({training.Count} for training, {test.Count} held out)");
        }
        throw new UsageException(
            $"--data: '{Path.GetFullPath(directory)}' holds neither the four MNIST files ({TrainImageNames[0]}, {TrainLabelNames[0]}, {TestImageNames[0]}, " +
            $"{TestLabelNames[0]}, gzipped or not) nor the shipped files ({MnistDataSet.DefaultImagesFileName}, {MnistDataSet.DefaultLabelsFileName}).");
    }

    private static DigitData SplitPair(MnistDataSet all, string source)
    {
        int testCount = Math.Min(MaxTestCount, all.Count / 5);
        if (testCount == 0)
            throw new UsageException($"{source} holds {all.Count} digits; at least 5 are needed to hold some out for testing.");
        var (training, test) = all.Split(all.Count - testCount);
        return new DigitData(training, test, $"{source} ({training.Count} for training, the last {test.Count} held out)");
    }

    private static string? Find(string directory, string[] names) =>
        names.Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists);
}
