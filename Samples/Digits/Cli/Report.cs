using System.Globalization;
using Spectre.Console;

namespace SourceGrad.Samples.Digits.Cli;

/// <summary>
/// Where a command's output goes. On an interactive terminal an epoch shows a Spectre progress bar while it runs; when
/// the output is redirected (a file, a pipe, a CI log) or written to a <see cref="TextWriter"/>, only plain lines are written.
/// </summary>
internal sealed class Report
{
    private readonly IAnsiConsole? _console;

    private Report(TextWriter output, IAnsiConsole? console)
    {
        Output = output;
        _console = console;
    }

    /// <summary>Plain text to <paramref name="output"/>: no progress bars, no colours.</summary>
    public static Report Plain(TextWriter output) => new(output, null);

    /// <summary>The process's console: interactive when standard output is a terminal Spectre can drive.</summary>
    public static Report ForConsole()
    {
        bool interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        return new Report(Console.Out, interactive ? AnsiConsole.Console : null);
    }

    public TextWriter Output { get; }

    public bool Interactive => _console is not null;

    public void Line(string text = "") => Output.WriteLine(text);

    /// <summary>A line that stands out (bold on a terminal).</summary>
    public void Emphasis(string text)
    {
        if (_console is null)
            Output.WriteLine(text);
        else
            _console.MarkupLine($"[bold]{Markup.Escape(text)}[/]");
    }

    /// <summary>Prints the header of a table whose rows are then printed one by one, as they are computed.</summary>
    public TableWriter Table(params TableColumn[] columns) => new(this, columns);

    /// <summary>
    /// Runs <paramref name="work"/>, which calls the given callback once per finished step (with a short status such as
    /// the current loss). On a terminal a progress bar shows the steps and disappears when the work is done.
    /// </summary>
    public void Progress(string description, int steps, Action<Action<string>> work)
    {
        if (_console is null)
        {
            work(_ => { });
            return;
        }

        _console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask(Markup.Escape(description), maxValue: steps);
                work(status =>
                {
                    task.Increment(1);
                    task.Description = Markup.Escape($"{description} {status}");
                });
            });
    }

    /// <summary>A column of a <see cref="TableWriter"/>: its header and width (numbers are right-aligned).</summary>
    internal readonly record struct TableColumn(string Header, int Width);

    /// <summary>A fixed-width text table printed row by row, which reads the same on a terminal and in a log.</summary>
    internal sealed class TableWriter
    {
        private readonly Report _report;
        private readonly TableColumn[] _columns;

        public TableWriter(Report report, TableColumn[] columns)
        {
            _report = report;
            _columns = columns;
            Write(columns.Select(c => c.Header).ToArray());
            _report.Line(string.Join("  ", columns.Select(c => new string('-', c.Width))));
        }

        public void Row(params string[] cells)
        {
            if (cells.Length != _columns.Length)
                throw new ArgumentException($"The table has {_columns.Length} columns, but {cells.Length} cells were given.", nameof(cells));
            Write(cells);
        }

        private void Write(string[] cells) =>
            _report.Line(string.Join("  ", cells.Select((cell, i) => cell.PadLeft(_columns[i].Width))));
    }
}

/// <summary>Number formats shared by every command's output (invariant culture, so logs read the same everywhere).</summary>
internal static class Format
{
    public static string Percent(double fraction) => (100 * fraction).ToString("F2", CultureInfo.InvariantCulture) + "%";

    public static string Number(double value, int decimals = 4) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    public static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s";

    public static string Decibels(double value) => value.ToString("F2", CultureInfo.InvariantCulture) + " dB";
}
