using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Passes;

/// <summary>
/// Bounds-check elimination the way a careful person writes it: in a scalar loop <c>for (int k = 0; k &lt; n; k++)</c>
/// that reads a buffer at <c>base + k</c> with a base the loop does not change (a row of a matrix), the row is taken
/// once before the loop (<c>w.Slice(j * n, n)</c>) and indexed by the counter alone, which lets the JIT prove the
/// accesses in range and drop their checks. Only loops without jumps, so the row holds exactly what the loop touches.
/// </summary>
/// <example>
/// Before: <c>for (int k = 0; k &lt; inputs; k++) { s += w[j * inputs + k] * x[b * inputs + k]; }</c>
/// After: <c>ReadOnlySpan&lt;float&gt; _wRow1 = Rows.Of(w, j * inputs, inputs); ReadOnlySpan&lt;float&gt; _xRow1 = Rows.Of(x, b * inputs, inputs);
/// for (int k = 0; k &lt; inputs; k++) { s += _wRow1[k] * _xRow1[k]; }</c>
/// </example>
internal static class Slices
{
    public static AdjointProgram Run(AdjointProgram program)
    {
        var locals = program.Locals.ToList();
        Sequence Rewrite(Sequence part) => CodeWalker.RewriteSequence(part, code => code is LoopCode loop ? Sliced(loop, locals) : code);
        AdjointProgram rewritten = program with { Forward = Rewrite(program.Forward), Reverse = Rewrite(program.Reverse) };
        return rewritten with { Locals = locals.ToEquatableArray() };
    }

    private static Code Sliced(LoopCode loop, List<Local> locals)
    {
        if (loop is not { Form: LoopForm.For, Counter: >= 0, Start: Literal { Code: "0" }, Condition: Binary { Operator: "<", Left: VariableRef counter, Right: var end } }
            || counter.Variable != loop.Counter
            || loop.Step.Items.Count != 1 || loop.Step.Items[0] is not Assign { Operator: "+", Value: Literal { Code: "1" } })
        {
            return loop;
        }

        bool jumps = false;
        CodeWalker.Visit(loop.Body, code => jumps |= code is Goto or LabelMark or Break or Continue or Return);
        BodyFacts facts = BodyFacts.Of(loop.Body);
        if (jumps || LoopDirection.Reads(end, facts.Written))
        {
            return loop;
        }

        // Each buffer read at one base plus the counter, and nowhere else in the body.
        var bases = new Dictionary<int, Expr?>();
        CodeWalker.VisitExpressions(loop.Body, e =>
        {
            switch (e)
            {
                case ElementRef element when locals[element.Buffer].Shape is LocalShape.Span or LocalShape.ReadOnlySpan or LocalShape.Array:
                    Expr? offset = Offset(element.Index, loop.Counter, facts.Written);
                    bases[element.Buffer] = bases.TryGetValue(element.Buffer, out Expr? known) && !Equals(known, offset) ? null : offset;
                    break;
                case SpanOf span:
                    bases[span.Buffer] = null;
                    break;
            }
        });

        var rows = new Dictionary<int, (int Row, Expr Base)>();
        var declarations = new List<Code>();
        foreach (KeyValuePair<int, Expr?> buffer in bases.OrderBy(b => b.Key))
        {
            if (buffer.Value is not Expr offset)
            {
                continue;
            }

            Local original = locals[buffer.Key];
            LocalShape shape = original.Shape == LocalShape.ReadOnlySpan ? LocalShape.ReadOnlySpan : LocalShape.Span;
            string stem = "_" + (original.Role == LocalRole.Adjoint ? "d" + Capitalized(original.Stem) : original.Stem.TrimStart('_', '@')) + "Row";
            locals.Add(new Local(stem, original.Type, shape, LocalRole.Temporary));
            int row = locals.Count - 1;
            rows[buffer.Key] = (row, offset);
            Expr source = original.Shape == LocalShape.Array ? new SpanOf(original.Type, buffer.Key, null, null) : new VariableRef(original.Type, buffer.Key);
            declarations.Add(new Declare(row, new Invocation(original.Type, "global::SourceGrad.Internal.Rows.Of", new[] { source, offset, end }.ToEquatableArray())));
        }

        if (rows.Count == 0)
        {
            return loop;
        }

        Sequence body = CodeWalker.RewriteAllExpressions(loop.Body, e => e is ElementRef element && rows.TryGetValue(element.Buffer, out (int Row, Expr Base) row)
            ? new ElementRef(element.Type, row.Row, new VariableRef(ScalarType.Int, loop.Counter))
            : null);
        return new Sequence(declarations.Append(loop with { Body = body }).ToEquatableArray());
    }

    /// <summary>The invariant base of <c>base + c</c> (either order), or null for any other index (including c alone).</summary>
    private static Expr? Offset(Expr index, int counter, HashSet<int> written) => index switch
    {
        Binary { Operator: "+", Right: VariableRef right } b when right.Variable == counter && !Reads(b.Left, written, counter) => b.Left,
        Binary { Operator: "+", Left: VariableRef left } b when left.Variable == counter && !Reads(b.Right, written, counter) => b.Right,
        _ => null,
    };

    private static bool Reads(Expr expr, HashSet<int> written, int counter) =>
        ExprWalker.Any(expr, e => e is VariableRef v && (written.Contains(v.Variable) || v.Variable == counter));

    private static string Capitalized(string name)
    {
        string stem = name.TrimStart('_', '@');
        return stem.Length == 0 ? "Value" : char.ToUpperInvariant(stem[0]) + stem.Substring(1);
    }
}
