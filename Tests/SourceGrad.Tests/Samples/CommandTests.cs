using SourceGrad.Data;
using SourceGrad.Samples.Digits.Models;
using SourceGrad.Tests.Data;

namespace SourceGrad.Tests.Samples;

/// <summary>Each subcommand end to end on a few digits: what it prints, the files it writes, save and load.</summary>
public sealed class CommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string SummaryLine(string output) => output.TrimEnd().Split('\n')[^1];

    [Fact]
    public void Mlp_trains_saves_and_a_loaded_model_scores_the_same()
    {
        string model = _temp.File("mlp.sgm");
        string[] common = ["--output", _temp.Path, "--seed", "3"];

        var trained = DigitsCli.Run(["mlp", "--hidden", "16", "--epochs", "2", "--train-size", "300", "--save", model, .. common]);
        var loaded = DigitsCli.Run(["mlp", "--load", model, .. common]);

        Assert.True(trained.ExitCode == 0, trained.Error);
        Assert.Contains("epoch  train loss  train acc  test loss  test acc", trained.Output);
        Assert.StartsWith("mlp: test accuracy ", SummaryLine(trained.Output));
        Assert.True(File.Exists(Path.Combine(_temp.Path, "mlp-curves.png")));
        Assert.True(loaded.ExitCode == 0, loaded.Error);
        string accuracy = SummaryLine(trained.Output).Split(" held-out")[0];
        Assert.StartsWith(accuracy, SummaryLine(loaded.Output));
        Assert.Contains("784-16-10 loaded from mlp.sgm", SummaryLine(loaded.Output));
    }

    [Fact]
    public void The_same_seed_writes_the_same_model_file()
    {
        string[] run = ["mlp", "--hidden", "8", "--epochs", "1", "--train-size", "200", "--output", _temp.Path];

        DigitsCli.Run([.. run, "--save", _temp.File("a.sgm")]);
        DigitsCli.Run([.. run, "--save", _temp.File("b.sgm")]);
        DigitsCli.Run([.. run, "--save", _temp.File("c.sgm"), "--seed", "2"]);

        Assert.Equal(File.ReadAllBytes(_temp.File("a.sgm")), File.ReadAllBytes(_temp.File("b.sgm")));
        Assert.NotEqual(File.ReadAllBytes(_temp.File("a.sgm")), File.ReadAllBytes(_temp.File("c.sgm")));
    }

    /// <summary>Writes the first <paramref name="count"/> shipped digits from <paramref name="start"/> as an IDX pair.</summary>
    private static void WriteIdxPair(string imagesPath, string labelsPath, int start, int count)
    {
        MnistDataSet digits = TrainingTests.Shipped.Value.Slice(start, count);
        IdxFile.FromBytes(digits.Images.Select(p => (byte)Math.Round(p * 255)).ToArray(), count, 28, 28).Write(imagesPath);
        IdxFile.FromBytes(digits.Labels, count).Write(labelsPath);
    }

    [Fact]
    public void Data_reads_the_four_standard_MNIST_files_from_a_folder()
    {
        string folder = Directory.CreateDirectory(_temp.File("mnist")).FullName;
        WriteIdxPair(Path.Combine(folder, "train-images-idx3-ubyte.gz"), Path.Combine(folder, "train-labels-idx1-ubyte.gz"), 0, 120);
        WriteIdxPair(Path.Combine(folder, "t10k-images-idx3-ubyte"), Path.Combine(folder, "t10k-labels-idx1-ubyte"), 9000, 30);

        var (exitCode, output, error) = DigitsCli.Run("linear", "--data", folder, "--epochs", "1", "--batch-size", "16", "--output", _temp.Path);

        Assert.True(exitCode == 0, error);
        Assert.Contains($"the MNIST files in '{folder}' (120 for training, 30 for testing)", output);
        Assert.Contains("of 30 held-out digits", SummaryLine(output));
    }

    [Fact]
    public void Images_and_labels_name_one_pair_whose_last_fifth_is_held_out()
    {
        WriteIdxPair(_temp.File("images.idx"), _temp.File("labels.idx"), 100, 50);

        var (exitCode, output, error) = DigitsCli.Run("mlp", "--images", _temp.File("images.idx"), "--labels", _temp.File("labels.idx"), "--hidden", "4", "--epochs", "1", "--batch-size", "8", "--output", _temp.Path);

        Assert.True(exitCode == 0, error);
        Assert.Contains("(40 for training, the last 10 held out)", output);
    }

    [Fact]
    public void Linear_draws_its_templates()
    {
        var (exitCode, output, error) = DigitsCli.Run("linear", "--epochs", "1", "--train-size", "200", "--output", _temp.Path);

        Assert.True(exitCode == 0, error);
        Assert.StartsWith("linear: test accuracy ", SummaryLine(output));
        Assert.True(new FileInfo(Path.Combine(_temp.Path, "linear-templates.png")).Length > 1000);
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("mlp")]
    public void Threads_split_each_minibatch_and_the_same_count_trains_the_same_model(string command)
    {
        string[] run = [command, "--epochs", "1", "--train-size", "200", "--threads", "2", "--output", _temp.Path, .. command == "mlp" ? new[] { "--hidden", "8" } : []];

        var first = DigitsCli.Run(run);
        var second = DigitsCli.Run(run);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("each split over 2 data-parallel threads", first.Output);
        string Accuracy(string output) => SummaryLine(output).Split(", trained in")[0];
        Assert.Equal(Accuracy(first.Output), Accuracy(second.Output));
    }

    [Fact]
    public void Inpaint_reports_psnr_and_draws_examples()
    {
        var (exitCode, output, error) = DigitsCli.Run("inpaint", "--hidden", "8", "--epochs", "1", "--train-size", "64", "--mask", "square", "--output", _temp.Path);

        Assert.True(exitCode == 0, error);
        Assert.Contains("Test PSNR against the true digits: masked input ", output);
        Assert.StartsWith("inpaint: test PSNR of the prediction ", SummaryLine(output));
        Assert.True(new FileInfo(Path.Combine(_temp.Path, "inpaint-examples.png")).Length > 1000);
    }

    [Fact]
    public void Logistic_prints_its_generated_gradient_and_a_passing_gradient_check()
    {
        var (exitCode, output, error) = DigitsCli.Run("logistic", "--steps", "20", "--output", _temp.Path);

        Assert.True(exitCode == 0, error);
        Assert.Contains("// <auto-generated/>", output);
        Assert.Contains("public static double ProbabilityGradient(double w0, double w1, double w2, double x1, double x2, ref double dW0, ref double dW1, ref double dW2, double seed = 1)", output);
        Assert.Contains("public static double LossGradient(", output);
        Assert.Contains("Gradient check passed", output);
        Assert.True(File.Exists(Path.Combine(_temp.Path, "logistic-boundary.png")));
    }

    [Fact]
    public void The_printed_gradient_source_is_the_file_the_generator_wrote_for_this_build()
    {
        foreach (GeneratedSource source in GeneratedSource.Logistic)
        {
            (string path, string text) = source.Read();
            Assert.StartsWith(GeneratedSource.Folder!, path);
            Assert.StartsWith("// <auto-generated/>", text.TrimStart('\uFEFF'));
            Assert.Contains($"[Differentiable] method {source.Method.Split('.')[1]}.", text);
        }
    }
}
