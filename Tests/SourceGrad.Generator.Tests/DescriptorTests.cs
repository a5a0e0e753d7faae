using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests;

/// <summary>
/// The descriptors are complete and documented: each has a title, a message and a help link to its section
/// of docs/diagnostics.md, is tracked in the analyzer release files, and the documented example triggers it
/// while the documented fix compiles with no diagnostic.
/// </summary>
public class DescriptorTests
{
    public static TheoryData<string> Ids() => new(DiagnosticDescriptors.All.Select(d => d.Id).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_has_a_title_a_message_and_a_help_link_to_its_section(string id)
    {
        DiagnosticDescriptor descriptor = DiagnosticDescriptors.ById(id);

        Assert.Matches(@"^SG\d{4}$", descriptor.Id);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("SourceGrad", descriptor.Category);
        Assert.True(descriptor.IsEnabledByDefault);
        Assert.EndsWith("docs/diagnostics.md#" + id.ToLowerInvariant(), descriptor.HelpLinkUri, StringComparison.Ordinal);
        Assert.Contains("## " + id, DocumentSections.Keys);
    }

    [Fact]
    public void The_document_has_one_section_per_id_in_order_and_nothing_else()
    {
        Assert.Equal(DiagnosticDescriptors.All.Select(d => "## " + d.Id).Order(StringComparer.Ordinal), DocumentSections.Keys);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Section_opens_with_the_title_and_severity(string id)
    {
        DiagnosticDescriptor descriptor = DiagnosticDescriptors.ById(id);
        string firstLine = DocumentSections["## " + id].Split('\n').First(line => line.Trim().Length > 0);

        Assert.Equal($"**{descriptor.Title}** · {descriptor.DefaultSeverity}", firstLine.Trim());
    }

    /// <summary>SG0018 reports a bug in the generator: no correct program triggers it, so it has no example.</summary>
    private const string InternalError = "SG0018";

    public static TheoryData<string> IdsWithExamples() => new(DiagnosticDescriptors.All.Select(d => d.Id).Where(id => id != InternalError).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(IdsWithExamples))]
    public void Documented_example_triggers_the_diagnostic_and_the_fix_compiles_cleanly(string id)
    {
        string[] blocks = Regex.Matches(DocumentSections["## " + id], "```csharp\n(.*?)```", RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value)
            .ToArray();
        Assert.True(blocks.Length is 2 or 3,
            $"The section {id} should have an example and a fix, as two csharp blocks (after the library the example calls, for a callee from another assembly); it has {blocks.Length}.");

        // Three blocks: the first is another assembly's source, compiled without the generator, that the example references.
        GeneratorRun example = blocks.Length == 3
            ? GeneratorRunner.RunForDiagnostics(GeneratorRunner.LibraryReference(blocks[0]), blocks[1])
            : GeneratorRunner.RunForDiagnostics(blocks[0]);
        DiagnosticAssert.AssertInputHasNoErrors(example);
        Assert.Contains(example.AllGeneratorDiagnostics, d => d.Id == id);

        GeneratorRun fix = GeneratorRunner.Run(blocks[^1]);
        Assert.Empty(fix.GeneratorDiagnostics);
        fix.AssertCompilesCleanly();
        Assert.NotEmpty(fix.Sources);
    }

    [Fact]
    public void The_internal_error_section_asks_for_a_report_and_has_no_example()
    {
        Assert.Equal(InternalError, DiagnosticDescriptors.InternalError.Id);
        string section = DocumentSections["## " + InternalError];
        Assert.Contains("report", section, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("```csharp", section, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Release_tracking_lists_the_id_with_its_severity_and_title(string id)
    {
        DiagnosticDescriptor descriptor = DiagnosticDescriptors.ById(id);
        string releases = string.Concat(
            new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" }
                .Select(file => File.ReadAllText(Path.Combine(RepositoryPaths.Repository, "Generator", file))));

        Assert.Contains($"{id} | {descriptor.Category} | {descriptor.DefaultSeverity} | {descriptor.Title}", releases, StringComparison.Ordinal);
    }

    /// <summary>docs/diagnostics.md split at its "## " headings, in document order.</summary>
    private static IReadOnlyDictionary<string, string> DocumentSections { get; } = ReadSections();

    private static Dictionary<string, string> ReadSections()
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        string? heading = null;
        var body = new System.Text.StringBuilder();
        foreach (string line in Snapshot.NormalizeLineEndings(File.ReadAllText(RepositoryPaths.DiagnosticsDocument)).Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                Close();
                heading = line.TrimEnd();
            }
            else
            {
                body.Append(line).Append('\n');
            }
        }

        Close();
        return sections;

        void Close()
        {
            if (heading is not null)
            {
                sections.Add(heading, body.ToString());
            }

            body.Clear();
        }
    }
}
