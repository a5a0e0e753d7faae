using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

/// <summary>
/// Loop checkpointing ([Differentiable(Checkpoint = …)]): the optimised gradient program with its checkpointed loop
/// driven by a runtime schedule (<c>SourceGrad.Checkpointing.Revolve</c>) instead of recorded whole. The loop's forward
/// body F (with its saves, on the stacks: see <see cref="ReverseMode"/>) and reverse body R stay as the passes left them;
/// around them:
/// <list type="bullet">
/// <item>the forward sweep asks the schedule for its actions until the first reversal: <c>Advance</c> runs iterations
/// with F's saves removed (the primal, P), <c>TakeShot</c> copies the loop-carried state (<see cref="LoopCarriedState"/>)
/// into a snapshot, <c>Record</c> runs the last iterations with F; what follows the loop then runs forward and back;</item>
/// <item>the reverse sweep continues the schedule: <c>Reverse</c> runs R over what was just recorded, last iteration first,
/// <c>Restore</c> copies a snapshot back, and the others as before.</item>
/// </list>
/// Each iteration is reversed right after F ran it from the state it had in the first run, and the iterations are reversed
/// in the order the store-all reverse loop runs them, so the gradient is the store-all one bit for bit. Runs last, on
/// the printed form of the loops (a pass after it would have to know the schedule).
/// </summary>
internal static class LoopCheckpointing
{
    private const string Actions = "global::SourceGrad.Checkpointing.CheckpointAction.";

    /// <summary>The checkpointing stage: the method's gradient with its loop checkpointed, when it asks (a bug becomes SG0018).</summary>
    public static DifferentiatedMethod? Apply(DifferentiatedMethod? method)
    {
        if (method?.Program is not { CheckpointedLoop: >= 0 } program || method.Method.Checkpoint == CheckpointKind.None)
        {
            return method;
        }

        try
        {
            return method with { Program = Checkpoint(method.Method, program) };
        }
        catch (System.Exception exception) when (exception is not System.OperationCanceledException)
        {
            return GradientDifferentiation.Failed(method.Method, exception);
        }
    }

