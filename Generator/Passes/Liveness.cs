using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Passes;

/// <summary>
/// Whether a variable's value after a statement can still be read: the code that runs next is scanned in execution
/// order — the rest of each enclosing block, the next iteration of each enclosing loop, then what follows the sweep —
/// and the first statement that mentions the variable decides: an assignment that does not read it makes it dead,
/// anything else (a read, or a mention inside a branch or a loop) counts as a read. Conservative: "live" may be wrong,
/// "dead" is not.
/// </summary>
internal static class Liveness
{
    public static bool IsLiveAfter(AdjointProgram program, Code statement, int variable)
    {
        var path = new List<(Sequence Block, int Index, Code? Owner)>();
        if (!Find(program.Reverse, null, statement, path))
        {
            return true;
        }

        for (int level = path.Count - 1; level >= 0; level--)
        {
            (Sequence block, int index, Code? owner) = path[level];
            if (Decide(block, index + 1, block.Items.Count, variable) is bool live)
            {
                return live;
            }

            // A loop body runs again from its start: up to the statement, the next iteration is what runs next.
            if (owner is LoopCode loop && ReferenceEquals(block, loop.Body) && Decide(block, 0, index + 1, variable) is bool again)
            {
                return again;
            }
        }

        bool used = false;
        CodeWalker.VisitExpressions(program.Epilogue, e => used |= e is VariableRef v && v.Variable == variable);
        return used || (program.Result is not null && ExprWalker.Any(program.Result, e => e is VariableRef v && v.Variable == variable));
    }

    /// <summary>
    /// Whether code that starts with <paramref name="parts"/> (in order) may read the variable's value from before it:
    /// the first statement that mentions it decides, as in <see cref="IsLiveAfter"/>. Only for scalars: buffers and
    /// stacks are mentioned in ways this does not see.
    /// </summary>
    public static bool IsReadBeforeWritten(int variable, params Sequence[] parts)
    {
        foreach (Sequence part in parts)
        {
            if (Decide(part, 0, part.Items.Count, variable) is bool live)
            {
                return live;
            }
        }

        return false;
    }

    /// <summary>Live (true), dead (false) or not mentioned (null) in items [from, to) of a block.</summary>
    private static bool? Decide(Sequence block, int from, int to, int variable)
    {
        for (int i = from; i < to; i++)
        {
            Code item = block.Items[i];
            if (!Mentions(item, variable))
            {
                continue;
            }

            switch (item)
            {
                case Assign { Operator: "", Target: VariableRef target } assign when target.Variable == variable:
                    return ExprWalker.Any(assign.Value, e => e is VariableRef v && v.Variable == variable);
                case Commented or Section:
                    Sequence inner = CodeWalker.Blocks(item).Single();
                    if (Decide(inner, 0, inner.Items.Count, variable) is bool decided)
                    {
                        return decided;
                    }

                    continue;

                // A loop that overwrites the variable before anything in it reads it either runs (and kills it) or does
                // not (and leaves it as it was): what follows the loop decides.
                case LoopCode loop when !HeaderMentions(loop, variable) && KilledFirst(loop.Body, variable):
                    continue;
                default:
                    return true;
            }
        }

        return null;
    }

    /// <summary>Whether the first statement of the body that mentions the variable (through comments, not into branches) overwrites it.</summary>
    public static bool KilledFirst(Sequence body, int variable)
    {
        foreach (Code item in body.Items)
        {
            if (!Mentions(item, variable))
            {
                continue;
            }

            return item switch
            {
                Assign { Operator: "", Target: VariableRef target } assign when target.Variable == variable =>
                    !ExprWalker.Any(assign.Value, e => e is VariableRef v && v.Variable == variable),
                Commented commented => KilledFirst(commented.Body, variable),
                Section section => KilledFirst(section.Body, variable),
                _ => false,
            };
        }

        return false;
    }

    private static bool HeaderMentions(LoopCode loop, int variable) =>
        new[] { loop.Start, loop.Condition }.Any(e => e is not null && ExprWalker.Any(e, x => x is VariableRef v && v.Variable == variable))
        || Mentions(loop.Step, variable);

    private static bool Find(Sequence block, Code? owner, Code statement, List<(Sequence, int, Code?)> path)
    {
        for (int i = 0; i < block.Items.Count; i++)
        {
            path.Add((block, i, owner));
            if (ReferenceEquals(block.Items[i], statement))
            {
                return true;
            }

            foreach (Sequence inner in CodeWalker.Blocks(block.Items[i]))
            {
                if (Find(inner, block.Items[i], statement, path))
                {
                    return true;
                }
            }

            path.RemoveAt(path.Count - 1);
        }

        return false;
    }

    private static bool Mentions(Code code, int variable)
    {
        bool found = false;
        CodeWalker.VisitExpressions(code, e => found |= e is VariableRef v && v.Variable == variable);
        if (code is Declare declare && declare.Local == variable)
        {
            found = true;
        }

        return found;
    }
}
