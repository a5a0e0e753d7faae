using Microsoft.CodeAnalysis;
using SourceGrad.Generator.Diagnostics;

namespace SourceGrad.Generator.Tests.Infrastructure;

public static class DiagnosticAssert
{
    /// <summary>
    /// Runs the generator on a snippet marked with [|...|] and returns the one diagnostic with
    /// <paramref name="id"/>, after checking that it sits exactly on the marked span, has the descriptor's
    /// severity and that its message contains each of <paramref name="messageNames"/>.
    /// </summary>
    public static Diagnostic ReportedAtMarkedSpan(string id, string markedSnippet, params string[] messageNames)
    {
        MarkedSource marked = MarkedSource.Parse(markedSnippet);
        GeneratorRun run = GeneratorRunner.RunForDiagnostics(marked.Text);
        AssertInputHasNoErrors(run);

        Diagnostic diagnostic = SingleWithId(run, id);
        FileLinePositionSpan location = diagnostic.Location.GetLineSpan();
        Assert.Equal(run.InputCompilation.SyntaxTrees.First().FilePath, location.Path);
        Assert.True(marked.LineSpanAfter(GeneratorRunner.Prelude) == location.Span,
            $"{id} is at {location.Span} ('{Excerpt(run, diagnostic)}'); expected {marked.LineSpanAfter(GeneratorRunner.Prelude)} ('{marked.MarkedText}').");
        Assert.Equal(GeneratorRunner.Prelude.Length + marked.Span.Start, diagnostic.Location.SourceSpan.Start);
        Assert.Equal(marked.Span.Length, diagnostic.Location.SourceSpan.Length);
        Assert.Equal(DiagnosticDescriptors.ById(id).DefaultSeverity, diagnostic.Severity);
        AssertMessageNames(diagnostic, messageNames);
        return diagnostic;
    }

    public static Diagnostic SingleWithId(GeneratorRun run, string id)
    {
        var matching = run.GeneratorDiagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count == 1,
            $"Expected one {id}, got {matching.Count}. All generator diagnostics:\n{string.Join("\n", run.GeneratorDiagnostics)}");
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

    private static string Excerpt(GeneratorRun run, Diagnostic diagnostic) =>
        diagnostic.Location.SourceTree?.GetText().ToString(diagnostic.Location.SourceSpan)
        ?? run.InputCompilation.SyntaxTrees.First().GetText().ToString(diagnostic.Location.SourceSpan);
}