    private static AdjointProgram Checkpoint(MethodModel method, AdjointProgram program)
    {
        LoopCode forward = FindLoop(program.Forward, program.CheckpointedLoop, Sweep.Forward)
            ?? throw new System.InvalidOperationException("the checkpointed loop's forward loop is missing");
        if (FindLoop(program.Reverse, program.CheckpointedLoop, Sweep.Reverse) is not LoopCode reverse)
        {
            // Its reverse does nothing: nothing is saved for it, so there is nothing to checkpoint.
            return program;
        }

        if (forward.Counter < 0 || reverse.Counter != forward.Counter || forward.Condition is not Binary { Operator: "<" or "<=" } condition)
        {
            throw new System.InvalidOperationException("the checkpointed loop is not a canonical counted loop");
        }

        var locals = program.Locals.ToList();
        Sequence primal = WithoutSaves(forward.Body, locals);
        LoopCarriedState state = LoopCarriedState.Of(program, forward, reverse, primal);
        int Add(Local local)
        {
            locals.Add(local);
            return locals.Count - 1;
        }

        var prologue = program.Prologue.Items.ToList();
        var epilogue = program.Epilogue.Items.ToList();
        int schedule = Add(new Local("_schedule", ScalarType.Other, LocalShape.CheckpointSchedule, LocalRole.Temporary));
        prologue.Add(new Declare(schedule, null));
        epilogue.Add(new Dispose(schedule));
        Expr Member(ScalarType type, string name) => new MemberOf(type, schedule, name);
        Expr Is(string action) => new Binary(ScalarType.Bool, "==", Member(ScalarType.Other, "Action"), new Opaque(ScalarType.Other, Actions + action));

        // The iteration count, from the counter's start and the bound.
        int counter = forward.Counter;
        Expr start = forward.Start!;
        bool fromZero = start is Literal { Code: "0" };
        Expr bound = condition.Right;
        Expr span = fromZero ? bound : new Binary(ScalarType.Int, "-", bound, start);
        if (condition.Operator == "<=")
        {
            span = new Binary(ScalarType.Int, "+", span, Int(1));
        }

        Expr steps = new Intrinsic(ScalarType.Int, "Max", new[] { Int(0), span }.ToEquatableArray());
        Expr Iteration(Expr step) => fromZero ? step : new Binary(ScalarType.Int, "+", start, step);

        // The snapshots: per element type, a pooled buffer of SnapshotCount × stride values (the scalars, then each buffer whole).
        var setUp = new List<Code>();
        var take = new List<Code>();
        var restore = new List<Code>();
        var held = new List<string>();
        foreach (ScalarType type in state.Scalars.Concat(state.Buffers).Select(l => locals[l].Type).Distinct().OrderBy(t => t))
        {
            int[] scalars = state.Scalars.Where(s => locals[s].Type == type).ToArray();
            int[] buffers = state.Buffers.Where(b => locals[b].Type == type).ToArray();
            int stride = Add(new Local("_stride", ScalarType.Int, LocalShape.Scalar, LocalRole.Temporary));
            int snapshots = Add(new Local("_snapshots", type, LocalShape.PooledBuffer, LocalRole.Temporary));
            prologue.Add(new Declare(stride, null));
            prologue.Add(new Declare(snapshots, null));
            epilogue.Add(new Dispose(snapshots));
            Expr size = buffers.Aggregate<int, Expr>(Int(scalars.Length), (total, b) => total is Literal { Code: "0" } ? new LengthOf(b) : new Binary(ScalarType.Int, "+", total, new LengthOf(b)));
            setUp.Add(new Assign(Ref(locals, stride), "", size));
            setUp.Add(new Assign(Ref(locals, snapshots), "", new NewPooledBuffer(type, new Binary(ScalarType.Int, "*", Member(ScalarType.Int, "SnapshotCount"), Ref(locals, stride)))));

            Expr origin = new Binary(ScalarType.Int, "*", Member(ScalarType.Int, "Slot"), Ref(locals, stride));
            Expr At(Expr offset) => offset is Literal { Code: "0" } ? origin : new Binary(ScalarType.Int, "+", origin, offset);
            for (int k = 0; k < scalars.Length; k++)
            {
                var slot = new ElementRef(type, snapshots, At(Int(k)));
                take.Add(new Assign(slot, "", Ref(locals, scalars[k])));
                restore.Add(new Assign(Ref(locals, scalars[k]), "", slot));
            }

            Expr offset = Int(scalars.Length);
            foreach (int buffer in buffers)
            {
                var whole = new SpanOf(type, buffer, null, null);
                var part = new SpanOf(type, snapshots, At(offset), new LengthOf(buffer));
                take.Add(new CopySpan(whole, part));
                restore.Add(new CopySpan(part, whole));
                offset = offset is Literal { Code: "0" } ? new LengthOf(buffer) : new Binary(ScalarType.Int, "+", offset, new LengthOf(buffer));
            }

            held.AddRange(scalars.Concat(buffers).Select(l => l < method.Variables.Count ? method.Variables[l].Name : locals[l].Stem));
        }

        Sequence Steps(Sequence body, Sweep sweep) => new(new Code[]
        {
            new LoopCode(LoopForm.For, counter, Iteration(Member(ScalarType.Int, "From")),
                new Binary(ScalarType.Bool, "<", Ref(locals, counter), Iteration(Member(ScalarType.Int, "To"))),
                forward.Step, body, -1, sweep),
        }.ToEquatableArray());
        Sequence advance = Steps(primal, Sweep.Forward);
        Sequence record = Steps(forward.Body, Sweep.Forward);
        var reverseSteps = new Sequence(new Code[]
        {
            new LoopCode(LoopForm.For, counter, new Binary(ScalarType.Int, "-", Iteration(Member(ScalarType.Int, "To")), Int(1)),
                new Binary(ScalarType.Bool, ">=", Ref(locals, counter), Iteration(Member(ScalarType.Int, "From"))),
                reverse.Step, reverse.Body, -1, Sweep.Reverse),
        }.ToEquatableArray());
        var takeShot = new Sequence(take.ToEquatableArray());
        var restoreShot = new Sequence(restore.ToEquatableArray());

        Sequence Chain(params (string? Action, Sequence Then)[] branches)
        {
            Sequence chain = branches[branches.Length - 1].Then;
            for (int i = branches.Length - 2; i >= 0; i--)
            {
                chain = new Sequence(new Code[] { new If(Is(branches[i].Action!), branches[i].Then, chain) }.ToEquatableArray());
            }

            return chain;
        }

        // Restoring snapshots leaves a buffer parameter of the state as an earlier iteration had it: unless the store-all
        // program already puts its final contents back (its reverse restores elements too), keep them and put them back.
        var betweenSweeps = program.BetweenSweeps.Items.ToList();
        foreach (int buffer in state.Buffers.Where(b => b < method.Variables.Count && method.Variables[b].Kind == VariableKind.Parameter))
        {
            if (ReverseMode.KeepsFinalContents(program.BetweenSweeps, buffer))
            {
                continue;
            }

            ScalarType type = locals[buffer].Type;
            (Code[] keep, Code[] putBack) = ReverseMode.FinalContents(buffer, type, Add(new Local("_final", type, LocalShape.PooledBuffer, LocalRole.Temporary)));
            betweenSweeps.AddRange(keep);
            epilogue.InsertRange(0, putBack);
        }

        string what = method.Checkpoint == CheckpointKind.Binomial
            ? $"binomial checkpointing with at most {method.Snapshots} snapshots"
            : "√N checkpointing (a snapshot before each of about √N segments)";
        string snapshotText = held.Count == 0 ? "nothing (the loop carries no state)" : string.Join(", ", held);
        var forwardDriver = new List<Code>
        {
            new Comment($"{what} of {snapshotText}: the loop runs without its saves, then each iteration runs again with"),
            new Comment("them from the nearest snapshot just before the reverse sweep reverses it (SourceGrad.Checkpointing.Revolve)."),
            new Assign(Ref(locals, schedule), "", method.Checkpoint == CheckpointKind.Binomial
                ? new Invocation(ScalarType.Other, "global::SourceGrad.Checkpointing.Revolve.Binomial", new[] { steps, Int(method.Snapshots), ReverseMode.BinomialRecordLength(steps, method.Snapshots) }.ToEquatableArray())
                : new Invocation(ScalarType.Other, "global::SourceGrad.Checkpointing.Revolve.SqrtN", new[] { steps }.ToEquatableArray())),
        };
        forwardDriver.AddRange(setUp);
        forwardDriver.Add(new LoopCode(LoopForm.While, -1, null, Member(ScalarType.Bool, "NextForward()"), Sequence.Empty,
            Chain(("Advance", advance), ("TakeShot", takeShot), (null, record)), -1, Sweep.Forward));
        var reverseDriver = new List<Code>
        {
            new Comment("The rest of the schedule: reverse what was recorded, run again from snapshots, record, reverse."),
            new LoopCode(LoopForm.While, -1, null, Member(ScalarType.Bool, "Next()"), Sequence.Empty,
                Chain(("Reverse", reverseSteps), ("Advance", advance), ("TakeShot", takeShot), ("Restore", restoreShot), (null, record)), -1, Sweep.Reverse),
        };

        return program with
        {
            Locals = locals.ToEquatableArray(),
            Prologue = new Sequence(prologue.ToEquatableArray()),
            Forward = Replace(program.Forward, forward, forwardDriver),
            Reverse = Replace(program.Reverse, reverse, reverseDriver),
            BetweenSweeps = new Sequence(betweenSweeps.ToEquatableArray()),
            Epilogue = new Sequence(epilogue.ToEquatableArray()),
            CheckpointedLoop = -1,
        };
    }

