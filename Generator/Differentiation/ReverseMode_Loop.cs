using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

// Loops: for, while and do. The reverse sweep runs the iterations backwards; a canonical for runs its counter
// backwards, and a loop whose bounds do not change has its trip count computed again rather than saved.
internal sealed partial class ReverseMode
{
    private List<Code> BuildLoop(Model.Loop loop, List<Code> forward)
    {
        bool work = _plan.HasReverseWork(loop);
        bool nested = _index.IsInLoop(loop);
        int[] relevant = RelevantJumps(loop, continuesOnly: false);
        int[] continues = RelevantJumps(loop, continuesOnly: true);
        var frame = new LoopFrame(loop, work, nested, work && relevant.Length > 0);
        CanonicalCounter? counter = loop.Counter;
        LoopFrame? parent = InnermostLoop;

        // A canonical loop that always runs to its condition over stable bounds has a trip count the reverse
        // sweep can compute again, so the forward sweep neither counts nor saves it.
        ReverseHeader? directHeader = null;
        Expr? tripFormula = work && relevant.All(continues.Contains) ? TripFormula(loop, out directHeader) : null;
        bool stableStart = counter is not null && (counter.Start is Literal || _plan.IsStable(counter.Start));

        // Loops whose trip counts are all known on entry keep their per-iteration values in buffers indexed by
        // iteration, sized once before the outermost of them starts, rather than on the stack. A checkpointed loop
        // records one iteration (a √N segment) at a time and reverses it at once: its buffers hold that many iterations.
        bool checkpointed = loop.Id == _checkpointed;
        Expr? recordLength = checkpointed && tripFormula is not null ? RecordLength(tripFormula) : tripFormula;
        frame.Indexed = tripFormula is not null && (parent is null || parent.Indexed)
            && !ReadsLoopCounter(counter!.Start) && !ReadsLoopCounter(BoundOf(loop)!);
        if (frame.Indexed)
        {
            frame.TripFormula = recordLength;
            frame.Root = parent?.Root ?? frame;
        }

        if (work)
        {
            frame.Trips = directHeader is null || frame.Indexed ? Hoist(ScalarType.Int, "_trips") : -1;
            frame.CountsTrips = tripFormula is null;
            if (counter is not null && !stableStart)
            {
                frame.Start = Hoist(ScalarType.Int, "_start");
            }

            if (frame.RecordsExit)
            {
                frame.Exit = Hoist(ScalarType.Int, "_exit");
            }
        }

        // A continue must still reach the increment (written at the end of the body) and the exit record.
        if (continues.Length > 0 && (frame.RecordsExit || loop.Increment.Statements.Count > 0))
        {
            frame.Label = NewLabel();
        }

        // A running extremum's winner is found over all iterations; a checkpointed loop reverses each right after
        // recording it, before the later ones have run again, so it saves the extremum like any overwritten value.
        List<RunningExtremum> extrema = loop.Id == _checkpointed ? new List<RunningExtremum>() : FindRunningExtrema(loop, work, relevant.Length);

        // Forward.
        List<Code> initializerReverse = BuildBlock(loop.Initializer, forward);
        StartRunningExtrema(extrema, forward);
        Expr start = counter is null ? Int(0) : frame.Start >= 0 ? Ref(frame.Start) : counter.Start;
        if (frame.Start >= 0)
        {
            forward.Add(new Assign(Ref(frame.Start), "", counter!.Start));
        }

        if (frame.CountsTrips)
        {
            forward.Add(new Assign(Ref(frame.Trips), "", Int(0)));
        }

        if (frame.Indexed && frame.Root == frame)
        {
            forward.Add(new AllocateSaved(loop.Id));
        }

        if (frame.Indexed)
        {
            forward.Add(new Assign(Ref(frame.Trips), "", recordLength!));
            Expr iteration = checkpointed
                ? CheckpointedIteration(counter!, start, frame.Trips)
                : stableStart && start is Literal { Code: "0" } && counter!.Step == 1
                ? Ref(counter.Variable)
                : new Binary(ScalarType.Int, "/", new Binary(ScalarType.Int, "-", Ref(counter!.Variable), start), Int(counter.Step));
            frame.Iteration = parent is { Indexed: true }
                ? new Binary(ScalarType.Int, "+", new Binary(ScalarType.Int, "*", parent.Iteration!, Ref(frame.Trips)), iteration)
                : iteration;
        }

        _loops.Add(new LoopRecord(loop.Id, frame.Indexed, frame.Iteration, frame.Indexed ? recordLength : null, frame.Root?.Loop.Id ?? -1));

        // A nested loop without a trip formula saves its start and trips after it ends (or before a return leaves it).
        if (work && nested && frame.CountsTrips)
        {
            frame.StartSlot = frame.Start >= 0 ? NewSlot(ScalarType.Int) : -1;
            frame.TripsSlot = NewSlot(ScalarType.Int);
        }

        _frames.Add(frame);
        var body = new List<Code>();
        if (frame.CountsTrips)
        {
            body.Add(new Assign(Ref(frame.Trips), "+", Int(1)));
        }

        if (frame.Label >= 0 && frame.RecordsExit)
        {
            body.Add(new Assign(Ref(frame.Exit), "", Int(0)));
        }

        if (frame.RecordsExit)
        {
            frame.ExitSlot = NewSlot(ScalarType.Int);
        }

        ExitScope outerScope = _scope;
        _scope = new ExitScope(frame.Exit, relevant, continues);
        List<Code> bodyReverse = BuildBlock(loop.Body, body);
        if (frame.Label >= 0)
        {
            body.Add(new LabelMark(frame.Label, "_next"));
        }

        // The increment runs after the body whether it ended or continued: guarded as a whole below.
        _scope = ExitScope.None;
        List<Code> incrementReverse = BuildBlock(loop.Increment, body);
        if (frame.RecordsExit && (frame.Label >= 0 || !EndsWithJump(loop.Body)))
        {
            body.Add(new Save(frame.ExitSlot, frame.Label >= 0 ? Ref(frame.Exit) : Int(0)));
        }

        _scope = outerScope;
        _frames.RemoveAt(_frames.Count - 1);
        forward.Add(ForwardLoop(loop, counter, start, body));
        if (work && nested)
        {
            SaveLoopRecord(frame, forward);
            foreach (RunningExtremum running in extrema)
            {
                running.Slot = NewSlot(ScalarType.Long);
                forward.Add(new Save(running.Slot, Ref(running.Winner)));
            }
        }

        // Reverse.
        var reverse = new List<Code>();
        if (!work)
        {
            return reverse;
        }

        ReverseRunningExtremaBefore(extrema, reverse);
        if (tripFormula is not null && (directHeader is null || frame.Indexed))
        {
            reverse.Add(new Assign(Ref(frame.Trips), "", frame.Indexed ? recordLength! : tripFormula));
        }
        else if (tripFormula is null && nested)
        {
            reverse.Add(new Assign(Ref(frame.Trips), "", new Saved(ScalarType.Int, frame.TripsSlot)));
            if (frame.Start >= 0)
            {
                reverse.Add(new Assign(Ref(frame.Start), "", new Saved(ScalarType.Int, frame.StartSlot)));
            }
        }

        var iterationBody = new List<Code>();
        if (counter is not null && directHeader is null && counter.Step is not (1 or -1))
        {
            // for (int k = trips − 1; k ≥ 0; k−−) { int i = start + k·step; … }
            int k = AddLocal(new Local("_k", ScalarType.Int, LocalShape.Scalar, LocalRole.Temporary));
            iterationBody.Add(new Declare(counter.Variable, new Binary(ScalarType.Int, "+", start,
                new Binary(ScalarType.Int, "*", Ref(k), Int(counter.Step)))));
            frame.ReverseCounter = k;
        }

        if (frame.RecordsExit)
        {
            iterationBody.Add(new Assign(Ref(frame.Exit), "", new Saved(ScalarType.Int, frame.ExitSlot)));
        }

        foreach (Declaration declaration in loop.Body.Statements.OfType<Declaration>())
        {
            if (_keptByValue.TryGetValue(declaration.Id, out int kept))
            {
                iterationBody.Add(new Section("kept: " + declaration.Source, ToSequence(new List<Code>
                {
                    new Assign(Ref(declaration.Variable), "", new Saved(_locals[declaration.Variable].Type, kept)),
                })));
            }
            else if (!_plan.IsExploratory && _plan.IsRecomputed(declaration))
            {
                iterationBody.Add(new Section("recomputed: " + declaration.Source, ToSequence(new List<Code>
                {
                    new Assign(Ref(declaration.Variable), "", declaration.Initializer!),
                })));
            }
        }

        if (incrementReverse.Count > 0)
        {
            Expr? guard = frame.RecordsExit ? new ExitScope(frame.Exit, relevant, continues).IncrementGuard(this) : null;
            if (guard is null)
            {
                iterationBody.AddRange(incrementReverse);
            }
            else
            {
                iterationBody.Add(new If(guard, ToSequence(incrementReverse), null));
            }
        }

        iterationBody.AddRange(bodyReverse);
        reverse.Add(WinnerOnly(extrema, counter, iterationBody) ?? ReverseLoop(loop, frame, counter, start, directHeader, iterationBody));
        ReverseRunningExtremaAfter(extrema, reverse);
        reverse.AddRange(initializerReverse);
        return new List<Code> { new Section(loop.Source, ToSequence(reverse)) };
    }

