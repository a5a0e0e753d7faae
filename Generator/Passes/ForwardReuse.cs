using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Passes;

/// <summary>
/// Common subexpressions shared between a statement's value and its partials: what the forward sweep computes for a
/// statement and its adjoint computes again is computed once. When the reverse sweep reaches a statement's adjoint,
/// every variable holds the value it had before the statement ran, so a subexpression of the statement's value has the
/// same value in both sweeps. Outside loops the forward sweep keeps it in a local the adjoint reads; inside a loop,
/// where the next iteration overwrites that local, only an expensive one (a call of Exp, Log, Tanh, …) is kept, in a
/// saved slot; cheap arithmetic is computed again, which costs less than saving it.
/// </summary>
/// <example>
/// Before: <c>_result1 = 1 / (1 + Exp(-z));</c> … <c>double _v1 = 1 + Exp(-z); double _v2 = Exp(-z);</c>
/// After: <c>_e2 = Exp(-z); _e1 = 1 + _e2; _result1 = 1 / _e1;</c> … <c>double _v1 = _e1; double _v2 = _e2;</c>
/// </example>
internal static class ForwardReuse
{
    public static AdjointProgram Run(AdjointProgram program)
    {
        var forwardBlocks = new Dictionary<int, (Commented Block, EquatableArray<int> Loops)>();
        CollectForward(program.Forward, new List<int>(), forwardBlocks);
        var reverseBlocks = new Dictionary<int, Commented>();
        CodeWalker.Visit(program.Reverse, code =>
        {
            if (code is Commented { Sweep: Sweep.Reverse } commented)
            {
                reverseBlocks[commented.Statement] = commented;
            }
        });

        var state = new State(program);
        var forwardRewrites = new Dictionary<int, Commented>();
        var reverseRewrites = new Dictionary<int, Commented>();
        foreach (KeyValuePair<int, Commented> pair in reverseBlocks)
        {
            if (!forwardBlocks.TryGetValue(pair.Key, out (Commented Block, EquatableArray<int> Loops) forward))
            {
                continue;
            }

            (Commented newForward, Commented newReverse) = Share(forward.Block, pair.Value, forward.Loops, state);
            if (!ReferenceEquals(newForward, forward.Block))
            {
                forwardRewrites[pair.Key] = newForward;
                reverseRewrites[pair.Key] = newReverse;
            }
        }

        if (forwardRewrites.Count == 0)
        {
            return program;
        }

        Code Replace(Code code, Dictionary<int, Commented> rewrites) =>
            code is Commented commented && rewrites.TryGetValue(commented.Statement, out Commented? rewritten) && commented.Sweep == rewritten.Sweep
                ? rewritten
                : code;

        return program with
        {
            Locals = state.Locals.ToEquatableArray(),
            Slots = state.Slots.ToEquatableArray(),
            Prologue = new Sequence(program.Prologue.Items.Concat(state.Hoisted).ToEquatableArray()),
            Forward = CodeWalker.RewriteSequence(program.Forward, code => Replace(code, forwardRewrites)),
            Reverse = CodeWalker.RewriteSequence(program.Reverse, code => Replace(code, reverseRewrites)),
        };
    }

    private sealed class State
    {
        public State(AdjointProgram program)
        {
            Locals = program.Locals.ToList();
            Slots = program.Slots.ToList();
        }

        public List<Local> Locals { get; }

        public List<SaveSlot> Slots { get; }

        public List<Code> Hoisted { get; } = new();

        public int Add(Local local)
        {
            Locals.Add(local);
            return Locals.Count - 1;
        }
    }

    private static void CollectForward(Sequence sequence, List<int> loops, Dictionary<int, (Commented, EquatableArray<int>)> into)
    {
        foreach (Code code in sequence.Items)
        {
            switch (code)
            {
                case Commented { Sweep: Sweep.Forward } commented:
                    into[commented.Statement] = (commented, loops.ToEquatableArray());
                    break;
                case LoopCode loop:
                    loops.Add(loop.Origin);
                    CollectForward(loop.Body, loops, into);
                    loops.RemoveAt(loops.Count - 1);
                    break;
                default:
                    foreach (Sequence block in CodeWalker.Blocks(code))
                    {
                        CollectForward(block, loops, into);
                    }

                    break;
            }
        }
    }

