using SourceGrad.Samples.Digits;
using SourceGrad.Samples.Digits.Cli;

namespace SourceGrad.Tests.Samples;

/// <summary>Runs the <c>digits</c> command line in-process with plain output captured.</summary>
internal static class DigitsCli
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = DigitsApp.Run(args, Report.Plain(output), error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
