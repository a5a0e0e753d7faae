using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Passes;

/// <summary>
/// An adjoint that starts at zero takes its first contribution as its value instead of adding it to zero
/// (<c>_dX = v</c>, not <c>_dX = 0; _dX += v</c>): the add is not free, since the JIT cannot drop <c>0 + v</c> for
/// floating point. Where the zero is declared in the same block, the declaration moves to the first contribution.
/// The only difference is the sign of a zero: a contribution of −0 stays −0.
/// </summary>
/// <example>
/// Before: <c>double _dE = 0d; … _dE += _d1 * 0.5d; _dE += _dLoss * _v1;</c>
/// After: <c>… double _dE = _d1 * 0.5d; _dE += _dLoss * _v1;</c>
/// </example>
internal static class FirstContribution
{
    public static AdjointProgram Run(AdjointProgram program)
    {
        // Adjoints declared zero at the top of the gradient and first touched by a contribution at the top level of the
        // reverse sweep (nothing before it reads them) get that contribution assigned.
        var prologueZeros = new HashSet<int>(program.Prologue.Items.OfType<Declare>()
            .Where(d => d.Value is not null && IsZero(d.Value) && IsCandidate(program, d.Local)).Select(d => d.Local));
        prologueZeros.RemoveWhere(local => Mentions(program.Forward, local) || Mentions(program.BetweenSweeps, local));
        var reverse = program.Reverse.Items.ToList();
        foreach (int local in prologueZeros)
        {
            AssignFirst(reverse, local, declare: false);
        }

        var rewritten = new Sequence(reverse.ToEquatableArray());
        rewritten = CodeWalker.RewriteSequence(rewritten, code => code switch
        {
            LoopCode loop => loop with { Body = InBlock(program, loop.Body) },
            _ => code,
        });
        return program with { Reverse = rewritten, Forward = CodeWalker.RewriteSequence(program.Forward, code => code is LoopCode loop ? loop with { Body = InBlock(program, loop.Body) } : code) };
    }

    /// <summary>In one block: <c>T a = 0; … a += v;</c> with nothing between touching a becomes <c>… T a = v;</c>.</summary>
    private static Sequence InBlock(AdjointProgram program, Sequence body)
    {
        var items = body.Items.ToList();
        foreach (Declare zero in items.OfType<Declare>().Where(d => d.Value is not null && IsZero(d.Value) && IsCandidate(program, d.Local)).ToList())
        {
            int at = items.IndexOf(zero);
            var rest = items.Skip(at + 1).ToList();
            if (AssignFirst(rest, zero.Local, declare: true))
            {
                items = items.Take(at).Concat(rest).ToList();
            }
        }

        return new Sequence(items.ToEquatableArray());
    }

    /// <summary>
    /// Finds the first item that mentions the local, looking into comments but not into branches or loops; if it adds
    /// into it, that becomes an assignment (or a declaration). Returns whether it did.
    /// </summary>
    private static bool AssignFirst(List<Code> items, int local, bool declare)
    {
        for (int i = 0; i < items.Count; i++)
        {
            if (!Mentions(items[i], local))
            {
                continue;
            }

            switch (items[i])
            {
                case Accumulate { Target: VariableRef target } add when target.Variable == local && !Mentions(add.Value, local):
                    items[i] = declare ? new Declare(local, add.Value) : new Assign(target, "", add.Value);
                    return true;
                case Assign { Operator: "+", Target: VariableRef target } add when target.Variable == local && !Mentions(add.Value, local):
                    items[i] = declare ? new Declare(local, add.Value) : new Assign(target, "", add.Value);
                    return true;
                case Commented commented:
                {
                    var inner = commented.Body.Items.ToList();
                    bool done = AssignFirst(inner, local, declare);
                    items[i] = commented with { Body = new Sequence(inner.ToEquatableArray()) };
                    return done;
                }

                // Comments and sections print inline, so a declaration in one is in the enclosing block's scope.
                case Section section:
                {
                    var inner = section.Body.Items.ToList();
                    bool done = AssignFirst(inner, local, declare);
                    items[i] = section with { Body = new Sequence(inner.ToEquatableArray()) };
                    return done;
                }

                default:
                    return false;
            }
        }

        return false;
    }

    private static bool IsCandidate(AdjointProgram program, int local) =>
        program.Locals[local] is { Numbered: true } variable && variable.Role != LocalRole.Primal
        && variable.Shape.IsValue();

    private static bool IsZero(Expr value) => value switch
    {
        Literal literal => literal.Code is "0f" or "0d",
        Broadcast broadcast => IsZero(broadcast.Value),
        _ => false,
    };

    private static bool Mentions(Code code, int local)
    {
        bool found = false;
        CodeWalker.VisitExpressions(code, e => found |= e is VariableRef v && v.Variable == local);
        CodeWalker.Visit(code, c => found |= c is Declare d && d.Local == local);
        return found;
    }

    private static bool Mentions(Expr expr, int local) => ExprWalker.Any(expr, e => e is VariableRef v && v.Variable == local);
}