    private Code ForwardLoop(Model.Loop loop, CanonicalCounter? counter, Expr start, List<Code> body)
    {
        Sequence bodySequence = ToSequence(body);
        Sequence step = ToSequence(new List<Code>());
        if (loop.Kind == LoopKind.Do)
        {
            return new LoopCode(LoopForm.Do, -1, null, loop.Condition ?? Bool(true), step, bodySequence, loop.Id, Sweep.Forward);
        }

        if (counter is not null)
        {
            var increment = new List<Code> { new Assign(Ref(counter.Variable), counter.Step > 0 ? "+" : "-", Int(System.Math.Abs(counter.Step))) };
            return new LoopCode(LoopForm.For, counter.Variable, start, loop.Condition, ToSequence(increment), bodySequence, loop.Id, Sweep.Forward);
        }

        return loop.Kind == LoopKind.For && loop.Condition is null
            ? new LoopCode(LoopForm.For, -1, null, null, step, bodySequence, loop.Id, Sweep.Forward)
            : new LoopCode(LoopForm.While, -1, null, loop.Condition ?? Bool(true), step, bodySequence, loop.Id, Sweep.Forward);
    }

    private Code ReverseLoop(Model.Loop loop, LoopFrame frame, CanonicalCounter? counter, Expr start, ReverseHeader? directHeader, List<Code> body)
    {
        Sequence bodySequence = ToSequence(body);
        LoopCode Counted(int variable, Expr first, string comparison, Expr last, int step) => new(
            LoopForm.For, variable, first, new Binary(ScalarType.Bool, comparison, Ref(variable), last),
            ToSequence(new List<Code> { new Assign(Ref(variable), step > 0 ? "+" : "-", Int(1)) }), bodySequence, loop.Id, Sweep.Reverse);

        if (directHeader is { } header)
        {
            return Counted(counter!.Variable, header.First, header.Comparison, header.Last, header.Step);
        }

        Expr trips = Ref(frame.Trips);
        if (counter is null)
        {
            // for (; trips > 0; trips−−)
            return new LoopCode(LoopForm.For, -1, null, new Binary(ScalarType.Bool, ">", trips, Int(0)),
                ToSequence(new List<Code> { new Assign(trips, "-", Int(1)) }), bodySequence, loop.Id, Sweep.Reverse);
        }

        if (counter.Step == 1)
        {
            Expr first = start is Literal { Code: "0" }
                ? Minus(trips, 1)
                : new Binary(ScalarType.Int, "-", new Binary(ScalarType.Int, "+", start, trips), Int(1));
            return Counted(counter.Variable, first, ">=", start, -1);
        }

        if (counter.Step == -1)
        {
            Expr first = new Binary(ScalarType.Int, "+", new Binary(ScalarType.Int, "-", start, trips), Int(1));
            return Counted(counter.Variable, first, "<=", start, 1);
        }

        return Counted(frame.ReverseCounter, Minus(trips, 1), ">=", Int(0), -1);
    }

