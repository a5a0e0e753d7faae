namespace SourceGrad.Generator.Tests.Infrastructure;

/// <summary>Finds the test project's and the repository's folders from the test binaries' location.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder of SourceGrad.Generator.Tests.csproj (where the snapshots live).</summary>
    public static string TestProject { get; } = FindUpwards(AppContext.BaseDirectory, "SourceGrad.Generator.Tests.csproj");

    /// <summary>The repository root (the folder of SourceGrad.sln).</summary>
    public static string Repository { get; } = FindUpwards(TestProject, "SourceGrad.sln");

    public static string Snapshots => Path.Combine(TestProject, "Snapshots");

    public static string DiagnosticsDocument => Path.Combine(Repository, "docs", "diagnostics.md");

    private static string FindUpwards(string start, string fileName)
    {
        for (DirectoryInfo? directory = new(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, fileName)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above '{start}' contains '{fileName}'.");
    }
}