    /// <summary>The loop of <paramref name="sweep"/> that runs primal loop <paramref name="origin"/>, at the top of <paramref name="part"/> (through comments, sections and guards).</summary>
    private static LoopCode? FindLoop(Sequence part, int origin, Sweep sweep)
    {
        foreach (Code item in part.Items)
        {
            switch (item)
            {
                case LoopCode loop when loop.Origin == origin && loop.Sweep == sweep:
                    return loop;
                case Sequence or Commented or Section or If:
                    foreach (Sequence block in CodeWalker.Blocks(item))
                    {
                        if (FindLoop(block, origin, sweep) is LoopCode found)
                        {
                            return found;
                        }
                    }

                    break;
            }
        }

        return null;
    }

    private static Sequence Replace(Sequence part, LoopCode loop, List<Code> replacement) =>
        CodeWalker.RewriteSequence(part, (original, code) => ReferenceEquals(original, loop) ? new Sequence(replacement.ToEquatableArray()) : code);

    /// <summary>
    /// The forward body without its saves: what an iteration runs when nothing will reverse it from this run. A save is a
    /// push, or a write into the storage of values saved by iteration or into a row of it (a span the body declares from it).
    /// </summary>
    private static Sequence WithoutSaves(Sequence body, List<Local> locals)
    {
        var storage = new HashSet<int>(Enumerable.Range(0, locals.Count).Where(l => Passes.SaveStorage.HoldsSaves(locals[l])));
        CodeWalker.Visit(body, code =>
        {
            if (code is Declare { Value: { } value } declare && ExprWalker.Any(value, e => storage.Contains(ExprWalker.LocalOf(e))))
            {
                storage.Add(declare.Local);
            }
        });
        bool IntoStorage(Expr target) => ExprWalker.Any(target, e => storage.Contains(ExprWalker.LocalOf(e)));
        return CodeWalker.RewriteSequence(body, code => code switch
        {
            Push or Save or StackRange { Operation: RangeOperation.Push } => Sequence.Empty,
            Declare declare when storage.Contains(declare.Local) => Sequence.Empty,
            Assign { Target: ElementRef element } when storage.Contains(element.Buffer) => Sequence.Empty,
            StoreVector store when IntoStorage(store.Span) => Sequence.Empty,
            CopySpan copy when IntoStorage(copy.Destination) => Sequence.Empty,
            _ => code,
        });
    }

    private static VariableRef Ref(List<Local> locals, int local) => new(locals[local].Type, local);
}
