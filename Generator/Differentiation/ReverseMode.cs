using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

/// <summary>
/// Reverse-mode differentiation: primal IR in, adjoint program out. It walks the statement tree once, giving each
/// statement its forward code (with the saves the plan asks for) and its adjoint for the reverse sweep, where
/// statements come in reverse order and every variable holds the value it had just before the statement ran.
/// One file per construct (ReverseMode_*.cs); the rules for operations are <see cref="DerivativeRules"/>.
/// </summary>
internal sealed partial class ReverseMode
{
    private readonly MethodModel _method;
    private readonly StatementIndex _index;
    private readonly ActivityAnalysis _activity;
    private readonly SavePlan _plan;

    /// <summary>Whether calls to a callee with split mode keep its saved state (see ReverseMode_Call); false for Hessian-vector products.</summary>
    private readonly bool _keepCallStates;

    /// <summary>The id of the loop MGradient checkpoints (see <see cref="CheckpointedLoop"/>), or −1.</summary>
    private readonly int _checkpointed;
    private readonly List<Local> _locals = new();
    private readonly List<SaveSlot> _slots = new();
    private readonly List<LoopRecord> _loops = new();
    private readonly List<Code> _prologue = new();
    private readonly List<Code> _betweenSweeps = new();
    private readonly List<Code> _epilogue = new();
    private readonly List<object> _frames = new();
    private readonly Dictionary<int, int> _adjoints = new();
    private readonly Dictionary<ScalarType, int> _stacks = new();
    private readonly Dictionary<ScalarType, int> _discards = new();
    private readonly Dictionary<int, int> _recordedConditions = new();

    /// <summary>Declarations in loops that keep their own value (see SavePlan.CanKeepByValue), by statement id, and its slot.</summary>
    private readonly Dictionary<int, int> _keptByValue = new();

    /// <summary>The adjoints the statement being differentiated adds into (for CheckFinite).</summary>
    private readonly List<Expr> _written = new();
    private Jump? _finalReturn;
    private int _result = -1;
    private int _seed = -1;
    private ExitScope _scope = ExitScope.None;
    private int _reverseLabel = -1;
    private int _labels;
    private int _functionExit = -1;

    /// <summary>The statement's value whose result the reverse sweep already holds (see <see cref="BuildWrite"/>), and where.</summary>
    private (Expr Value, Expr Where)? _knownResult;

    private ReverseMode(MethodModel method, StatementIndex index, ActivityAnalysis activity, SavePlan plan, bool keepCallStates)
    {
        _keepCallStates = keepCallStates;
        _method = method;
        _index = index;
        _activity = activity;
        _plan = plan;
        _checkpointed = CheckpointedLoop.Find(method, out _)?.Id ?? -1;
        foreach (Variable variable in method.Variables)
        {
            _locals.Add(new Local(variable.Name, variable.Type, ShapeOf(variable.Buffer), LocalRole.Primal, _locals.Count, Numbered: false));
        }
    }

    /// <summary>Reads of primal variables by the reverse code of each statement, beyond what that code itself shows.</summary>
    public Dictionary<int, HashSet<int>> ExtraReads { get; } = new();

    /// <summary>Statements whose own adjoint code is not empty.</summary>
    public HashSet<int> OwnReverseWork { get; } = new();

    /// <summary>
    /// Differentiates the method: a first pass without saves shows what each statement's adjoint reads; the
    /// to-be-recorded plan made from that decides what the second pass saves.
    /// </summary>
    public static AdjointProgram Differentiate(MethodModel method, out ActivityAnalysis activity, bool keepCallStates = true)
    {
        var index = new StatementIndex(method);
        activity = ActivityAnalysis.Run(method);

        // A checkpointed MGradient runs its loop's iterations again: its calls recompute their callees (see ReverseMode_Call).
        keepCallStates &= method.Checkpoint == CheckpointKind.None;
        var exploration = new ReverseMode(method, index, activity, SavePlan.Exploratory, keepCallStates);
        AdjointProgram explored = exploration.Build();
        ReverseReads reads = ReverseReads.Of(explored, method.Variables.Count, exploration.ExtraReads);
        SavePlan plan = SavePlan.Create(index, reads.Scalars, reads.Elements, exploration.OwnReverseWork, keepCallStates);
        return new ReverseMode(method, index, activity, plan, keepCallStates).Build();
    }

