using System.Collections.Generic;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Passes;

/// <summary>
/// A temporary that only copies a name or a constant is replaced by it: <c>double _v1 = _e1;</c> goes and its uses
/// read <c>_e1</c>. Only where the copied local cannot change in between: it is assigned in the forward sweep alone
/// (so the reverse sweep, where the copies are, never writes it) or is a generated local assigned once, and the
/// temporary is assigned once.
/// </summary>
/// <example>Before: <c>double _v2 = _e2; double _d2 = _d1 * _v2;</c> After: <c>double _d2 = _d1 * _e2;</c></example>
internal static class CopyPropagation
{
    public static AdjointProgram Run(AdjointProgram program)
    {
        var assignedAfterForward = new HashSet<int>();
        var assignments = new Dictionary<int, int>();
        foreach (Sequence part in new[] { program.BetweenSweeps, program.Reverse, program.Epilogue })
        {
            CodeWalker.Visit(part, code => Written(code, assignedAfterForward));
        }

        CodeWalker.Visit(program.Whole(), code =>
        {
            var written = new HashSet<int>();
            Written(code, written);
            foreach (int local in written)
            {
                assignments[local] = assignments.TryGetValue(local, out int count) ? count + 1 : 1;
            }
        });

        var copies = new Dictionary<int, Expr>();
        CodeWalker.Visit(program.Reverse, code =>
        {
            if (code is Declare { Value: { } value } declare
                && program.Locals[declare.Local] is { Role: LocalRole.Temporary, Numbered: true, Shape: LocalShape.Scalar }
                && assignments[declare.Local] == 1
                && value switch
                {
                    VariableRef source => !assignedAfterForward.Contains(source.Variable)
                        || (program.Locals[source.Variable].Role != LocalRole.Primal && assignments.TryGetValue(source.Variable, out int writes) && writes == 1),
                    Literal literal => !literal.Code.StartsWith("-", System.StringComparison.Ordinal),
                    _ => false,
                })
            {
                copies[declare.Local] = value;
            }
        });

        if (copies.Count == 0)
        {
            return program;
        }

        Expr Resolve(Expr value) => value is VariableRef source && copies.TryGetValue(source.Variable, out Expr? next) ? Resolve(next) : value;
        return program.MapParts(part => CodeWalker.RewriteSequence(part, code =>
            code is Declare declare && copies.ContainsKey(declare.Local)
                ? Sequence.Empty
                : CodeWalker.RewriteExpressions(code, e => e is VariableRef v && copies.ContainsKey(v.Variable) ? Resolve(v) : null)));
    }

    private static void Written(Code code, HashSet<int> into)
    {
        switch (code)
        {
            case Declare declare:
                into.Add(declare.Local);
                break;
            case Assign { Target: VariableRef target }:
                into.Add(target.Variable);
                break;
            case Accumulate { Target: VariableRef target }:
                into.Add(target.Variable);
                break;
            case LoopCode { Counter: >= 0 } loop:
                into.Add(loop.Counter);
                break;
            case DeclareBuffer buffer:
                into.Add(buffer.Local);
                break;
        }

        foreach (Expr expr in CodeWalker.Expressions(code))
        {
            ExprWalker.Visit(expr, e =>
            {
                if (e is RefTo { Target: VariableRef reference })
                {
                    into.Add(reference.Variable);
                }
            });
        }
    }
}
