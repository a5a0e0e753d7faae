namespace SourceGrad.Benchmarks.Report;

/// <summary>
/// The hand-written parts of the report, from Notes.md: one "## id" section per target (shown only when that target
/// is missed: why), "## conditions" (the machine), "## vectorized" (the hand-written vectorised adjoints) and
/// "## reading" (how to read the numbers), so regenerating the report keeps them.
/// </summary>
public sealed class Notes
{
    private readonly Dictionary<string, string> _sections;

    private Notes(Dictionary<string, string> sections) => _sections = sections;

    public static Notes Load(string path)
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return new Notes(sections);
        }

        string? id = null;
        var text = new List<string>();
        foreach (string line in File.ReadLines(path).Append("## end"))
        {
            if (!line.StartsWith("## ", StringComparison.Ordinal))
            {
                text.Add(line);
                continue;
            }

            if (id is not null)
            {
                sections[id] = string.Join('\n', text).Trim();
            }

            id = line[3..].Trim();
            text.Clear();
        }

        return new Notes(sections);
    }

    public string? this[string id] => _sections.TryGetValue(id, out string? text) && text.Length > 0 ? text : null;
}
