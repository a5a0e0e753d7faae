using Xunit.Abstractions;

namespace SourceGrad.Generator.Tests.Corpus;

/// <summary>
/// "Never crash": the generator runs over real code — this repository's projects, read from disk, and
/// <see cref="TrickyInputs"/> — with [Differentiable] on every method. Each method must get a gradient that
/// compiles or an SG error; nothing may crash the generator or add a compile error the input did not have.
/// </summary>
public class CorpusTests(ITestOutputHelper output)
{
    public static TheoryData<string> Projects()
    {
        var data = new TheoryData<string>();
        foreach (string project in RepositorySources.Projects())
        {
            data.Add(project);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Generator_never_fails_on_the_repository_project(string project)
    {
        (string assemblyName, List<(string Path, string Source)> files) = RepositorySources.Read(project);
        Assert.NotEmpty(files);
        bool isRuntime = assemblyName == "SourceGrad";
        CorpusResult result = CorpusChecker.Check(assemblyName, files, CorpusChecker.References(withRuntime: !isRuntime));
        output.WriteLine($"{project}: {result}");
        Assert.True(result.Problems.Count == 0, $"{project}: {result}\n\n{string.Join("\n\n", result.Problems)}");
    }

    [Fact]
    public void Generator_never_fails_on_tricky_inputs()
    {
        List<(string, string)> files = TrickyInputs.Files.Select(f => ("Tricky/" + f.Name, f.Source)).ToList();
        CorpusResult result = CorpusChecker.Check("Tricky", files, CorpusChecker.References(withRuntime: true));
        output.WriteLine(result.ToString());
        Assert.True(result.Problems.Count == 0, $"{result}\n\n{string.Join("\n\n", result.Problems)}");
        Assert.True(result.Gradients > 10, "the supported methods among the tricky inputs should get gradients: " + result);
    }
}

/// <summary>The repository's C# projects and their sources, read from disk at test time.</summary>
internal static class RepositorySources
{
    public static string Root { get; } = FindRoot();

    /// <summary>Every project directory (relative to the root), excluding build output.</summary>
    public static IEnumerable<string> Projects() =>
        Directory.EnumerateFiles(Root, "*.csproj", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(path))
            .Select(path => Path.GetRelativePath(Root, Path.GetDirectoryName(path)!))
            .Order(StringComparer.Ordinal);

    /// <summary>The assembly name and the .cs files of a project (not those of projects nested in it).</summary>
    public static (string AssemblyName, List<(string Path, string Source)> Files) Read(string project)
    {
        string directory = Path.Combine(Root, project);
        string csproj = Directory.EnumerateFiles(directory, "*.csproj").Single();
        string text = File.ReadAllText(csproj);
        int at = text.IndexOf("<AssemblyName>", StringComparison.Ordinal);
        string assemblyName = at >= 0
            ? text[(at + "<AssemblyName>".Length)..text.IndexOf("</AssemblyName>", at, StringComparison.Ordinal)]
            : Path.GetFileNameWithoutExtension(csproj);
        List<string> nested = Projects().Select(p => Path.Combine(Root, p)).Where(p => p != directory && p.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal)).ToList();
        var files = Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(path) && !nested.Any(n => path.StartsWith(n + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .Select(path => (Path.GetRelativePath(Root, path), File.ReadAllText(path)))
            .ToList();
        return (assemblyName, files);
    }

    private static bool IsBuildOutput(string path)
    {
        string relative = Path.GetRelativePath(Root, path);
        return relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" || part.StartsWith('.'));
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SourceGrad.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("SourceGrad.sln not found above " + AppContext.BaseDirectory);
    }
}