    /// <summary>
    /// How many iterations of the checkpointed loop are recorded before they are reversed: a binomial run's length
    /// (<c>Revolve.BinomialRecordLength</c>) or a √N segment's (<c>Revolve.SegmentLength</c>), what the schedule uses.
    /// </summary>
    private Expr RecordLength(Expr tripFormula) => _method.Checkpoint == CheckpointKind.SqrtN
        ? new Invocation(ScalarType.Int, SegmentLengthMethod, new[] { tripFormula }.ToEquatableArray(), IsPure: true)
        : BinomialRecordLength(tripFormula, _method.Snapshots);

    /// <summary>The length of the runs a binomial schedule of <paramref name="steps"/> iterations records at a time.</summary>
    internal static Expr BinomialRecordLength(Expr steps, int snapshots) =>
        new Invocation(ScalarType.Int, RecordLengthMethod, new[] { steps, Int(snapshots) }.ToEquatableArray(), IsPure: true);

    /// <summary>The runtime's binomial run length (<c>Revolve.BinomialRecordLength(steps, snapshots)</c>).</summary>
    internal const string RecordLengthMethod = "global::SourceGrad.Checkpointing.Revolve.BinomialRecordLength";

    /// <summary>The runtime's √N segment length (<c>Revolve.SegmentLength(steps)</c>).</summary>
    internal const string SegmentLengthMethod = "global::SourceGrad.Checkpointing.Revolve.SegmentLength";

