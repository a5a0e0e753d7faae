using System.IO.Compression;
using System.Xml.Linq;

namespace SourceGrad.PackageTests;

/// <summary>What is inside the one SourceGrad package: the runtime, the generator as an analyzer, the metadata, no dependencies.</summary>
[Collection(PackageCollection.Name)]
public sealed class PackageLayoutTests(PackedPackage package)
{
    private static readonly XNamespace s_nuspec = "http://schemas.microsoft.com/packaging/2012/06/nuspec.xsd";

    [Fact]
    public void The_runtime_is_in_lib_and_the_generator_in_analyzers()
    {
        string[] entries = Entries(package.PackagePath);

        Assert.Contains("lib/net10.0/SourceGrad.dll", entries);
        Assert.Contains("lib/net10.0/SourceGrad.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/SourceGrad.Generator.dll", entries);
        Assert.Contains("README.md", entries);
        // The generator is loaded by the compiler only: it must not be referenced by a consumer's code, and the
        // compiler supplies Roslyn, so none of Roslyn's assemblies travel with it.
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.EndsWith("SourceGrad.Generator.dll", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Contains("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_nuspec_has_the_metadata_and_no_dependencies()
    {
        XElement metadata = Nuspec().Element(s_nuspec + "metadata")!;

        Assert.Equal("SourceGrad", metadata.Element(s_nuspec + "id")?.Value);
        Assert.Equal(package.Version, metadata.Element(s_nuspec + "version")?.Value);
        XElement? license = metadata.Element(s_nuspec + "license");
        Assert.Equal("expression", license?.Attribute("type")?.Value);
        Assert.Equal("MIT", license?.Value);
        Assert.Equal("README.md", metadata.Element(s_nuspec + "readme")?.Value);
        XElement? repository = metadata.Element(s_nuspec + "repository");
        Assert.Equal("git", repository?.Attribute("type")?.Value);
        Assert.StartsWith("https://", repository?.Attribute("url")?.Value);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(s_nuspec + "description")?.Value), "the package has no description");
        Assert.Contains("source-generator", (metadata.Element(s_nuspec + "tags")?.Value ?? "").Split(' '));

        // Neither the generator's project nor its Roslyn packages leak into the consumer's dependencies.
        XElement[] dependencies = metadata.Descendants(s_nuspec + "dependency").ToArray();
        Assert.True(dependencies.Length == 0, "the package depends on: " + string.Join(", ", dependencies.Select(d => d.Attribute("id")?.Value)));
    }

    [Fact]
    public void Symbols_come_as_a_snupkg()
    {
        Assert.True(File.Exists(package.SymbolPackagePath), $"no symbol package at {package.SymbolPackagePath}");
        Assert.Contains("lib/net10.0/SourceGrad.pdb", Entries(package.SymbolPackagePath));
    }

    private static string[] Entries(string path)
    {
        using ZipArchive archive = ZipFile.OpenRead(path);
        return archive.Entries.Select(e => e.FullName).ToArray();
    }

    private XElement Nuspec()
    {
        using ZipArchive archive = ZipFile.OpenRead(package.PackagePath);
        ZipArchiveEntry entry = archive.GetEntry("SourceGrad.nuspec")
            ?? throw new InvalidOperationException($"{package.PackagePath} has no SourceGrad.nuspec.");
        using Stream stream = entry.Open();
        return XDocument.Load(stream).Root!;
    }
}
