using System.Text;

namespace SourceGrad.Generator.Tests.Fuzz;

// A small syntax tree for generated programs: just enough structure to print them and to shrink a failing
// one (drop a statement, inline a branch, replace an expression by a part of it).

internal enum ValueKind
{
    Double,
    Int,
    Bool,

    /// <summary>A span or array argument (never replaced when shrinking).</summary>
    Buffer,
}

/// <summary>
/// An expression: a template with numbered holes ("Math.Sin({0})", "{0} + {1}") and its arguments.
/// <see cref="Bound"/> is an upper bound on the magnitude of a double value (the generator keeps it small so
/// finite differences stay well conditioned); <see cref="Lower"/> a lower bound for positive-by-construction
/// values (arguments of Log, Sqrt, Pow).
/// </summary>
internal sealed record Expr(string Template, ValueKind Kind, double Bound, bool IsOperator, Expr[] Args, double Lower = double.NegativeInfinity)
{
    public static Expr Leaf(string text, ValueKind kind, double bound, double lower = double.NegativeInfinity) =>
        new(text, kind, bound, false, [], lower);

    public static Expr Call(string template, double bound, params Expr[] args) => new(template, ValueKind.Double, bound, false, args);

    public static Expr Op(string template, ValueKind kind, double bound, params Expr[] args) => new(template, kind, bound, true, args);

    public Expr WithLower(double lower) => this with { Lower = lower };

    public bool IsPositive => Lower > 0;

    public override string ToString()
    {
        var builder = new StringBuilder();
        Print(builder);
        return builder.ToString();
    }

    public void Print(StringBuilder builder)
    {
        for (int at = 0; at < Template.Length; at++)
        {
            char c = Template[at];
            if (c == '{' && at + 2 < Template.Length && char.IsDigit(Template[at + 1]) && Template[at + 2] == '}')
            {
                Expr arg = Args[Template[at + 1] - '0'];
                bool parenthesize = arg.IsOperator && !IsDelimited(Template, at, at + 3);
                if (parenthesize)
                {
                    builder.Append('(');
                }

                arg.Print(builder);
                if (parenthesize)
                {
                    builder.Append(')');
                }

                at += 2;
            }
            else
            {
                builder.Append(c);
            }
        }
    }

    /// <summary>
    /// Whether the hole at [start, end) of a template stands alone — between "(", ",", an assignment or "return"
    /// and ")", "," or ";" — so an operator expression there needs no parentheses.
    /// </summary>
    private static bool IsDelimited(string template, int start, int end)
    {
        string before = template[..start].TrimEnd();
        string after = template[end..].TrimStart();
        bool assignment = before.EndsWith('=') && !(before.Length > 1 && before[^2] is '=' or '<' or '>' or '!');
        bool left = before.EndsWith('(') || before.EndsWith(',') || assignment || before.EndsWith("return", StringComparison.Ordinal);
        bool right = after.Length > 0 && after[0] is ')' or ',' or ';';
        return left && right;
    }

    /// <summary>Every sub-expression, this one first.</summary>
    public IEnumerable<Expr> Nodes()
    {
        yield return this;
        foreach (Expr arg in Args)
        {
            foreach (Expr node in arg.Nodes())
            {
                yield return node;
            }
        }
    }
}

internal abstract record Stmt
{
    public abstract void Print(CodeWriter writer);
}

/// <summary>A one-line statement, such as "double v1 = {0};" or "break;".</summary>
internal sealed record LineStmt(string Template, Expr[] Args) : Stmt
{
    public static LineStmt Of(string template, params Expr[] args) => new(template, args);

    public override void Print(CodeWriter writer) => writer.Line(new Expr(Template, ValueKind.Double, 0, false, Args).ToString());
}

/// <summary>Hand-written code, printed as it is (regression cases).</summary>
internal sealed record RawStmt(string Text) : Stmt
{
    public override void Print(CodeWriter writer)
    {
        foreach (string line in Text.Split('\n'))
        {
            writer.Line(line.TrimEnd());
        }
    }
}

internal sealed record IfStmt(Expr Condition, Block Then, Block? Else) : Stmt
{
    public override void Print(CodeWriter writer)
    {
        writer.Line($"if ({Condition})");
        Then.Print(writer);
        if (Else is not null)
        {
            writer.Line("else");
            Else.Print(writer);
        }
    }
}