    /// <summary>The position of an iteration of the checkpointed loop in its record: its place in its run or segment.</summary>
    private Expr CheckpointedIteration(CanonicalCounter counter, Expr start, int recordLength)
    {
        Expr step = start is Literal { Code: "0" } ? Ref(counter.Variable) : new Binary(ScalarType.Int, "-", Ref(counter.Variable), start);
        return new Binary(ScalarType.Int, "%", step, Ref(recordLength));
    }

    /// <summary>Saves a nested loop's start and trip count, which the reverse sweep reads before reversing it.</summary>
    private void SaveLoopRecord(LoopFrame frame, List<Code> code)
    {
        if (!frame.CountsTrips)
        {
            return;
        }

        if (frame.StartSlot >= 0)
        {
            code.Add(new Save(frame.StartSlot, Ref(frame.Start)));
        }

        code.Add(new Save(frame.TripsSlot, Ref(frame.Trips)));
    }

    /// <summary>How a canonical loop with a unit step runs backwards: from the last value its counter took to its start.</summary>
    private sealed record ReverseHeader(Expr First, string Comparison, Expr Last, int Step);

    /// <summary>The trip count of a canonical loop from its start, bound and step, or null when it has none.</summary>
    private Expr? TripFormula(Model.Loop loop, out ReverseHeader? directHeader)
    {
        directHeader = null;
        if (loop.Counter is not { } counter || loop.Condition is not Binary { Operator: "<" or "<=" or ">" or ">=" } comparison
            || !(counter.Start is Literal || _plan.IsStable(counter.Start)))
        {
            return null;
        }

        string op = comparison.Operator;
        Expr bound;
        if (comparison.Left is VariableRef left && left.Variable == counter.Variable)
        {
            bound = comparison.Right;
        }
        else if (comparison.Right is VariableRef right && right.Variable == counter.Variable)
        {
            bound = comparison.Left;
            op = op switch { "<" => ">", "<=" => ">=", ">" => "<", _ => "<=" };
        }
        else
        {
            return null;
        }

        if (bound.Type != ScalarType.Int || !_plan.IsStable(bound))
        {
            return null;
        }

        Expr start = counter.Start;
        int step = counter.Step;
        directHeader = (op, step) switch
        {
            ("<", 1) => new ReverseHeader(Minus(bound, 1), ">=", start, -1),
            ("<=", 1) => new ReverseHeader(bound, ">=", start, -1),
            (">", -1) => new ReverseHeader(new Binary(ScalarType.Int, "+", bound, Int(1)), "<=", start, 1),
            (">=", -1) => new ReverseHeader(bound, "<=", start, 1),
            _ => null,
        };
        Expr? span = (op, step > 0) switch
        {
            ("<", true) when start is Literal { Code: "0" } => bound,
            ("<", true) => new Binary(ScalarType.Int, "-", bound, start),
            ("<=", true) => new Binary(ScalarType.Int, "+", new Binary(ScalarType.Int, "-", bound, start), Int(1)),
            (">", false) => new Binary(ScalarType.Int, "-", start, bound),
            (">=", false) => new Binary(ScalarType.Int, "+", new Binary(ScalarType.Int, "-", start, bound), Int(1)),
            _ => null,
        };
        if (span is null)
        {
            return null;
        }

        int magnitude = System.Math.Abs(step);
        Expr count = magnitude == 1
            ? span
            : new Binary(ScalarType.Int, "/", new Binary(ScalarType.Int, "+", span, Int(magnitude - 1)), Int(magnitude));
        return new Intrinsic(ScalarType.Int, "Max", new[] { Int(0), count }.ToEquatableArray());
    }

    private static Expr Minus(Expr expr, int amount) =>
        expr is Literal { Type: ScalarType.Int } literal && int.TryParse(literal.Code, out int value)
            ? Int(value - amount)
            : new Binary(ScalarType.Int, "-", expr, Int(amount));

    private static Expr? BoundOf(Model.Loop loop) => loop.Condition is Binary comparison
        ? (comparison.Left is VariableRef left && left.Variable == loop.Counter?.Variable ? comparison.Right : comparison.Left)
        : null;

    private bool ReadsLoopCounter(Expr expr)
    {
        var reads = new HashSet<int>();
        StatementIndex.Reads(expr, reads);
        return reads.Any(v => _method.Variables[v].Kind == VariableKind.LoopCounter);
    }

