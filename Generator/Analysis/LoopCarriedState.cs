using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;
using SourceGrad.Generator.Passes;

namespace SourceGrad.Generator.Analysis;

/// <summary>
/// The loop-carried state of a checkpointed loop: what a snapshot must hold so that running iterations again from it
/// gives the values the first run gave. Among the variables the loop's primal body (its forward body without the saves)
/// writes and does not declare (its counter aside):
/// <list type="bullet">
/// <item>a scalar is carried when an iteration may read it before writing it (<see cref="Liveness"/>: the value lives
/// into the next iteration), or when code outside the loop mentions it (the reverse sweep of what comes before the loop
/// reads the value the loop started from, which the last iteration reversed puts back);</item>
/// <item>a buffer (a span or array the loop writes elements of, copies into, or passes to a callee that may write it) is
/// carried whole;</item>
/// <item>and so is what the loop only reads when the code after it overwrites it (a span a call after the loop updates in
/// place): the iterations run again after that code, and must see what they saw the first time.</item>
/// </list>
/// Adjoints are not state: the reverse sweep alone writes them, and it runs each iteration's reverse once. Nor is a value
/// only a save reads: an iteration's reverse reads what its own recording wrote, or the values carried into it.
/// </summary>
internal sealed class LoopCarriedState
{
    private LoopCarriedState(List<int> scalars, List<int> buffers)
    {
        Scalars = scalars;
        Buffers = buffers;
    }

    /// <summary>Scalar locals of the state, by id, in id order.</summary>
    public IReadOnlyList<int> Scalars { get; }

    /// <summary>Buffer locals of the state (copied whole), by id, in id order.</summary>
    public IReadOnlyList<int> Buffers { get; }

    /// <summary>
    /// The state of the loop <paramref name="forward"/> runs (its reverse twin is <paramref name="reverse"/>) in
    /// <paramref name="program"/>, whose body without saves is <paramref name="primal"/>.
    /// </summary>
    public static LoopCarriedState Of(AdjointProgram program, LoopCode forward, LoopCode reverse, Sequence primal)
    {
        var declared = new HashSet<int> { forward.Counter };
        var scalars = new HashSet<int>();
        var buffers = new HashSet<int>();
        var read = new HashSet<int>();
        CodeWalker.Visit(primal, code =>
        {
            switch (code)
            {
                case Declare declare:
                    declared.Add(declare.Local);
                    break;
                case DeclareBuffer buffer:
                    declared.Add(buffer.Local);
                    break;
                case LoopCode { Counter: >= 0 } inner:
                    declared.Add(inner.Counter);
                    break;
            }

            Writes(program, code, scalars, buffers);
            foreach (Expr expr in CodeWalker.Expressions(code))
            {
                ExprWalker.Visit(expr, e => read.Add(ExprWalker.LocalOf(e)));
            }
        });

        // What the loop reads and the code after it overwrites: the iterations run again after that code ran.
        var laterScalars = new HashSet<int>();
        var laterBuffers = new HashSet<int>();
        bool seen = false;
        WritesAfter(program, program.Forward, forward, ref seen, laterScalars, laterBuffers);
        scalars.UnionWith(laterScalars.Where(read.Contains));
        buffers.UnionWith(laterBuffers.Where(read.Contains));

        var outside = new HashSet<int>();
        foreach (Code part in new Code[] { program.Forward, program.BetweenSweeps, program.Reverse, program.Epilogue })
        {
            Mentions(part, forward, reverse, outside);
        }

        if (program.Result is not null)
        {
            ExprWalker.Visit(program.Result, e => outside.Add(ExprWalker.LocalOf(e)));
        }

        bool IsState(int local) => !declared.Contains(local)
            && program[local].Role is LocalRole.Primal or LocalRole.Temporary
            && program[local].Shape is not (LocalShape.CheckpointSchedule or LocalShape.SaveStack)
            && program[local].Type != ScalarType.Other;

        return new LoopCarriedState(
            scalars.Where(IsState).Where(s => laterScalars.Contains(s) || outside.Contains(s) || Liveness.IsReadBeforeWritten(s, primal)).OrderBy(s => s).ToList(),
            buffers.Where(IsState).OrderBy(b => b).ToList());
    }

    /// <summary>
    /// What <paramref name="code"/> itself writes (not the code nested in it): a variable is a scalar written; an element
    /// or a span written names its buffer, as does a span or array passed to a callee that may write it.
    /// </summary>
    private static void Writes(AdjointProgram program, Code code, HashSet<int> scalars, HashSet<int> buffers)
    {
        void Written(Expr target)
        {
            if (ExprWalker.LocalOf(target) is int local and >= 0)
            {
                (target is VariableRef ? scalars : buffers).Add(local);
            }
        }

        switch (code)
        {
            case Assign { Target: var target }:
                Written(target);
                break;
            case Accumulate { Target: var target }:
                Written(target);
                break;
            case CopySpan copy:
                Written(copy.Destination);
                break;
            case StackRange { Operation: not RangeOperation.Push } range:
                Written(range.Span);
                break;
            case StoreVector store:
                Written(store.Span);
                break;
        }

        foreach (Expr expr in CodeWalker.Expressions(code))
        {
            ExprWalker.Visit(expr, e =>
            {
                switch (e)
                {
                    case RefTo reference:
                        Written(reference.Target);
                        break;
                    case OutTo { Target: { } target }:
                        Written(target);
                        break;
                    case Invocation invocation:
                        // A slice, or a whole span or array passed as it is (a double[] local to a Span<double> parameter).
                        foreach (Expr argument in invocation.Arguments)
                        {
                            if (argument is SpanOf span && program[span.Buffer].Shape is not LocalShape.ReadOnlySpan)
                            {
                                buffers.Add(span.Buffer);
                            }
                            else if (argument is VariableRef whole && program[whole.Variable].Shape is LocalShape.Span or LocalShape.Array)
                            {
                                buffers.Add(whole.Variable);
                            }
                        }

                        break;
                }
            });
        }
    }

    /// <summary>
    /// What the code of <paramref name="part"/> after <paramref name="loop"/> writes (declarations aside), in program
    /// order; <paramref name="seen"/> says whether the loop has been passed.
    /// </summary>
    private static void WritesAfter(AdjointProgram program, Sequence part, LoopCode loop, ref bool seen, HashSet<int> scalars, HashSet<int> buffers)
    {
        foreach (Code item in part.Items)
        {
            if (ReferenceEquals(item, loop))
            {
                seen = true;
            }
            else if (seen)
            {
                CodeWalker.Visit(item, code => Writes(program, code, scalars, buffers));
            }
            else
            {
                foreach (Sequence block in CodeWalker.Blocks(item))
                {
                    WritesAfter(program, block, loop, ref seen, scalars, buffers);
                }
            }
        }
    }

    /// <summary>The locals <paramref name="code"/> mentions outside the two loops.</summary>
    private static void Mentions(Code code, LoopCode forward, LoopCode reverse, HashSet<int> into)
    {
        if (ReferenceEquals(code, forward) || ReferenceEquals(code, reverse))
        {
            return;
        }

        foreach (Expr expr in CodeWalker.Expressions(code))
        {
            ExprWalker.Visit(expr, e => into.Add(ExprWalker.LocalOf(e)));
        }

        foreach (Sequence block in CodeWalker.Blocks(code))
        {
            foreach (Code item in block.Items)
            {
                Mentions(item, forward, reverse, into);
            }
        }
    }
}
