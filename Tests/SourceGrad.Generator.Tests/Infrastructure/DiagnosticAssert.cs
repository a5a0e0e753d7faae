using Microsoft.CodeAnalysis;
using SourceGrad.Generator.Diagnostics;

namespace SourceGrad.Generator.Tests.Infrastructure;

public static class DiagnosticAssert
{
    /// <summary>
    /// Runs the generator on a snippet marked with [|...|] and returns the diagnostic with <paramref name="id"/>
    /// that sits exactly on the marked span (there must be one), after checking that it has the descriptor's
    /// severity and that its message contains each of <paramref name="messageNames"/>. Other diagnostics, even
    /// with the same id elsewhere, are allowed.
    /// </summary>
    public static Diagnostic ReportedAtMarkedSpan(string id, string markedSnippet, params string[] messageNames) =>
        ReportedAtMarkedSpanWithLibrary(id, markedSnippet, library: null, messageNames);

    /// <summary>As above, with <paramref name="library"/> (a snippet) compiled, without the generator, into an assembly the snippet references.</summary>
    public static Diagnostic ReportedAtMarkedSpanWithLibrary(string id, string markedSnippet, string? library, params string[] messageNames)
    {
        MarkedSource marked = MarkedSource.Parse(markedSnippet);
        GeneratorRun run = library is null
            ? GeneratorRunner.RunForDiagnostics(marked.Text)
            : GeneratorRunner.RunForDiagnostics(GeneratorRunner.LibraryReference(library), marked.Text);
        AssertInputHasNoErrors(run);

        var expectedSpan = new Microsoft.CodeAnalysis.Text.TextSpan(GeneratorRunner.Prelude.Length + marked.Span.Start, marked.Span.Length);
        string inputPath = run.InputCompilation.SyntaxTrees.First().FilePath;
        var withId = run.AllGeneratorDiagnostics.Where(d => d.Id == id).ToList();
        var atSpan = withId.Where(d => d.Location.SourceSpan == expectedSpan && d.Location.GetLineSpan().Path == inputPath).ToList();
        Assert.True(atSpan.Count == 1,
            $"Expected one {id} at {marked.LineSpanAfter(GeneratorRunner.Prelude)} ('{marked.MarkedText}'); got {atSpan.Count}. " +
            $"All generator diagnostics:\n{string.Join("\n", run.AllGeneratorDiagnostics.Select(d => Describe(run, d)))}");

        Diagnostic diagnostic = atSpan[0];
        Assert.Equal(marked.LineSpanAfter(GeneratorRunner.Prelude), diagnostic.Location.GetLineSpan().Span);
        Assert.Equal(DiagnosticDescriptors.ById(id).DefaultSeverity, diagnostic.Severity);
        AssertMessageNames(diagnostic, messageNames);
        return diagnostic;
    }

    public static Diagnostic SingleWithId(GeneratorRun run, string id)
    {
        var matching = run.AllGeneratorDiagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count == 1,
            $"Expected one {id}, got {matching.Count}. All generator diagnostics:\n{string.Join("\n", run.AllGeneratorDiagnostics)}");
        return matching[0];
    }

    public static void AssertMessageNames(Diagnostic diagnostic, params string[] names)
    {
        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        foreach (string name in names)
        {
            Assert.True(message.Contains(name, StringComparison.Ordinal), $"The message of {diagnostic.Id} does not name {name}: {message}");
        }
    }

    /// <summary>The snippet must be valid C# on its own (warnings aside), or a diagnostic test proves nothing.</summary>
    public static void AssertInputHasNoErrors(GeneratorRun run)
    {
        var errors = run.InputCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The test snippet itself does not compile:\n" + string.Join("\n", errors));
    }

    private static string Describe(GeneratorRun run, Diagnostic diagnostic) =>
        $"{diagnostic} at '{run.InputCompilation.SyntaxTrees.First().GetText().ToString(diagnostic.Location.SourceSpan)}'";
}