/// <summary>
/// A loop: an optional setup line before it ("int k1 = n;"), a header with holes for data-dependent bounds
/// ("for (int t1 = 0; t1 &lt; 4 &amp;&amp; {0} &gt; 0.2; t1++)"), the body, and for a do loop the header is the
/// "while (...)" printed after the body.
/// </summary>
internal sealed record LoopStmt(string? Setup, string Header, Expr[] HeaderArgs, Block Body, bool IsDo) : Stmt
{
    public override void Print(CodeWriter writer)
    {
        if (Setup is not null)
        {
            writer.Line(Setup);
        }

        string header = new Expr(Header, ValueKind.Bool, 0, false, HeaderArgs).ToString();
        if (IsDo)
        {
            writer.Line("do");
            Body.Print(writer);
            writer.Line(header + ";");
        }
        else
        {
            writer.Line(header);
            Body.Print(writer);
        }
    }
}

internal sealed record Block(IReadOnlyList<Stmt> Statements)
{
    public void Print(CodeWriter writer)
    {
        writer.Line("{");
        writer.Indent++;
        foreach (Stmt statement in Statements)
        {
            statement.Print(writer);
        }

        writer.Indent--;
        writer.Line("}");
    }
}

internal enum BufferKind
{
    None,
    Array,
    Span,
    ReadOnlySpan,
}

/// <summary>A parameter of a generated method.</summary>
internal sealed record Param(string Name, string Type, bool NoGrad = false)
{
    public bool IsDouble => Type == "double";

    public bool IsBuffer => Type is "double[]" or "Span<double>" or "ReadOnlySpan<double>";

    public bool IsActive => !NoGrad && (IsDouble || IsBuffer);

    public override string ToString() => (NoGrad ? "[NoGrad] " : "") + Type + " " + Name;
}

/// <summary>A [Differentiable] method: a block body, or an expression body when <see cref="ExpressionBody"/> is set.</summary>
internal sealed record MethodSpec(string Name, string ReturnType, Param[] Params, Block Body, Expr? ExpressionBody = null)
{
    public bool ReturnsVoid => ReturnType == "void";

    /// <summary>The method as C#; <paramref name="checkpoint"/> is the attribute's checkpointing options, if any.</summary>
    public void Print(CodeWriter writer, bool differentiable = true, bool tangent = false, bool hessianVector = false, bool split = false, string? checkpoint = null)
    {
        if (differentiable)
        {
            var options = new List<string>();
            if (tangent || hessianVector)
            {
                options.Add("Tangent = true");
            }

            if (hessianVector)
            {
                options.Add("HessianVector = true");
            }

            if (split)
            {
                options.Add("Split = true");
            }

            if (checkpoint is not null)
            {
                options.Add(checkpoint);
            }

            writer.Line(options.Count == 0 ? "[Differentiable]" : $"[Differentiable({string.Join(", ", options)})]");
        }

        string signature = $"public static {ReturnType} {Name}({string.Join(", ", Params.Select(p => p.ToString()))})";
        if (ExpressionBody is not null)
        {
            writer.Line($"{signature} => {ExpressionBody};");
            return;
        }

        writer.Line(signature);
        Body.Print(writer);
    }
}

/// <summary>Rewrites of a whole tree.</summary>
internal static class Ast
{
    /// <summary>The expression with <paramref name="template"/> applied to its template and every argument's.</summary>
    public static Expr Map(Expr e, Func<string, string> template) =>
        e with { Template = template(e.Template), Args = e.Args.Select(a => Map(a, template)).ToArray() };

    /// <summary>The block with <paramref name="template"/> applied to every statement and expression template.</summary>
    public static Block Map(Block block, Func<string, string> template) => new(block.Statements.Select(s => Map(s, template)).ToList());

    private static Stmt Map(Stmt statement, Func<string, string> template) => statement switch
    {
        LineStmt line => new LineStmt(template(line.Template), line.Args.Select(a => Map(a, template)).ToArray()),
        IfStmt branch => new IfStmt(Map(branch.Condition, template), Map(branch.Then, template), branch.Else is null ? null : Map(branch.Else, template)),
        LoopStmt loop => loop with { Header = template(loop.Header), HeaderArgs = loop.HeaderArgs.Select(a => Map(a, template)).ToArray(), Body = Map(loop.Body, template) },
        _ => statement,
    };
}

/// <summary>A small indenting writer for the printed programs.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _builder = new();

    public int Indent { get; set; }

    public void Line(string text) => _builder.Append(' ', 4 * Indent).Append(text).Append('\n');

    public override string ToString() => _builder.ToString();
}
