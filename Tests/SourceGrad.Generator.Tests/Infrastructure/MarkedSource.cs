using Microsoft.CodeAnalysis.Text;

namespace SourceGrad.Generator.Tests.Infrastructure;

/// <summary>
/// A test snippet with the expected diagnostic location marked as <c>[|...|]</c>, the convention of the Roslyn
/// analyzer tests. <see cref="Text"/> is the snippet without the markers.
/// </summary>
public sealed class MarkedSource
{
    private const string Open = "[|";
    private const string Close = "|]";

    private MarkedSource(string text, TextSpan span)
    {
        Text = text;
        Span = span;
    }

    public string Text { get; }

    /// <summary>The marked span, in <see cref="Text"/>.</summary>
    public TextSpan Span { get; }

    public static MarkedSource Parse(string marked)
    {
        int start = marked.IndexOf(Open, StringComparison.Ordinal);
        int end = marked.IndexOf(Close, start + Open.Length, StringComparison.Ordinal);
        if (start < 0 || end < 0 || marked.IndexOf(Open, end, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException("The snippet must mark exactly one span with [| and |].", nameof(marked));
        }

        string text = marked.Remove(end, Close.Length).Remove(start, Open.Length);
        return new MarkedSource(text, TextSpan.FromBounds(start, end - Open.Length));
    }

    /// <summary>The marked span as lines and columns in a file made of <paramref name="prefix"/> and the text.</summary>
    public LinePositionSpan LineSpanAfter(string prefix)
    {
        SourceText file = SourceText.From(prefix + Text);
        return file.Lines.GetLinePositionSpan(new TextSpan(prefix.Length + Span.Start, Span.Length));
    }

    /// <summary>The text the markers enclose.</summary>
    public string MarkedText => Text.Substring(Span.Start, Span.Length);
}
