using System.CommandLine;
using SourceGrad.Data;
using SourceGrad.Samples.Digits.Cli;
using SourceGrad.Samples.Digits.Persistence;
using SourceGrad.Samples.Digits.Training;

namespace SourceGrad.Samples.Digits.Commands;

/// <summary>Runs a command's work and turns the user's mistakes (a missing file, a bad model file, a size that does not fit) into one clear line and exit code 1.</summary>
internal static class CommandRunner
{
    public const int Failure = 1;

    public static void SetAction(Command command, TextWriter error, Func<ParseResult, int> run) =>
        command.SetAction(parseResult =>
        {
            try
            {
                return run(parseResult);
            }
            catch (Exception e) when (e is UsageException or TrainingDivergedException or FileNotFoundException or DirectoryNotFoundException
                                          or IdxFormatException or ModelFileException or UnauthorizedAccessException)
            {
                error.WriteLine($"digits {command.Name}: error: {e.Message}");
                return Failure;
            }
        });
}
