using System.CommandLine;
using SourceGrad.Samples.Digits.Cli;
using SourceGrad.Samples.Digits.Commands;

namespace SourceGrad.Samples.Digits;

/// <summary>The <c>digits</c> command line: one subcommand per model, each trained with gradients SourceGrad generated at build time.</summary>
internal static class DigitsApp
{
    /// <summary>Runs the command line on the console.</summary>
    public static int Run(string[] args) => Run(args, Report.ForConsole(), Console.Error);

    /// <summary>Runs the command line writing to the given report and error writer (plain text; the tests use this).</summary>
    public static int Run(string[] args, Report report, TextWriter error)
    {
        RootCommand root = BuildRootCommand(report, error);
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = report.Output, Error = error });
    }

    public static RootCommand BuildRootCommand(Report report, TextWriter error)
    {
        var root = new RootCommand("Handwritten digits with SourceGrad: every model is trained with the gradient the source generator wrote for its [Differentiable] loss.");
        root.Subcommands.Add(ClassifierCommand.CreateLinear(report, error));
        root.Subcommands.Add(ClassifierCommand.CreateMlp(report, error));
        root.Subcommands.Add(InpaintCommand.Create(report, error));
        root.Subcommands.Add(LogisticCommand.Create(report, error));
        return root;
    }
}