    private int[] RelevantJumps(Model.Loop loop, bool continuesOnly)
    {
        var ids = new List<int>();
        Walk(loop.Body, 0);
        Walk(loop.Increment, 0);
        ids.Sort();
        return ids.ToArray();

        void Walk(Statement statement, int depth)
        {
            switch (statement)
            {
                case Jump { Kind: JumpKind.Return } jump when !continuesOnly:
                    ids.Add(jump.Id);
                    break;
                case Jump { Kind: JumpKind.Break } jump when depth == 0 && !continuesOnly:
                    ids.Add(jump.Id);
                    break;
                case Jump { Kind: JumpKind.Continue } jump when depth == 0:
                    ids.Add(jump.Id);
                    break;
                case Block block:
                    foreach (Statement child in block.Statements)
                    {
                        Walk(child, depth);
                    }

                    break;
                case IfStatement conditional:
                    Walk(conditional.Then, depth);
                    if (conditional.Else is not null)
                    {
                        Walk(conditional.Else, depth);
                    }

                    break;
                case Model.Loop inner:
                    Walk(inner.Body, depth + 1);
                    Walk(inner.Increment, depth + 1);
                    break;
            }
        }
    }

    private sealed class LoopFrame
    {
        public LoopFrame(Model.Loop loop, bool recorded, bool nested, bool recordsExit)
        {
            Loop = loop;
            Recorded = recorded;
            Nested = nested;
            RecordsExit = recordsExit;
        }

        public Model.Loop Loop { get; }

        /// <summary>Whether the loop has reverse work (its trips are recorded when they must be).</summary>
        public bool Recorded { get; }

        public bool Nested { get; }

        /// <summary>Whether each iteration records how it ended (a break, continue or return is relevant).</summary>
        public bool RecordsExit { get; }

        public int Trips { get; set; } = -1;

        /// <summary>Whether the forward sweep counts (and, when nested, saves) the trips.</summary>
        public bool CountsTrips { get; set; }

        /// <summary>Whether this loop's per-iteration records live in buffers indexed by iteration.</summary>
        public bool Indexed { get; set; }

        public Expr? TripFormula { get; set; }

        /// <summary>The iteration's position in the nest of indexed loops: the index into the buffers.</summary>
        public Expr? Iteration { get; set; }

        /// <summary>The outermost indexed loop of the nest, which sizes the buffers before it starts.</summary>
        public LoopFrame? Root { get; set; }

        public int Start { get; set; } = -1;

        public int Exit { get; set; } = -1;

        public int Label { get; set; } = -1;

        public int ExitSlot { get; set; } = -1;

        public int TripsSlot { get; set; } = -1;

        public int StartSlot { get; set; } = -1;

        /// <summary>The iteration number the reverse loop counts down when the step is not ±1.</summary>
        public int ReverseCounter { get; set; } = -1;
    }

    /// <summary>
    /// Which statements of a scope (a loop body, or the method) ran, from the exit code the forward sweep
    /// recorded: 0 when the scope ran to its end, else the id of the jump that left it. Jump ids follow source
    /// order, so a statement ran unless the jump taken lies before it.
    /// </summary>
    private sealed class ExitScope
    {
        public static readonly ExitScope None = new(-1, System.Array.Empty<int>(), System.Array.Empty<int>());

        private readonly int _variable;
        private readonly int[] _jumps;
        private readonly int[] _continues;

        public ExitScope(int variable, int[] jumps, int[] continues)
        {
            _variable = variable;
            _jumps = jumps;
            _continues = continues;
        }

        public Expr? Guard(Statement statement, ReverseMode builder)
        {
            if (_variable < 0 || !_jumps.Any(j => j < statement.Id))
            {
                return null;
            }

            int[] later = _jumps.Where(j => j >= statement.Id).ToArray();
            Expr exit = builder.Ref(_variable);
            Expr ranToEnd = new Binary(ScalarType.Bool, "==", exit, Int(0));
            return later.Length == 0
                ? ranToEnd
                : new Binary(ScalarType.Bool, "||", ranToEnd, new Binary(ScalarType.Bool, ">=", exit, Int(later.Min())));
        }

        public Expr? IncrementGuard(ReverseMode builder)
        {
            if (_variable < 0 || _jumps.All(j => _continues.Contains(j)))
            {
                return null;
            }

            Expr exit = builder.Ref(_variable);
            Expr guard = new Binary(ScalarType.Bool, "==", exit, Int(0));
            foreach (int jump in _continues)
            {
                guard = new Binary(ScalarType.Bool, "||", guard, new Binary(ScalarType.Bool, "==", exit, Int(jump)));
            }

            return guard;
        }
    }
}
