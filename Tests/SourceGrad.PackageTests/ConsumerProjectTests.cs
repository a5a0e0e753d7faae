using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace SourceGrad.PackageTests;

/// <summary>
/// A fresh console project outside the repository that knows SourceGrad only as a package from a folder feed:
/// its build must run the packaged generator, and its program must print the right gradients.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ConsumerProjectTests(PackedPackage package)
{
    private const string Program = """
        using System.Globalization;
        using SourceGrad;

        double dX = 0, dW1 = 0, dW2 = 0;
        double loss = Lecture.LossGradient(5, 1, 2, 2, ref dX, ref dW1, ref dW2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lecture: loss={loss} dX={dX} dW1={dW1} dW2={dW2}"));

        float[] x = [1, 2, 3];
        float[] dXs = new float[x.Length];
        float dW = 0;
        float energy = Lecture.EnergyGradient(x, 0.5f, dXs, ref dW);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"energy: loss={energy} dW={dW} dX={string.Join(',', dXs)}"));

        public static partial class Lecture
        {
            // L = ½ (w2 · relu(w1 · x) − y)²
            [Differentiable]
            public static double Loss(double x, double w1, double w2, [NoGrad] double y)
            {
                double h = Math.Max(0, w1 * x);
                double r = w2 * h - y;
                return 0.5 * r * r;
            }

            // Σ w·xᵢ² + Σ xᵢ: a loop, and a runtime kernel whose derivative rule lives in the package's runtime.
            [Differentiable]
            public static float Energy(ReadOnlySpan<float> x, float w)
            {
                float total = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    total += w * x[i] * x[i];
                }

                return total + Reductions.Sum(x);
            }
        }
        """;

    [Fact]
    public void A_console_project_referencing_the_package_builds_and_prints_its_gradients()
    {
        string project = Directory.CreateDirectory(Path.Combine(package.WorkDirectory, "consumer")).FullName;
        WriteProject(project);

        Dotnet.Run(project, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false").AssertSucceeded();
        package.ExtractedPackageDirectory = ExtractedPackageDirectory(project);

        // <Type>.<Method>.<parameter count>.<hash of the parameter types>.Gradient.g.cs
        string generatedDirectory = Path.Combine(project, "obj", "Release", "net10.0", "generated",
            "SourceGrad.Generator", "SourceGrad.Generator.GradientGenerator");
        string[] generated = Directory.Exists(generatedDirectory) ? Directory.GetFiles(generatedDirectory, "Lecture.*.Gradient.g.cs") : [];
        Assert.True(generated.Length == 2, $"the packaged generator should have written Lecture.Loss's and Lecture.Energy's gradients into {generatedDirectory}, but wrote: [{string.Join(", ", generated.Select(Path.GetFileName))}]");

        CommandResult run = Dotnet.Run(project, Path.Combine(project, "bin", "Release", "net10.0", "Consumer.dll")).AssertSucceeded();
        string[] lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // Worked by hand: h = 5, r = 8, L = 32, dL/dw1 = r·w2·x = 80, dL/dw2 = r·h = 40, dL/dx = r·w2·w1 = 16;
        // energy = ½(1 + 4 + 9) + 6 = 13, dW = Σxᵢ² = 14, dXᵢ = 2·½·xᵢ + 1. All exact in binary floating point.
        Assert.Equal(["lecture: loss=32 dX=16 dW1=80 dW2=40", "energy: loss=13 dW=14 dX=2,3,4"], lines);
    }

    private void WriteProject(string project)
    {
        // Empty MSBuild and central-package files stop the lookup for any that might lie above the temp folder.
        foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(project, name), "<Project />\n");
        }

        File.WriteAllText(Path.Combine(project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SourceGrad" Version="{package.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), Program);
        File.WriteAllText(Path.Combine(project, "nuget.config"), NuGetConfig());
    }

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
            new XElement("packageSources", new XElement("add", new XAttribute("key", feed), new XAttribute("value", package.FeedDirectory))),
            mapping);
        return configuration.ToString();
    }

    /// <summary>The names of the enabled sources the user's and machine's NuGet configuration define.</summary>
    private string[] InheritedSourceNames()
    {
        // "  1.  nuget.org [Enabled]" — the detailed listing names each source.
        CommandResult list = Dotnet.Run(package.WorkDirectory, "nuget", "list", "source", "--format", "Detailed").AssertSucceeded();
        return list.Output.Split('\n')
            .Select(line => Regex.Match(line, @"^\s*\d+\.\s+(.+?)\s+\[Enabled\]\s*$"))
            .Where(match => match.Success)
            .Select(match => match.Groups[1].Value)
            .ToArray();
    }

    /// <summary>Where the restore put this test's package, read from the restore's own record of its packages folder.</summary>
    private string? ExtractedPackageDirectory(string project)
    {
        using JsonDocument assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(project, "obj", "project.assets.json")));
        foreach (JsonProperty folder in assets.RootElement.GetProperty("packageFolders").EnumerateObject())
        {
            string candidate = Path.Combine(folder.Name, "sourcegrad", package.Version.ToLowerInvariant());
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
