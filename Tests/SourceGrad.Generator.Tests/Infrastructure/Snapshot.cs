namespace SourceGrad.Generator.Tests.Infrastructure;

/// <summary>
/// Compares generated text with a file under Snapshots/, exactly (only line endings are normalised, so a
/// checkout with CRLF still passes). With SOURCEGRAD_UPDATE_SNAPSHOTS=1 it rewrites the file instead.
/// </summary>
public static class Snapshot
{
    public const string UpdateVariable = "SOURCEGRAD_UPDATE_SNAPSHOTS";

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    public static void AssertMatches(string fileName, string actual)
    {
        string path = Path.Combine(RepositoryPaths.Snapshots, fileName);
        actual = NormalizeLineEndings(actual);
        if (Updating)
        {
            Directory.CreateDirectory(RepositoryPaths.Snapshots);
            File.WriteAllText(path, actual);
            return;
        }

        if (!File.Exists(path))
        {
            Assert.Fail($"There is no snapshot '{path}'. Run the tests with {UpdateVariable}=1 to create it. The generated text:\n{actual}");
        }

        string expected = NormalizeLineEndings(File.ReadAllText(path));
        if (expected != actual)
        {
            Assert.Fail($"The generated '{fileName}' differs from its snapshot {FirstDifference(expected, actual)}. " +
                $"If the change is intended, run the tests with {UpdateVariable}=1 and review the diff. The generated text:\n{actual}");
        }
    }

    /// <summary>Fails, showing the first line that differs, when two generated texts are not identical.</summary>
    public static void AssertSameText(GeneratedFile expected, GeneratedFile actual)
    {
        Assert.Equal(expected.HintName, actual.HintName);
        if (expected.Text != actual.Text)
        {
            Assert.Fail($"'{expected.HintName}' differs between the runs {FirstDifference(expected.Text, actual.Text)}");
        }
    }

    public static string NormalizeLineEndings(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    public static string FirstDifference(string expected, string actual)
    {
        string[] expectedLines = expected.Split('\n');
        string[] actualLines = actual.Split('\n');
        for (int i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            string? e = i < expectedLines.Length ? expectedLines[i] : null;
            string? a = i < actualLines.Length ? actualLines[i] : null;
            if (e != a)
            {
                return $"first at line {i + 1}:\n  snapshot:  {e ?? "<end of file>"}\n  generated: {a ?? "<end of file>"}\n";
            }
        }

        return "(in a way the line comparison cannot see)";
    }
}