    private AdjointProgram Build()
    {
        if (_method.ReturnType is ScalarType returnType)
        {
            _result = Hoist(returnType, "_result");
            _seed = AddLocal(new Local("seed", returnType, LocalShape.Scalar, LocalRole.Temporary, Numbered: false));
        }

        if (_method.Body.Statements.Count > 0 && _method.Body.Statements[_method.Body.Statements.Count - 1] is Jump { Kind: JumpKind.Return } last)
        {
            _finalReturn = last;
        }

        int[] returns = AllStatements(_method.Body).OfType<Jump>()
            .Where(j => j.Kind == JumpKind.Return && j != _finalReturn)
            .Select(j => j.Id)
            .ToArray();
        if (returns.Length > 0)
        {
            _functionExit = Hoist(ScalarType.Int, "_exit");
        }

        _scope = new ExitScope(_functionExit, returns, System.Array.Empty<int>());

        DeclareScalarAdjoints();
        var forward = new List<Code>();
        List<Code> reverse = BuildBlock(_method.Body, forward);

        if (_reverseLabel >= 0)
        {
            _betweenSweeps.Insert(0, new LabelMark(_reverseLabel, "_reverse"));
        }

        KeepFinalContents();
        foreach (int parameter in _activity.AdjointParameters)
        {
            Variable variable = _method.Variables[parameter];
            if (!variable.IsBuffer)
            {
                int contract = AddLocal(new Local(Recognition.Types.AdjointName(variable.Name), variable.Type, LocalShape.Scalar, LocalRole.Adjoint, parameter, Numbered: false));
                _epilogue.Add(new Accumulate(Ref(contract), Ref(AdjointLocal(parameter))));
            }
        }

        return new AdjointProgram(
            _locals.ToEquatableArray(),
            _slots.ToEquatableArray(),
            _loops.ToEquatableArray(),
            ToSequence(_prologue),
            ToSequence(forward),
            ToSequence(_betweenSweeps),
            ToSequence(reverse),
            ToSequence(_epilogue),
            _result >= 0 ? Ref(_result) : null,
            CheckpointedLoop: _checkpointed);
    }

    /// <summary>
    /// The reverse sweep puts overwritten buffer elements back; a written buffer parameter gets its final contents
    /// back afterwards, so the gradient has the same effect on its arguments as the method.
    /// </summary>
    private void KeepFinalContents()
    {
        foreach (int buffer in _plan.FinalCopies.OrderBy(b => b))
        {
            Variable variable = _method.Variables[buffer];
            int final = AddLocal(new Local("_final", variable.Type, LocalShape.PooledBuffer, LocalRole.Temporary));
            (Code[] keep, Code[] putBack) = FinalContents(buffer, variable.Type, final);
            _betweenSweeps.AddRange(keep);
            _epilogue.AddRange(putBack);
        }
    }

    /// <summary>
    /// Keeping a buffer's final contents across the reverse sweep: what runs between the sweeps (a pooled copy of the
    /// buffer in <paramref name="final"/>) and what puts them back at the end (the copy back, then the pool's return).
    /// </summary>
    internal static (Code[] Keep, Code[] PutBack) FinalContents(int buffer, ScalarType type, int final) => (
        new Code[] { new DeclareBuffer(final, new LengthOf(buffer), BufferStorage.Pooled), new CopySpan(new SpanOf(type, buffer, null, null), new SpanOf(type, final, null, null)) },
        new Code[] { new CopySpan(new SpanOf(type, final, null, null), new SpanOf(type, buffer, null, null)), new Dispose(final) });

    /// <summary>Whether code between the sweeps already keeps <paramref name="buffer"/>'s final contents (<see cref="FinalContents"/>).</summary>
    internal static bool KeepsFinalContents(Sequence betweenSweeps, int buffer) =>
        betweenSweeps.Items.Any(code => code is CopySpan { Source: SpanOf { Buffer: var source, Start: null } } && source == buffer);

    private void DeclareScalarAdjoints()
    {
        for (int id = 0; id < _method.Variables.Count; id++)
        {
            Variable variable = _method.Variables[id];
            if (!variable.IsBuffer && variable.Kind is VariableKind.Local or VariableKind.CallResult && variable.Type != ScalarType.Other)
            {
                _prologue.Add(new Declare(id, null));
            }

            if (!variable.IsBuffer && _activity.HasAdjoint(id))
            {
                _prologue.Add(new Declare(AdjointLocal(id), Zero(variable.Type)));
            }
        }
    }

    // ---- Blocks ------------------------------------------------------------------------------------

    /// <summary>Writes a block's forward code and returns its reverse code (statements reversed, guarded).</summary>
    private List<Code> BuildBlock(Block block, List<Code> forward)
    {
        var reverses = new List<(Statement Statement, List<Code> Reverse)>();
        foreach (Statement statement in block.Statements)
        {
            reverses.Add((statement, BuildStatement(statement, forward)));
        }

        var reverse = new List<Code>();
        for (int i = reverses.Count - 1; i >= 0; i--)
        {
            (Statement statement, List<Code> code) = reverses[i];
            if (code.Count == 0)
            {
                continue;
            }

            Expr? guard = _scope.Guard(statement, this);
            if (guard is null)
            {
                reverse.AddRange(code);
            }
            else
            {
                reverse.Add(new If(guard, ToSequence(code), null));
            }
        }

        return reverse;
    }

