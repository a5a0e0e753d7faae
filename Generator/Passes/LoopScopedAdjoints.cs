using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Passes;

/// <summary>
/// The adjoint of a value that lives within one iteration becomes a local of the reverse loop's body: declared zero at
/// the top of each iteration instead of at the top of the gradient, and no longer zeroed again at the iteration's end.
/// It applies where every use of the adjoint lies inside one reverse loop and the last thing each iteration does with
/// it is to zero it (so it is zero whenever an iteration starts). The same holds for an adjoint's tangent (the
/// Hessian-vector product's Hv adjoints), so both leave the gradient's loop with nothing carried between iterations.
/// </summary>
/// <example>
/// Before: <c>float _dS = 0f;</c> at the top; in the loop <c>… _dS += dY[o]; … dB[o] += _dS; _dS = 0f;</c>
/// After: in the loop <c>float _dS = 0f; … _dS += dY[o]; … dB[o] += _dS;</c>
/// </example>
internal static class LoopScopedAdjoints
{
    public static AdjointProgram Run(AdjointProgram program)
    {
        var candidates = new Dictionary<int, Declare>();
        foreach (Code code in program.Prologue.Items)
        {
            if (code is Declare { Value: Literal zero } declare && IsZero(zero)
                && program.Locals[declare.Local] is { Role: LocalRole.Adjoint or LocalRole.AdjointTangent, Numbered: true, Shape: LocalShape.Scalar })
            {
                candidates[declare.Local] = declare;
            }
        }

        // The innermost reverse loop around every use of each candidate (null: some use is outside every loop).
        var homes = new Dictionary<int, List<LoopCode>?>();
        foreach (Sequence part in new[] { program.Forward, program.BetweenSweeps, program.Reverse, program.Epilogue })
        {
            FindHomes(part, new List<LoopCode>(), candidates, homes);
        }

        var moved = new Dictionary<LoopCode, List<int>>(ReferenceComparer<LoopCode>.Instance);
        foreach (KeyValuePair<int, List<LoopCode>?> home in homes)
        {
            if (home.Value is { Count: > 0 } path && ZeroedLast(path[path.Count - 1].Body, home.Key))
            {
                LoopCode loop = path[path.Count - 1];
                if (!moved.TryGetValue(loop, out List<int>? locals))
                {
                    locals = new List<int>();
                    moved[loop] = locals;
                }

                locals.Add(home.Key);
            }
        }

        if (moved.Count == 0)
        {
            return program;
        }

        var movedLocals = new HashSet<int>(moved.Values.SelectMany(l => l));
        Sequence reverse = CodeWalker.RewriteSequence(program.Reverse, (original, code) =>
        {
            if (original is not LoopCode home || !moved.TryGetValue(home, out List<int>? locals))
            {
                return code;
            }

            var loop = (LoopCode)code;
            Sequence body = loop.Body;
            var declarations = new List<Code>();
            foreach (int local in locals)
            {
                body = RemoveLast(body, candidates[local].Value is { } zero ? new Assign(new VariableRef(program.Locals[local].Type, local), "", zero) : null!);
                declarations.Add(candidates[local]);
            }

            return loop with { Body = new Sequence(declarations.Concat(body.Items).ToEquatableArray()) };
        });
        return program with
        {
            Prologue = new Sequence(program.Prologue.Items.Where(c => !(c is Declare d && movedLocals.Contains(d.Local))).ToEquatableArray()),
            Reverse = reverse,
        };
    }

    private static void FindHomes(Sequence sequence, List<LoopCode> loops, Dictionary<int, Declare> candidates, Dictionary<int, List<LoopCode>?> homes)
    {
        foreach (Code code in sequence.Items)
        {
            foreach (Expr expr in CodeWalker.Expressions(code))
            {
                ExprWalker.Visit(expr, e =>
                {
                    if (e is VariableRef v && candidates.ContainsKey(v.Variable))
                    {
                        homes[v.Variable] = homes.TryGetValue(v.Variable, out List<LoopCode>? home)
                            ? CommonPrefix(home, loops)
                            : loops.ToList();
                    }
                });
            }

            if (code is Declare declare && candidates.ContainsKey(declare.Local))
            {
                homes[declare.Local] = null;
            }

            if (code is LoopCode loop)
            {
                loops.Add(loop);
                FindHomes(loop.Body, loops, candidates, homes);
                loops.RemoveAt(loops.Count - 1);
            }
            else
            {
                foreach (Sequence block in CodeWalker.Blocks(code))
                {
                    FindHomes(block, loops, candidates, homes);
                }
            }
        }
    }

    private static List<LoopCode>? CommonPrefix(List<LoopCode>? known, List<LoopCode> path)
    {
        if (known is null)
        {
            return null;
        }

        int length = 0;
        while (length < known.Count && length < path.Count && ReferenceEquals(known[length], path[length]))
        {
            length++;
        }

        return known.Take(length).ToList();
    }

    /// <summary>Whether the last statement of the body that touches the local, found from the end through comments only, zeroes it.</summary>
    private static bool ZeroedLast(Sequence body, int local)
    {
        for (int i = body.Items.Count - 1; i >= 0; i--)
        {
            Code item = body.Items[i];
            if (!Mentions(item, local))
            {
                continue;
            }

            return item switch
            {
                Assign { Operator: "", Target: VariableRef target, Value: Literal zero } when target.Variable == local => IsZero(zero),
                Commented commented => ZeroedLast(commented.Body, local),
                Section section => ZeroedLast(section.Body, local),
                _ => false,
            };
        }

        return false;
    }

    /// <summary>The body without the last occurrence of <paramref name="target"/>, looked for from the end through comments.</summary>
    private static Sequence RemoveLast(Sequence body, Code target)
    {
        var items = body.Items.ToList();
        for (int i = items.Count - 1; i >= 0; i--)
        {
            if (items[i].Equals(target))
            {
                items.RemoveAt(i);
                return new Sequence(items.ToEquatableArray());
            }

            if (items[i] is Commented or Section && Contains(items[i], target))
            {
                items[i] = items[i] switch
                {
                    Commented commented => commented with { Body = RemoveLast(commented.Body, target) },
                    Section section => section with { Body = RemoveLast(section.Body, target) },
                    _ => items[i],
                };
                return new Sequence(items.ToEquatableArray());
            }
        }

        return body;
    }

    private static bool Contains(Code code, Code target)
    {
        bool found = false;
        CodeWalker.Visit(code, c => found |= c.Equals(target));
        return found;
    }

    private static bool Mentions(Code code, int local)
    {
        bool found = false;
        CodeWalker.VisitExpressions(code, e => found |= e is VariableRef v && v.Variable == local);
        return found;
    }

    private static bool IsZero(Literal literal) => literal.Code is "0f" or "0d" or "0";
}
