using System.Collections.Generic;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Passes;

/// <summary>
/// Removes what nothing needs, until nothing more goes: saves whose value no load reads (nothing is kept that nothing
/// takes back), writes to generated locals nothing reads (a trip count the reverse loop no longer uses, an adjoint
/// nothing propagates from), and the branches, reverse loops and commented blocks that are left empty.
/// Before the storage pass a load (<see cref="Saved"/>) may go with the code that reads it, since its save then goes
/// too; after it, nothing that pops a stack is removed, so the stacks stay balanced.
/// </summary>
/// <example>
/// Before: <c>_trips1 = Math.Max(0, n); for (int i = n - 1; i >= 0; i--) { … }</c> with <c>_trips1</c> read nowhere.
/// After: <c>for (int i = n - 1; i >= 0; i--) { … }</c>.
/// Also removes the forward sweep's writes to a generated local the forward sweep never reads and the code after it
/// overwrites before reading: a tangent the reverse loop recomputes in each iteration (Hessian-vector products)
/// is not also computed, lane by lane, in the forward loop.
/// </example>
internal static class DeadCode
{
    public static AdjointProgram Run(AdjointProgram program)
    {
        while (true)
        {
            Uses uses = Uses.Of(program);
            AdjointProgram next = program.MapParts(sequence => CodeWalker.RewriteSequence(sequence, code => Prune(code, program, uses)));
            HashSet<int> overwritten = OverwrittenAfterForward(next);
            if (overwritten.Count > 0)
            {
                next = next with { Forward = CodeWalker.RewriteSequence(next.Forward, code => code is Assign { Target: VariableRef target } assign
                    && overwritten.Contains(target.Variable) && Pure(assign.Value) ? Sequence.Empty : code) };
            }

            if (next.Equals(program))
            {
                return next;
            }

            program = next;
        }
    }

    private static Code Prune(Code code, AdjointProgram program, Uses uses)
    {
        switch (code)
        {
            // A declaration stays while a write of its local does (one whose value has effects is kept).
            case Declare declare when Removable(program, declare.Local) && !uses.IsUsed(declare.Local) && !uses.IsWritten(declare.Local) && Pure(declare.Value):
            case Assign { Target: VariableRef target } assign when Removable(program, target.Variable) && !uses.IsUsed(target.Variable) && Pure(assign.Value):
            case Accumulate { Target: VariableRef accumulated } accumulate when Removable(program, accumulated.Variable) && !uses.IsUsed(accumulated.Variable) && Pure(accumulate.Value):
            case Save save when !uses.IsRead(save.Slot):
            case If conditional when conditional.Then.IsEmpty && (conditional.Else?.IsEmpty ?? true) && Pure(conditional.Condition):
            case LoopCode { Sweep: Sweep.Reverse } loop when loop.Body.IsEmpty && Pure(loop.Start) && Pure(loop.Condition):
            case Section { Body.IsEmpty: true }:
            case Commented { Body.IsEmpty: true }:
                return Sequence.Empty;
            case If { Then.IsEmpty: false, Else.IsEmpty: true } conditional:
                return conditional with { Else = null };
            default:
                return code;
        }
    }

    /// <summary>Whether the pass may delete writes to a local: a numbered generated scalar (not the contract's names).</summary>
    private static bool Removable(AdjointProgram program, int local)
    {
        Local variable = program.Locals[local];
        return variable.Role != LocalRole.Primal && variable.Numbered && variable.Shape.IsValue();
    }

    /// <summary>
    /// The generated locals the forward sweep writes and never reads whose value the rest of the program (between the
    /// sweeps, the reverse sweep, the epilogue) overwrites before any read, so no forward write of them is ever read.
    /// </summary>
    private static HashSet<int> OverwrittenAfterForward(AdjointProgram program)
    {
        var written = new HashSet<int>();
        CodeWalker.Visit(program.Forward, code =>
        {
            if (code is Assign { Operator: "", Target: VariableRef target } && Removable(program, target.Variable)
                && program.Locals[target.Variable].Shape == LocalShape.Scalar)
            {
                written.Add(target.Variable);
            }
        });
        if (written.Count == 0)
        {
            return written;
        }

        var forwardOnly = program with { Prologue = Sequence.Empty, BetweenSweeps = Sequence.Empty, Reverse = Sequence.Empty, Epilogue = Sequence.Empty, Result = null };
        Uses forwardUses = Uses.Of(forwardOnly);
        written.RemoveWhere(local => forwardUses.IsUsed(local)
            || (program.Result is not null && ExprWalker.Any(program.Result, e => e is VariableRef v && v.Variable == local))
            || Liveness.IsReadBeforeWritten(local, program.BetweenSweeps, program.Reverse, program.Epilogue));
        return written;
    }

    /// <summary>
    /// Whether evaluating the expression does nothing but compute its value (a load counts: its save goes too; so does a
    /// pure call, such as a checkpointed loop's run length when nothing indexes saves by it).
    /// </summary>
    private static bool Pure(Expr? expr) => expr is null
        || !ExprWalker.Any(expr, e => e is Invocation { IsPure: false } or Popped or RefTo);

    /// <summary>Which locals some code reads, and which slots some load reads.</summary>
    private sealed class Uses
    {
        private readonly HashSet<int> _used = new();
        private readonly HashSet<int> _readSlots = new();
        private readonly HashSet<int> _written = new();

        public bool IsUsed(int local) => _used.Contains(local);

        public bool IsWritten(int local) => _written.Contains(local);

        public bool IsRead(int slot) => _readSlots.Contains(slot);

        public static Uses Of(AdjointProgram program)
        {
            var uses = new Uses();

            // Until the storage pass writes the loads, the loop records hold the index expressions of saved values.
            foreach (LoopRecord loop in program.Loops)
            {
                foreach (Expr? expr in new[] { loop.Iteration, loop.TripCount })
                {
                    if (expr is not null)
                    {
                        uses.Add(expr);
                    }
                }
            }

            CodeWalker.Visit(program.Whole(), code =>
            {
                foreach (Expr expr in CodeWalker.Expressions(code))
                {
                    // Writing a local (=, op=, +=) does not use it; an element target reads its buffer and index.
                    bool writtenOnly = expr is VariableRef && code switch
                    {
                        Assign assign => ReferenceEquals(assign.Target, expr),
                        Accumulate accumulate => ReferenceEquals(accumulate.Target, expr),
                        _ => false,
                    };
                    if (!writtenOnly)
                    {
                        uses.Add(expr);
                    }
                    else
                    {
                        uses._written.Add(((VariableRef)expr).Variable);
                    }
                }

                if (CodeWalker.LocalOf(code) is int local and >= 0)
                {
                    uses._used.Add(local);
                }
            });
            return uses;
        }

        private void Add(Expr expr) => ExprWalker.Visit(expr, e =>
        {
            if (ExprWalker.LocalOf(e) is int local and >= 0)
            {
                _used.Add(local);
            }
            else if (e is Saved saved)
            {
                _readSlots.Add(saved.Slot);
            }
        });
    }
}
