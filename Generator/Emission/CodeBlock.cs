using System.Collections.Generic;
using System.Text;

namespace SourceGrad.Generator.Emission;

/// <summary>
/// A block of generated statements: lines and nested braced blocks. The forward and reverse sweeps are built as
/// trees of these, then written with consistent indentation.
/// </summary>
internal sealed class CodeBlock
{
    private readonly List<object> _items = new();

    public bool IsEmpty => _items.TrueForAll(i => i is CodeBlock { IsEmpty: true });

    public void Line(string line) => _items.Add(line);

    public void Add(CodeBlock other) => _items.AddRange(other._items);

    /// <summary>Adds <c>header { body } footer</c> and returns the body to fill.</summary>
    public CodeBlock Open(string header, string? footer = null)
    {
        var body = new CodeBlock();
        _items.Add(new Nested(header, body, footer));
        return body;
    }

    public void Nest(string header, CodeBlock body, string? footer = null) => _items.Add(new Nested(header, body, footer));

    /// <summary>An inline block to fill later (code whose content is known only once what follows is built).</summary>
    public CodeBlock Placeholder()
    {
        var inline = new CodeBlock();
        _items.Add(inline);
        return inline;
    }

    public void WriteTo(SourceWriter writer)
    {
        foreach (object item in _items)
        {
            if (item is string line)
            {
                if (line.Length == 0)
                {
                    writer.BlankLine();
                }
                else if (line.EndsWith(":", System.StringComparison.Ordinal) && !line.StartsWith("//", System.StringComparison.Ordinal))
                {
                    writer.Label(line);
                }
                else
                {
                    writer.Line(line);
                }
            }
            else if (item is CodeBlock inline)
            {
                inline.WriteTo(writer);
            }
            else if (item is Nested nested)
            {
                writer.Line(nested.Header);
                writer.Line("{");
                writer.Indent();
                nested.Body.WriteTo(writer);
                writer.Unindent();
                writer.Line(nested.Footer is null ? "}" : "} " + nested.Footer);
            }
        }
    }

    private sealed class Nested
    {
        public Nested(string header, CodeBlock body, string? footer)
        {
            Header = header;
            Body = body;
            Footer = footer;
        }

        public string Header { get; }

        public CodeBlock Body { get; }

        public string? Footer { get; }
    }
}

/// <summary>An indenting writer; its indentation must be back at zero when the file is done.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public int IndentLevel => _indent;

    public void Indent() => _indent++;

    public void Unindent() => _indent--;

    public void Line(string line)
    {
        _builder.Append(' ', _indent * 4).Append(line).Append('\n');
    }

    /// <summary>A label sits one level out from the statements it names, as people write them.</summary>
    public void Label(string label) => _builder.Append(' ', System.Math.Max(0, _indent - 1) * 4).Append(label).Append('\n');

    public void BlankLine() => _builder.Append('\n');

    public void OpenBlock(string header)
    {
        Line(header);
        Line("{");
        Indent();
    }

    public void CloseBlock()
    {
        Unindent();
        Line("}");
    }

    public override string ToString() => _builder.ToString();
}
