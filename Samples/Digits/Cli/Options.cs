using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SourceGrad.Samples.Digits.Cli;

/// <summary>Option factories with their checks: every bad value is rejected while parsing, with a message naming the option, the value and what is allowed.</summary>
internal static class Options
{
    /// <summary>An integer option that must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Integer(string name, string description, int defaultValue, int min = 1, int max = int.MaxValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = "n" };
        option.Validators.Add(result => CheckRange(result, name, result.GetValueOrDefault<int>(), min, max));
        return option;
    }

    /// <summary>An integer option without a default (null when not given) that must be at least <paramref name="min"/> when given.</summary>
    public static Option<int?> OptionalInteger(string name, string description, int min = 1)
    {
        var option = new Option<int?>(name) { Description = description, HelpName = "n" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is int value)
                CheckRange(result, name, value, min, int.MaxValue);
        });
        return option;
    }

    /// <summary>A real option that must be finite and lie in (<paramref name="exclusiveMin"/>, <paramref name="max"/>].</summary>
    public static Option<double?> OptionalReal(string name, string description, double exclusiveMin = 0, double max = double.MaxValue)
    {
        var option = new Option<double?>(name) { Description = description, HelpName = "x" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is double value && !(double.IsFinite(value) && value > exclusiveMin && value <= max))
            {
                string range = max == double.MaxValue ? $"> {Text(exclusiveMin)}" : $"in ({Text(exclusiveMin)}, {Text(max)}]";
                result.AddError($"{name} must be a number {range}, but was {Text(value)}.");
            }
        });
        return option;
    }

    /// <summary>A real option with a default, checked like <see cref="OptionalReal"/>.</summary>
    public static Option<double?> Real(string name, string description, double defaultValue, double exclusiveMin = 0, double max = double.MaxValue)
    {
        Option<double?> option = OptionalReal(name, description, exclusiveMin, max);
        option.DefaultValueFactory = _ => defaultValue;
        return option;
    }

    /// <summary>One of a fixed set of words.</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, params string[] choices)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(choices);
        return option;
    }

    public static Option<long> Seed() => new("--seed")
    {
        Description = "Seed of every random choice (initial weights, shuffling, masks, points): the same seed gives the same numbers.",
        DefaultValueFactory = _ => 1,
        HelpName = "n",
    };

    public static Option<string> OutputDirectory(string command) => new("--output")
    {
        Description = "Folder for the PNG pictures (created if missing).",
        DefaultValueFactory = _ => Path.Combine("digits-output", command),
        HelpName = "dir",
    };

    public static Option<string?> SaveModel() => new("--save")
    {
        Description = "Save the trained parameters to this file (written atomically).",
        HelpName = "file",
    };

    public static Option<string?> LoadModel() => new("--load")
    {
        Description = "Load parameters saved with --save and evaluate them instead of training.",
        HelpName = "file",
    };

    /// <summary>Whether the user typed the option (rather than taking its default).</summary>
    public static bool WasGiven(ParseResult parseResult, Option option) => parseResult.GetResult(option) is { Implicit: false };

    private static void CheckRange(OptionResult result, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            string range = max == int.MaxValue ? $"at least {min}" : $"between {min} and {max}";
            result.AddError($"{name} must be {range}, but was {value}.");
        }
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A problem with the user's input found after parsing (a file, a size that does not fit the data); reported without a stack trace.</summary>
internal sealed class UsageException(string message) : Exception(message);
