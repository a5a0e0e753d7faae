using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests;

/// <summary>
/// The generated text of representative methods, compared exactly with the files in Snapshots/ (see the
/// README there to update them).
/// </summary>
public class SnapshotTests
{
    public static TheoryData<string> Cases() => new(SnapshotCases.All.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_source_matches_its_snapshot(string name)
    {
        GeneratorRun run = GeneratorRunner.Run(SnapshotCases.All[name]);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.NotEmpty(run.Sources);
        foreach (GeneratedFile file in run.Sources)
        {
            Snapshot.AssertMatches(file.HintName, file.Text);
        }
    }

    [Fact]
    public void Every_snapshot_file_belongs_to_a_case()
    {
        var generated = SnapshotCases.All.Values
            .SelectMany(source => GeneratorRunner.Run(source).Sources)
            .Select(file => file.HintName)
            .ToHashSet(StringComparer.Ordinal);
        var onDisk = Directory.GetFiles(RepositoryPaths.Snapshots, "*.g.cs").Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(generated.Order(StringComparer.Ordinal), onDisk.Order(StringComparer.Ordinal));
    }
}
