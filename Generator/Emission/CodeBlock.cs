using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

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

    /// <summary>
    /// <c>buffer[index] += value;</c>, kept apart from plain lines so that <see cref="FuseAccumulations"/> can
    /// merge several contributions to one element.
    /// </summary>
    public void Accumulate(string buffer, string index, string value, string type) =>
        _items.Add(new Accumulation(buffer, index, value, type));

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
            else if (item is Accumulation accumulation)
            {
                writer.Line(accumulation.ToString());
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

    /// <summary>
    /// Merges the contributions a straight run of statements adds into one buffer element: the element is read and
    /// written once, the contributions summed in a local before it (<c>double _g1 = a; … dX[i] += _g1 + b;</c>).
    /// Store-to-load chains on one element dominate cheap loops such as Rosenbrock's. Only where nothing between
    /// the first and the last contribution can touch the element: no other line names the buffer, other
    /// accumulations into it are at provably different indices (i and i + 1), and the index's variables are not
    /// assigned.
    /// </summary>
    public void FuseAccumulations(System.Func<string> freshName)
    {
        Flatten();
        for (int first = 0; first < _items.Count; first++)
        {
            if (_items[first] is Nested nested)
            {
                nested.Body.FuseAccumulations(freshName);
                continue;
            }

            if (_items[first] is not Accumulation start)
            {
                continue;
            }

            var same = new List<int> { first };
            for (int next = first + 1; next < _items.Count && !Touches(_items[next], start); next++)
            {
                if (_items[next] is Accumulation other && other.Buffer == start.Buffer && other.Index == start.Index)
                {
                    same.Add(next);
                }
            }

            if (same.Count < 2)
            {
                continue;
            }

            string sum = freshName();
            _items[first] = $"{start.Type} {sum} = {start.Value};";
            for (int k = 1; k < same.Count - 1; k++)
            {
                _items[same[k]] = $"{sum} += {((Accumulation)_items[same[k]]).Value};";
            }

            var last = (Accumulation)_items[same[same.Count - 1]];
            // Parenthesized: a contribution such as `c ? d : 0` binds more loosely than +.
            _items[same[same.Count - 1]] = last with { Value = $"{sum} + ({last.Value})" };
        }
    }

    /// <summary>Splices inline blocks into this one, so that fusion sees one straight run of items.</summary>
    private void Flatten()
    {
        for (int i = 0; i < _items.Count; i++)
        {
            if (_items[i] is CodeBlock inline)
            {
                inline.Flatten();
                _items.RemoveAt(i);
                _items.InsertRange(i, inline._items);
                i--;
            }
        }
    }

    /// <summary>Whether an item may read or write <paramref name="accumulation"/>'s element, or change its index.</summary>
    private static bool Touches(object item, Accumulation accumulation)
    {
        if (item is Accumulation other)
        {
            return (other.Buffer == accumulation.Buffer && other.Index != accumulation.Index && !Disjoint(other.Index, accumulation.Index))
                || Mentions(other.Value, accumulation.Buffer);
        }

        if (item is not string line)
        {
            return true;
        }

        if (line.StartsWith("//", System.StringComparison.Ordinal))
        {
            return false;
        }

        // A label or a jump between the contributions could skip the local's declaration or the final write.
        if (line.EndsWith(":", System.StringComparison.Ordinal)
            || Regex.IsMatch(line, @"\b(goto|return|break|continue|throw)\b")
            || Mentions(line, accumulation.Buffer))
        {
            return true;
        }

        foreach (Match name in Regex.Matches(accumulation.Index, @"[A-Za-z_]\w*"))
        {
            string n = Regex.Escape(name.Value);
            if (Regex.IsMatch(line, $@"(?<![\w.])({n}\s*([-+*/%&|^]|<<|>>)?=(?!=)|{n}\s*(\+\+|--)|(\+\+|--)\s*{n}\b)"))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Mentions(string code, string name) =>
        Regex.IsMatch(code, $@"(?<![\w.]){Regex.Escape(name)}\b");

    /// <summary>i + 1 and i (or i − 2): the same base plus different constants never meet.</summary>
    private static bool Disjoint(string left, string right)
    {
        (string Base, long Offset) Split(string index)
        {
            Match m = Regex.Match(index, @"^(.*?) ([+-]) (\d{1,9})$");
            return m.Success && Regex.IsMatch(m.Groups[1].Value, @"^[\w\s.+\-*/%()\[\]]+$") ? (m.Groups[1].Value, (m.Groups[2].Value == "-" ? -1 : 1) * long.Parse(m.Groups[3].Value)) : (index, 0);
        }

        (string leftBase, long leftOffset) = Split(left);
        (string rightBase, long rightOffset) = Split(right);
        return leftBase == rightBase && leftOffset != rightOffset;
    }

    private sealed record Accumulation(string Buffer, string Index, string Value, string Type)
    {
        public override string ToString() => $"{Buffer}[{Index}] += {Value};";
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