    private List<Code> BuildStatement(Statement statement, List<Code> forward) => statement switch
    {
        Block block => BuildBlock(block, forward),
        Declaration declaration => BuildDeclaration(declaration, forward),
        BufferDeclaration buffer => BuildBufferDeclaration(buffer, forward),
        Assignment assignment => BuildAssignment(assignment, forward),
        CallStatement call => BuildCall(call, forward),
        IfStatement conditional => BuildIf(conditional, forward),
        Model.Loop loop => BuildLoop(loop, forward),
        Jump jump => BuildJump(jump, forward),
        _ => new List<Code>(),
    };

    // ---- Locals, slots and helpers -------------------------------------------------------------------

    private int AddLocal(Local local)
    {
        _locals.Add(local);
        return _locals.Count - 1;
    }

    /// <summary>The adjoint of a primal variable: the contract's <c>dX</c> for a buffer parameter, else a local.</summary>
    private int AdjointLocal(int variable)
    {
        if (!_adjoints.TryGetValue(variable, out int adjoint))
        {
            Variable v = _method.Variables[variable];
            LocalShape shape = v.IsBuffer ? LocalShape.Span : LocalShape.Scalar;
            adjoint = v.Kind == VariableKind.Parameter && v.IsBuffer
                ? AddLocal(new Local(Recognition.Types.AdjointName(v.Name), v.Type, shape, LocalRole.Adjoint, variable, Numbered: false))
                : AddLocal(new Local(v.Name, v.Type, shape, LocalRole.Adjoint, variable));
            _adjoints[variable] = adjoint;
        }

        return adjoint;
    }

    private VariableRef AdjointRef(int variable) => new(_method.Variables[variable].Type, AdjointLocal(variable));

    private VariableRef Ref(int local) => new(_locals[local].Type, local);

    /// <summary>A local declared at the top of the gradient (in the prologue) with its default value.</summary>
    private int Hoist(ScalarType type, string stem)
    {
        int local = AddLocal(new Local(stem, type, LocalShape.Scalar, LocalRole.Temporary));
        _prologue.Add(new Declare(local, null));
        return local;
    }

    /// <summary>A temporary declared where it is computed: <c>T stem1 = value;</c>.</summary>
    private VariableRef Temp(Expr value, List<Code> code, string stem, ScalarType? type = null)
    {
        int local = AddLocal(new Local(stem, type ?? value.Type, LocalShape.Scalar, LocalRole.Temporary));
        code.Add(new Declare(local, value));
        return Ref(local);
    }

    /// <summary>A new slot for a value saved at a point inside the current loops.</summary>
    private int NewSlot(ScalarType type)
    {
        var loops = new List<int>();
        foreach (object frame in _frames)
        {
            if (frame is LoopFrame loop)
            {
                loops.Add(loop.Loop.Id);
            }
        }

        _slots.Add(new SaveSlot(_slots.Count, type, loops.ToEquatableArray()));
        return _slots.Count - 1;
    }

    /// <summary>The save stack for values of <paramref name="type"/> (declared and disposed by the storage pass).</summary>
    private int Stack(ScalarType type)
    {
        if (!_stacks.TryGetValue(type, out int stack))
        {
            stack = AddLocal(new Local(StackStem(type), type, LocalShape.SaveStack, LocalRole.Temporary, Numbered: false));
            _stacks[type] = stack;
        }

        return stack;
    }

    /// <summary>The name the save stack of values of a type is given.</summary>
    public static string StackStem(ScalarType type) => type switch
    {
        ScalarType.Float => "_savedFloats",
        ScalarType.Double => "_savedDoubles",
        ScalarType.Long => "_savedLongs",
        _ => "_savedInts",
    };

    private int NewLabel() => _labels++;

    private Commented Commented(Statement statement, List<Code> reverse)
    {
        if (_method.CheckFinite)
        {
            // Debugging aid: name the first statement whose adjoint is not finite.
            var seen = new HashSet<Expr>();
            foreach (Expr adjoint in _written)
            {
                if (seen.Add(adjoint))
                {
                    reverse.Add(new Evaluate(new Invocation(ScalarType.Other, "global::SourceGrad.NonFiniteGradients.Check", new Expr[]
                    {
                        adjoint, new Quoted(adjoint), StringLiteral(statement.Source), StringLiteral(_method.Name),
                    }.ToEquatableArray())));
                }
            }
        }

        _written.Clear();
        return new Commented(statement.Id, statement.Source, Sweep.Reverse, ToSequence(reverse));
    }

    private static Literal StringLiteral(string text) =>
        new(ScalarType.Other, Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(text, quote: true));

    private static bool EndsWithJump(Block block) =>
        block.Statements.Count > 0 && block.Statements[block.Statements.Count - 1] is Jump;

    private LoopFrame? InnermostLoop
    {
        get
        {
            for (int i = _frames.Count - 1; i >= 0; i--)
            {
                if (_frames[i] is LoopFrame frame)
                {
                    return frame;
                }
            }

            return null;
        }
    }

    /// <summary>An <c>if</c> whose branch saves which way it went at its end (<see cref="Save"/>), before any jump out.</summary>
    private sealed class IfFrame
    {
        public IfFrame(Code save) => Save = save;

        public Code Save { get; }
    }
}