    private static (Commented Forward, Commented Reverse) Share(Commented forward, Commented reverse, EquatableArray<int> loops, State state)
    {
        Commented originalForward = forward;
        while (LargestShared(forward, reverse, inLoop: loops.Count > 0) is Expr shared)
        {
            int temp = state.Add(new Local("_e", shared.Type, LocalShape.Scalar, LocalRole.Temporary));
            var value = new VariableRef(shared.Type, temp);
            var forwardItems = new List<Code>();
            bool computed = false;
            foreach (Code item in forward.Body.Items)
            {
                if (!computed && item is Assign or Declare && CodeWalker.Expressions(item).Any(e => Contains(e, shared)))
                {
                    forwardItems.Add(loops.Count > 0 ? new Declare(temp, shared) : new Assign(value, "", shared));
                    computed = true;
                }

                forwardItems.Add(CodeWalker.RewriteExpressions(item, e => e.Equals(shared) ? value : null));
            }

            Expr inReverse = value;
            var reverseItems = new List<Code>();
            if (loops.Count > 0)
            {
                // The next iteration overwrites the local: keep its value for this iteration's adjoint.
                int slot = state.Slots.Count;
                state.Slots.Add(new SaveSlot(slot, shared.Type, loops));
                forwardItems.Add(new Save(slot, value));
                int loaded = state.Add(new Local("_e", shared.Type, LocalShape.Scalar, LocalRole.Temporary));
                reverseItems.Add(new Declare(loaded, new Saved(shared.Type, slot)));
                inReverse = new VariableRef(shared.Type, loaded);
            }
            else
            {
                state.Hoisted.Add(new Declare(temp, null));
            }

            reverseItems.AddRange(CodeWalker.RewriteAllExpressions(reverse.Body, e => e.Equals(shared) ? inReverse : null).Items);
            forward = forward with { Body = new Sequence(forwardItems.ToEquatableArray()) };
            reverse = reverse with { Body = new Sequence(reverseItems.ToEquatableArray()) };
        }

        return ReferenceEquals(forward, originalForward) ? (originalForward, reverse) : (forward, reverse);
    }

    /// <summary>The largest subexpression the adjoint computes that the statement's forward code computes too, if any.</summary>
    private static Expr? LargestShared(Commented forward, Commented reverse, bool inLoop)
    {
        var computed = new List<Expr>();
        foreach (Code item in forward.Body.Items)
        {
            if (item is Assign or Declare)
            {
                foreach (Expr expr in CodeWalker.Expressions(item))
                {
                    computed.Add(expr);
                }
            }
        }

        Expr? best = null;
        int bestSize = 0;
        CodeWalker.VisitExpressions(reverse.Body, e =>
        {
            if (e.Type is not (ScalarType.Float or ScalarType.Double) || !Candidate(e) || (inLoop && !Expensive(e)))
            {
                return;
            }

            int size = Size(e);
            if (size > bestSize && computed.Any(c => Contains(c, e)))
            {
                best = e;
                bestSize = size;
            }
        });
        return best;
    }

    /// <summary>Worth sharing: an operation (not a name or a constant) that computes only from values.</summary>
    private static bool Candidate(Expr expr) =>
        expr is Binary or Unary or Intrinsic or Conversion
        && !ExprWalker.Any(expr, e => e is Saved or Popped or Invocation or RefTo or Conditional);

    /// <summary>Whether evaluating it costs more than a store and a load: it calls a transcendental function.</summary>
    private static bool Expensive(Expr expr) => ExprWalker.Any(expr, e => e is Intrinsic
    {
        Name: not ("Abs" or "Min" or "Max" or "Clamp" or "Sign" or "Floor" or "Ceiling" or "Round" or "Truncate" or "FusedMultiplyAdd"),
    });

    private static bool Contains(Expr expr, Expr part) => ExprWalker.Any(expr, e => e.Equals(part));

    private static int Size(Expr expr)
    {
        int size = 0;
        ExprWalker.Visit(expr, _ => size++);
        return size;
    }
}
