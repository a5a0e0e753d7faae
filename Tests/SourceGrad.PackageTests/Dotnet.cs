using System.Diagnostics;
using System.Text;

namespace SourceGrad.PackageTests;

/// <summary>What one child <c>dotnet</c> process did: enough to say why it failed.</summary>
public sealed record CommandResult(string CommandLine, string WorkingDirectory, int ExitCode, string Output)
{
    /// <summary>Fails the test with the command, its directory, its exit code and everything it printed, unless it exited 0.</summary>
    public CommandResult AssertSucceeded()
    {
        if (ExitCode != 0)
        {
            Assert.Fail($"`{CommandLine}` in {WorkingDirectory} exited with {ExitCode}. Its output:{Environment.NewLine}{Output}");
        }

        return this;
    }
}

/// <summary>Runs the <c>dotnet</c> CLI as a child process, isolated from the test host's own MSBuild environment.</summary>
public static class Dotnet
{
    /// <summary>A guard against a hung child only: a cold build of a small project takes well under a minute here.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public static CommandResult Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetPath())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // `dotnet test` runs this host with the properties of its own MSBuild (SDK paths, node settings); a child
        // build must find its SDK the ordinary way, as a user's would.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // No MSBuild server or worker nodes that outlive the command (and would hold its output pipes open).
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        string commandLine = "dotnet " + string.Join(' ', arguments);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"`{commandLine}` in {workingDirectory} did not finish within {Timeout.TotalMinutes} minutes and was killed. Its output so far:{Environment.NewLine}{Snapshot(output)}");
        }

        process.WaitForExit(); // lets the asynchronous readers drain the pipes
        return new CommandResult(commandLine, workingDirectory, process.ExitCode, Snapshot(output));
    }

    private static string DotnetPath()
    {
        // The CLI that runs the tests says where it is; outside it, `dotnet` on PATH.
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return host is not null && File.Exists(host) ? host : "dotnet";
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
