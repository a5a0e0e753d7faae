using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SourceGrad.Samples.Digits.Cli;

/// <summary>Option factories with their checks: every bad value is rejected while parsing, with a message naming the option, the value and what is allowed.</summary>
internal static class Options
{
    /// <summary>An integer option that must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Integer(string name, string description, int defaultValue, int min = 1, int max = int.MaxValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseInteger(result, name, min, max) ?? defaultValue,
        HelpName = "n",
    };

    /// <summary>An integer option without a default (null when not given) that must be at least <paramref name="min"/> when given.</summary>
    public static Option<int?> OptionalInteger(string name, string description, int min = 1) => new(name)
    {
        Description = description,
        CustomParser = result => ParseInteger(result, name, min, int.MaxValue),
        HelpName = "n",
    };

    /// <summary>A real option without a default (null when not given) that must be finite and lie in (<paramref name="exclusiveMin"/>, <paramref name="max"/>].</summary>
    public static Option<double?> OptionalReal(string name, string description, double exclusiveMin = 0, double max = double.MaxValue) => new(name)
    {
        Description = description,
        CustomParser = result => ParseReal(result, name, exclusiveMin, max),
        HelpName = "x",
    };

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

    private static int? ParseInteger(ArgumentResult result, string name, int min, int max)
    {
        string token = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (!int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            result.AddError($"{name} must be a whole number, but was '{token}'.");
            return null;
        }
        if (value < min || value > max)
        {
            string range = max == int.MaxValue ? $"at least {min}" : $"between {min} and {max}";
            result.AddError($"{name} must be {range}, but was {value}.");
        }
        return value;
    }

    private static double? ParseReal(ArgumentResult result, string name, double exclusiveMin, double max)
    {
        string token = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        string range = max == double.MaxValue ? $"> {Text(exclusiveMin)}" : $"in ({Text(exclusiveMin)}, {Text(max)}]";
        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(double.IsFinite(value) && value > exclusiveMin && value <= max))
        {
            result.AddError($"{name} must be a number {range}, but was '{token}'.");
            return null;
        }
        return value;
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A problem with the user's input found after parsing (a file, a size that does not fit the data); reported without a stack trace.</summary>
internal sealed class UsageException(string message) : Exception(message);
