using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace SourceGrad.PackageTests;

/// <summary>
/// A console project outside the repository that knows SourceGrad only as a package from the test feed: written to a
/// folder of its own under the package's work directory, built with the real <c>dotnet build</c>, then run.
/// </summary>
public sealed class ConsumerProject
{
    private readonly PackedPackage _package;

    /// <summary>
    /// Writes the project: <paramref name="properties"/> are MSBuild property elements beside the output type and
    /// target framework; <paramref name="sources"/> are its C# files, by name.
    /// </summary>
    public ConsumerProject(PackedPackage package, string name, string properties, params (string Name, string Text)[] sources)
    {
        _package = package;
        Name = name;
        ProjectDirectory = Directory.CreateDirectory(Path.Combine(package.WorkDirectory, name)).FullName;

        // Empty MSBuild and central-package files stop the lookup for any that might lie above the temp folder.
        foreach (string file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(ProjectDirectory, file), "<Project />\n");
        }

        File.WriteAllText(Path.Combine(ProjectDirectory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>{TargetFramework}</TargetFramework>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
            {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SourceGrad" Version="{package.Version}" />
              </ItemGroup>
            </Project>
            """);
        foreach ((string file, string text) in sources)
        {
            File.WriteAllText(Path.Combine(ProjectDirectory, file), text);
        }

        File.WriteAllText(Path.Combine(ProjectDirectory, "nuget.config"), NuGetConfig());
    }

    /// <summary>The one framework the package targets (README.md says why).</summary>
    public const string TargetFramework = "net10.0";

    public string Name { get; }

    public string ProjectDirectory { get; }

    /// <summary>
    /// Builds in Release (restoring from the feed) and records where the restore put the package, for cleaning up,
    /// before failing on a failed build (whose restore may still have extracted it).
    /// </summary>
    public CommandResult Build()
    {
        CommandResult build = Dotnet.Run(ProjectDirectory, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
        _package.ExtractedPackageDirectory ??= ExtractedPackageDirectory();
        return build.AssertSucceeded();
    }

    /// <summary>The lines the built program prints.</summary>
    public string[] Run()
    {
        CommandResult run = Dotnet.Run(ProjectDirectory, Path.Combine(ProjectDirectory, "bin", "Release", TargetFramework, Name + ".dll")).AssertSucceeded();
        return run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>The gradient files the packaged generator wrote for <paramref name="type"/> (<c>Type.Method.arity.hash.Gradient.g.cs</c>).</summary>
    public string[] GeneratedGradients(string type)
    {
        string generated = GeneratedDirectory;
        return Directory.Exists(generated)
            ? Directory.GetFiles(generated, type + ".*.Gradient.g.cs").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray()
            : [];
    }

    public string GeneratedDirectory => Path.Combine(ProjectDirectory, "obj", "Release", TargetFramework, "generated",
        "SourceGrad.Generator", "SourceGrad.Generator.GradientGenerator");

    /// <summary>
    /// The feed with the test package, beside every source this machine's restore already uses (inherited from the
    /// user's and machine's NuGet.Config). Source mapping sends the SourceGrad request to the feed alone, so the
    /// restore asks no remote source and works offline; anything else would resolve from the global packages folder.
    /// </summary>
    private string NuGetConfig()
    {
        const string feed = "sourcegrad-test-feed";
        var mapping = new XElement("packageSourceMapping",
            new XElement("packageSource", new XAttribute("key", feed), new XElement("package", new XAttribute("pattern", "SourceGrad"))));
        foreach (string source in InheritedSourceNames())
        {
            mapping.Add(new XElement("packageSource", new XAttribute("key", source), new XElement("package", new XAttribute("pattern", "*"))));
        }

        var configuration = new XElement("configuration",
            new XElement("packageSources", new XElement("add", new XAttribute("key", feed), new XAttribute("value", _package.FeedDirectory))),
            mapping);
        return configuration.ToString();
    }

    /// <summary>The names of the enabled sources the user's and machine's NuGet configuration define.</summary>
    private string[] InheritedSourceNames()
    {
        // "  1.  nuget.org [Enabled]" — the detailed listing names each source.
        CommandResult list = Dotnet.Run(_package.WorkDirectory, "nuget", "list", "source", "--format", "Detailed").AssertSucceeded();
        return list.Output.Split('\n')
            .Select(line => Regex.Match(line, @"^\s*\d+\.\s+(.+?)\s+\[Enabled\]\s*$"))
            .Where(match => match.Success)
            .Select(match => match.Groups[1].Value)
            .ToArray();
    }

    /// <summary>Where the restore put this test's package, read from the restore's own record of its packages folder.</summary>
    private string? ExtractedPackageDirectory()
    {
        string assetsFile = Path.Combine(ProjectDirectory, "obj", "project.assets.json");
        if (!File.Exists(assetsFile))
        {
            return null;
        }

        using JsonDocument assets = JsonDocument.Parse(File.ReadAllText(assetsFile));
        foreach (JsonProperty folder in assets.RootElement.GetProperty("packageFolders").EnumerateObject())
        {
            string candidate = Path.Combine(folder.Name, "sourcegrad", _package.Version.ToLowerInvariant());
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
