using System.Reflection;

namespace SourceGrad.PackageTests;

/// <summary>
/// The SourceGrad package, packed once for all tests of the "Package" collection from the runtime's finished build
/// output into a fresh folder feed, under a version of its own so no copy in the global packages folder can stand in for it.
/// </summary>
public sealed class PackedPackage : IDisposable
{
    public PackedPackage()
    {
        RepositoryRoot = Metadata("SourceGrad.RepositoryRoot");
        Configuration = Metadata("SourceGrad.Configuration");
        // A GUID, not a counter: two runs at once (or a stale extraction in the global packages folder) never meet.
        Version = $"0.0.1-test.g{Guid.NewGuid():N}";
        WorkDirectory = Directory.CreateTempSubdirectory("sourcegrad-package-").FullName;
        FeedDirectory = Directory.CreateDirectory(Path.Combine(WorkDirectory, "feed")).FullName;

        string project = Path.Combine(RepositoryRoot, "Runtime", "SourceGrad.csproj");
        Dotnet.Run(
            RepositoryRoot,
            "pack", project, "-c", Configuration, "--no-build", "--disable-build-servers",
            "-o", FeedDirectory,
            $"-p:PackageVersion={Version}",
            // The nuspec goes to the temp folder too: packing writes nothing into the repository.
            $"-p:NuspecOutputPath={Path.Combine(WorkDirectory, "nuspec")}{Path.DirectorySeparatorChar}")
            .AssertSucceeded();

        PackagePath = Path.Combine(FeedDirectory, $"SourceGrad.{Version}.nupkg");
        SymbolPackagePath = Path.Combine(FeedDirectory, $"SourceGrad.{Version}.snupkg");
        Assert.True(File.Exists(PackagePath), $"dotnet pack reported success but {PackagePath} is missing; the feed holds: {string.Join(", ", Directory.GetFiles(FeedDirectory))}");
    }

    public string RepositoryRoot { get; }

    /// <summary>The configuration this test assembly (and so the runtime it depends on) was built in.</summary>
    public string Configuration { get; }

    public string Version { get; }

    /// <summary>A temp folder for everything the tests write; deleted at the end.</summary>
    public string WorkDirectory { get; }

    public string FeedDirectory { get; }

    public string PackagePath { get; }

    public string SymbolPackagePath { get; }

    /// <summary>Where a restore extracted this test version of the package, to delete it again (set by the test that restores it).</summary>
    public string? ExtractedPackageDirectory { get; set; }

    public void Dispose()
    {
        DeleteQuietly(ExtractedPackageDirectory);
        string? packageIdDirectory = Path.GetDirectoryName(ExtractedPackageDirectory);
        if (packageIdDirectory is not null && Directory.Exists(packageIdDirectory) && !Directory.EnumerateFileSystemEntries(packageIdDirectory).Any())
        {
            DeleteQuietly(packageIdDirectory); // the global folder's "sourcegrad" entry, when this test made it
        }

        DeleteQuietly(WorkDirectory);
    }

    private static string Metadata(string key) =>
        typeof(PackedPackage).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no [AssemblyMetadata(\"{key}\")]; SourceGrad.PackageTests.csproj sets it.");

    private static void DeleteQuietly(string? directory)
    {
        try
        {
            if (directory is not null && Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temp folder is not a test failure.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackedPackage>
{
    public const string Name = "Package";
}
