using SourceGrad.Samples.Digits.Models;
using SourceGrad.Samples.Digits.Persistence;
using SourceGrad.Tests.Data;

namespace SourceGrad.Tests.Samples;

public sealed class OptionValidationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("--epochs must be between 1 and 100000, but was 0.", "mlp", "--epochs", "0")]
    [InlineData("--batch-size must be between 1 and 65536, but was -3.", "mlp", "--batch-size", "-3")]
    [InlineData("--hidden must be between 1 and 65536, but was 0.", "mlp", "--hidden", "0")]
    [InlineData("--learning-rate must be a number in (0, 100], but was '-0.1'.", "mlp", "--learning-rate", "-0.1")]
    [InlineData("--learning-rate must be a number in (0, 100], but was 'NaN'.", "linear", "--learning-rate", "NaN")]
    [InlineData("--learning-rate must be a number in (0, 100], but was 'fast'.", "linear", "--learning-rate", "fast")]
    [InlineData("--shift must be between 0 and 8, but was 9.", "mlp", "--shift", "9")]
    [InlineData("'rmsprop'", "mlp", "--optimizer", "rmsprop")]
    [InlineData("--epochs must be a whole number, but was 'many'.", "mlp", "--epochs", "many")]
    [InlineData("--train-size must be at least 1, but was 0.", "mlp", "--train-size", "0")]
    [InlineData("--images and --labels go together: give both, or neither.", "mlp", "--images", "a.idx")]
    [InlineData("Give either --data or --images/--labels, not both.", "linear", "--data", "d", "--images", "a", "--labels", "b")]
    [InlineData("give one of them", "mlp", "--save", "a.sgm", "--load", "b.sgm")]
    [InlineData("--mask-fraction must be a number in (0, 1], but was '1.5'.", "inpaint", "--mask-fraction", "1.5")]
    [InlineData("--mask-size must be between 1 and 20, but was 0.", "inpaint", "--mask-size", "0")]
    [InlineData("'circle'", "inpaint", "--mask", "circle")]
    [InlineData("--points must be between 1 and 1000000, but was 0.", "logistic", "--points", "0")]
    [InlineData("--frobnicate", "mlp", "--frobnicate")]
    public void A_bad_option_fails_with_a_message_naming_it(string message, params string[] args)
    {
        var (exitCode, _, error) = DigitsCli.Run(args);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, error);
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("linear")]
    [InlineData("inpaint")]
    [InlineData("logistic")]
    public void The_defaults_parse_without_errors(string command)
    {
        var report = SourceGrad.Samples.Digits.Cli.Report.Plain(TextWriter.Null);

        var parse = SourceGrad.Samples.Digits.DigitsApp.BuildRootCommand(report, TextWriter.Null).Parse([command]);

        Assert.Empty(parse.Errors);
    }

    [Fact]
    public void A_training_subset_larger_than_the_training_digits_is_refused()
    {
        var (exitCode, _, error) = DigitsCli.Run("mlp", "--train-size", "9000", "--output", _temp.Path);

        Assert.Equal(1, exitCode);
        Assert.Contains("--train-size 9000 is more than the 8000 training digits", error);
    }

    [Fact]
    public void A_batch_larger_than_the_training_subset_is_refused()
    {
        var (exitCode, _, error) = DigitsCli.Run("mlp", "--train-size", "10", "--batch-size", "64", "--output", _temp.Path);

        Assert.Equal(1, exitCode);
        Assert.Contains("--batch-size 64 is larger than the training set (10 digits).", error);
    }

    [Fact]
    public void A_data_folder_that_does_not_exist_is_named()
    {
        string missing = Path.Combine(_temp.Path, "no-such-folder");

        var (exitCode, _, error) = DigitsCli.Run("linear", "--data", missing, "--output", _temp.Path);

        Assert.Equal(1, exitCode);
        Assert.Contains($"--data: the folder '{missing}' does not exist.", error);
    }

    [Fact]
    public void A_data_folder_without_digit_files_says_which_files_it_expects()
    {
        var (exitCode, _, error) = DigitsCli.Run("linear", "--data", _temp.Path, "--output", _temp.Path);

        Assert.Equal(1, exitCode);
        Assert.Contains("train-images-idx3-ubyte.gz", error);
        Assert.Contains("digits-images-idx3-ubyte.gz", error);
    }

    [Fact]
    public void Loading_a_missing_model_file_fails_with_its_path()
    {
        string missing = _temp.File("missing.sgm");

        var (exitCode, _, error) = DigitsCli.Run("mlp", "--load", missing, "--output", _temp.Path);

        Assert.Equal(1, exitCode);
        Assert.Contains($"Model file not found: '{missing}'", error);
    }

    [Fact]
    public void Loading_a_model_of_another_kind_fails()
    {
        string path = _temp.File("linear.sgm");
        ModelFile.Save(path, LinearClassifier.ModelKind, new LinearClassifier().Parameters);

        var (exitCode, _, error) = DigitsCli.Run("mlp", "--load", path, "--output", _temp.Path);

        Assert.Equal(1, exitCode);
        Assert.Contains("holds a 'linear' model, but a 'mlp' model was expected", error);
    }

    [Fact]
    public void A_hidden_size_that_contradicts_the_loaded_model_fails()
    {
        string path = _temp.File("mlp.sgm");
        ModelFile.Save(path, Mlp.ModelKind, new Mlp(hidden: 8).Parameters);

        var (exitCode, _, error) = DigitsCli.Run("mlp", "--load", path, "--hidden", "7", "--output", _temp.Path);

        Assert.Equal(1, exitCode);
        Assert.Contains("--hidden 7 does not match the saved model, which has 8 hidden units", error);
    }
}
