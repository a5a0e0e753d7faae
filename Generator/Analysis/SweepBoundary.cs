using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;
using SourceGrad.Generator.Passes;

namespace SourceGrad.Generator.Analysis;

/// <summary>
/// What crosses the boundary between a gradient program's sweeps (split mode): the forward side is the prologue, the
/// forward sweep and what runs between the sweeps; the backward side is the reverse sweep and the epilogue. A local the
/// backward side mentions is, at the boundary, one of:
/// <list type="bullet">
/// <item><b>kept</b> (<see cref="Kept"/>): the forward side may have changed it, and the backward side can read that
/// value — a saved value, a stack, a buffer, a primal local the reverse sweep reads, a scalar parameter the method
/// assigns;</item>
/// <item><b>declared again</b> (<see cref="Redeclared"/>): nothing on the forward side mentions it but its own
/// declaration, whose value needs nothing the forward side changes (an adjoint starting at zero, a zeroed adjoint
/// buffer, a span of one of those), so declaring it again at the start of the backward side gives the same value;</item>
/// <item><b>dead</b> (<see cref="Dead"/>): a scalar the backward side overwrites before anything reads it
/// (<see cref="Liveness"/>), declared with its default value.</item>
/// </list>
/// Parameters other than assigned scalars come back as the backward side's own arguments.
/// </summary>
internal sealed class SweepBoundary
{
    private SweepBoundary(List<int> kept, List<Code> redeclared, List<int> dead, HashSet<int> dropped)
    {
        Kept = kept;
        Redeclared = redeclared;
        Dead = dead;
        Dropped = dropped;
    }

    /// <summary>Locals whose values at the boundary the saved state keeps, by id.</summary>
    public IReadOnlyList<int> Kept { get; }

    /// <summary>Declarations (as the forward side has them, in its order) that the backward side repeats.</summary>
    public IReadOnlyList<Code> Redeclared { get; }

    /// <summary>Scalars the backward side overwrites before it reads them, by id (declared there with their defaults).</summary>
    public IReadOnlyList<int> Dead { get; }

    /// <summary>Locals whose declarations the forward side does not need (only the backward side uses them, if anything).</summary>
    public HashSet<int> Dropped { get; }

    public static SweepBoundary Of(AdjointProgram program, MethodModel method)
    {
        Sequence[] forwardSide = { program.Prologue, program.Forward, program.BetweenSweeps };
        Sequence[] backwardSide = { program.Reverse, program.Epilogue };

        // Declarations at the method's top level (not inside a branch or loop): in scope on both sides.
        var declarations = new Dictionary<int, Code>();
        var order = new List<int>();
        var elsewhere = new HashSet<int>();
        foreach (Sequence part in forwardSide)
        {
            CollectTopLevel(part, declarations, order, elsewhere);
        }

        var parameters = new HashSet<int>(method.Parameters);
        var assignedParameters = new HashSet<int>();
        foreach (Sequence part in forwardSide)
        {
            CodeWalker.VisitExpressions(part, e =>
            {
                Expr? target = e switch { RefTo r => r.Target, OutTo o => o.Target, _ => null };
                if (target is VariableRef reference && parameters.Contains(reference.Variable))
                {
                    assignedParameters.Add(reference.Variable);
                }
            });
            CodeWalker.Visit(part, c =>
            {
                Expr? target = c switch { Assign a => a.Target, Accumulate a => a.Target, _ => null };
                if (target is VariableRef reference && parameters.Contains(reference.Variable))
                {
                    assignedParameters.Add(reference.Variable);
                }
            });
        }

        // Declared again: mentioned on the forward side by nothing but its own declaration and those of others declared
        // again, with a value from constants, lengths, unassigned parameters and others declared again.
        var again = new HashSet<int>(order.Where(local => !elsewhere.Contains(local)));
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (int local in again.ToList())
            {
                bool repeatable = CodeWalker.Expressions(declarations[local]).All(e => !ExprWalker.Any(e, x => x switch
                {
                    VariableRef v => !(parameters.Contains(v.Variable) && !assignedParameters.Contains(v.Variable)) && !again.Contains(v.Variable),
                    SpanOf s => !again.Contains(s.Buffer) && !parameters.Contains(s.Buffer),
                    ElementRef or Popped or Invocation => true,
                    _ => false,
                }));
                bool neededByKept = order.Any(other => !again.Contains(other) && Mentions(declarations[other]).Contains(local));
                if (!repeatable || neededByKept)
                {
                    again.Remove(local);
                    changed = true;
                }
            }
        }

        // What the backward side uses, with what the declarations it repeats use.
        var used = new HashSet<int>();
        foreach (Sequence part in backwardSide)
        {
            used.UnionWith(Mentions(part));
        }

        changed = true;
        while (changed)
        {
            changed = false;
            foreach (int local in used.Where(again.Contains).ToList())
            {
                foreach (int mentioned in Mentions(declarations[local]))
                {
                    changed |= mentioned != local && used.Add(mentioned);
                }
            }
        }

        var kept = new List<int>();
        var dead = new List<int>();
        foreach (int local in used.OrderBy(l => l))
        {
            bool crosses = declarations.ContainsKey(local) ? !again.Contains(local) : assignedParameters.Contains(local);
            if (!crosses)
            {
                continue;
            }

            if (program.Locals[local].Shape == LocalShape.Scalar && !Liveness.IsReadBeforeWritten(local, backwardSide))
            {
                if (!parameters.Contains(local))
                {
                    dead.Add(local);
                }

                continue;
            }

            kept.Add(local);
        }

        var redeclared = order.Where(local => again.Contains(local) && used.Contains(local)).Select(local => declarations[local]).ToList();
        return new SweepBoundary(kept, redeclared, dead, again);
    }

    /// <summary>Every local a statement (and what it nests) mentions: read, written, declared, indexed, pushed, disposed.</summary>
    public static HashSet<int> Mentions(Code code)
    {
        var found = new HashSet<int>();
        CodeWalker.Visit(code, c =>
        {
            int local = c switch
            {
                Declare d => d.Local,
                DeclareBuffer b => b.Local,
                _ => CodeWalker.LocalOf(c),
            };
            if (local >= 0)
            {
                found.Add(local);
            }
        });
        CodeWalker.VisitExpressions(code, e =>
        {
            if (ExprWalker.LocalOf(e) is int local and >= 0)
            {
                found.Add(local);
            }
        });
        return found;
    }

    /// <summary>The top-level declarations of a part (through comments and sections); what the rest mentions goes to <paramref name="elsewhere"/>.</summary>
    private static void CollectTopLevel(Sequence part, Dictionary<int, Code> declarations, List<int> order, HashSet<int> elsewhere)
    {
        foreach (Code item in part.Items)
        {
            switch (item)
            {
                case Declare d:
                    declarations[d.Local] = d;
                    order.Add(d.Local);
                    elsewhere.UnionWith(Mentions(d).Where(l => l != d.Local && !declarations.ContainsKey(l)));
                    break;
                case DeclareBuffer b:
                    declarations[b.Local] = b;
                    order.Add(b.Local);
                    elsewhere.UnionWith(Mentions(b).Where(l => l != b.Local && !declarations.ContainsKey(l)));
                    break;
                case Sequence or Commented or Section:
                    CollectTopLevel(CodeWalker.Blocks(item).Single(), declarations, order, elsewhere);
                    break;
                default:
                    elsewhere.UnionWith(Mentions(item));
                    break;
            }
        }
    }
}
