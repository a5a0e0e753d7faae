using System.Text;

namespace SourceGrad.Generator.Emission;

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

    /// <summary>
    /// A method body in braces: <paramref name="body"/> was written one level in (the printer's own indentation), and
    /// its lines are put at this writer's level inside the braces.
    /// </summary>
    public void Body(SourceWriter body)
    {
        Line("{");
        Indent();
        foreach (string line in body.ToString().TrimEnd('\n').Split('\n'))
        {
            if (line.Length == 0)
            {
                BlankLine();
            }
            else
            {
                Line(line.StartsWith("    ", System.StringComparison.Ordinal) ? line.Substring(4) : line.TrimStart());
            }
        }

        Unindent();
        Line("}");
    }

    public override string ToString() => _builder.ToString();
}
