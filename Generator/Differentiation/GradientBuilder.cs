using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Emission;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Differentiation;

/// <summary>
/// Differentiation: walks the statement tree once, writing each statement's forward code (with the saves the
/// plan asks for) and its adjoint for the reverse sweep, where statements come in reverse order and every
/// variable holds the value it had just before the statement ran.
/// </summary>
internal sealed class GradientBuilder
{
    private const string SaveStackType = "global::SourceGrad.Internal.SaveStack";
    private const string PooledBufferType = "global::SourceGrad.Internal.PooledBuffer";
    private static readonly Regex s_placeholder = new(@"\b(dy|a|b|c|y)\b|\b([A-Z][A-Za-z]*)(?=\()", RegexOptions.Compiled);

    private readonly MethodModel _method;
    private readonly StatementIndex _index;
    private readonly ActivityAnalysis _activity;
    private readonly SavePlan _plan;
    private readonly Names _names;
    private readonly ExpressionPrinter _printer;
    private readonly CodeBlock _prelude = new();
    private readonly CodeBlock _afterForward = new();
    private readonly CodeBlock _epilogue = new();
    private readonly List<object> _frames = new();
    private readonly Dictionary<ScalarType, string> _stacks = new();
    private readonly Dictionary<ScalarType, string> _discards = new();

    /// <summary>The adjoints the statement being differentiated adds into (for CheckFinite).</summary>
    private readonly List<string> _written = new();
    private Jump? _finalReturn;
    private string? _result;
    private ExitScope _scope = ExitScope.None;
    private bool _usesReverseLabel;
    private string? _functionExit;

    /// <summary>The statement's value whose result the reverse sweep already holds (see <see cref="BuildWrite"/>), and where.</summary>
    private (Expr Value, string Code)? _knownResult;

    private GradientBuilder(MethodModel method, StatementIndex index, ActivityAnalysis activity, SavePlan plan)
    {
        _method = method;
        _index = index;
        _activity = activity;
        _plan = plan;
        _names = new Names(method);
        _printer = new ExpressionPrinter(_names);
    }

    /// <summary>What each statement's adjoint reads (first pass), by statement id.</summary>
    public Dictionary<int, HashSet<int>> ReverseReads { get; } = new();

    /// <summary>The buffer elements each statement's adjoint reads (first pass), by statement id.</summary>
    public Dictionary<int, List<(int Buffer, Expr Index)>> ReverseElementReads { get; } = new();

    /// <summary>Statements whose own adjoint code is not empty (first pass).</summary>
    public HashSet<int> OwnReverseWork { get; } = new();

    /// <summary>Builds the gradient: a first pass learns what the reverse sweep reads, the second writes it.</summary>
    public static (string Body, Names Names, ActivityAnalysis Activity) Build(MethodModel method)
    {
        var index = new StatementIndex(method);
        ActivityAnalysis activity = ActivityAnalysis.Run(method);
        var exploration = new GradientBuilder(method, index, activity, SavePlan.Exploratory);
        exploration.BuildBody();
        SavePlan plan = SavePlan.Create(index, exploration.ReverseReads, exploration.ReverseElementReads, exploration.OwnReverseWork);
        var builder = new GradientBuilder(method, index, activity, plan);
        CodeBlock body = builder.BuildBody();
        var writer = new SourceWriter();
        writer.Indent();
        body.WriteTo(writer);
        return (writer.ToString(), builder._names, activity);
    }

    private CodeBlock BuildBody()
    {
        if (_method.ReturnType is ScalarType returnType)
        {
            _result = Hoist(returnType, "_result");
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
        var forward = new CodeBlock();
        CodeBlock reverse = BuildBlock(_method.Body, forward);

        // The reverse sweep puts overwritten buffer elements back; a written buffer parameter gets its final
        // contents back afterwards, so the gradient has the same effect on its arguments as the method.
        foreach (int buffer in _plan.FinalCopies.OrderBy(b => b))
        {
            Variable variable = _method.Variables[buffer];
            string name = _names.Of(buffer);
            string final = _names.Numbered("_final");
            string source = variable.Buffer == BufferKind.Array ? name + ".AsSpan()" : name;
            _afterForward.Line($"var {final} = new {PooledBufferType}<{TypeName(variable.Type)}>({name}.Length);");
            _afterForward.Line($"{source}.CopyTo({final}.Span);");
            _epilogue.Line($"{final}.Span.CopyTo({name});");
            _epilogue.Line($"{final}.Dispose();");
        }

        foreach (int parameter in _activity.AdjointParameters)
        {
            Variable variable = _method.Variables[parameter];
            if (!variable.IsBuffer)
            {
                _epilogue.Line($"{Recognition.Types.AdjointName(variable.Name)} += {_names.Adjoint(parameter)};");
            }
        }

        foreach (string stack in _stacks.Values)
        {
            _epilogue.Line($"{stack}.Dispose();");
        }

        var body = new CodeBlock();
        body.Add(_prelude);
        if (!_prelude.IsEmpty)
        {
            body.Line("");
        }

        body.Line("// Forward sweep: the original computation, keeping what the reverse sweep needs.");
        body.Add(forward);
        body.Line("");
        if (_usesReverseLabel)
        {
            body.Line("_reverse:");
            if (_afterForward.IsEmpty && reverse.IsEmpty && _epilogue.IsEmpty && _result is null)
            {
                body.Line(";");
            }
        }

        body.Add(_afterForward);
        reverse.FuseAccumulations(() => _names.Numbered("_g"));
        body.Line("// Reverse sweep: adjoints in reverse order, each below the statement it differentiates.");
        body.Add(reverse);
        if (!_epilogue.IsEmpty)
        {
            body.Line("");
            body.Add(_epilogue);
        }

        if (_result is not null)
        {
            body.Line($"return {_result};");
        }

        return body;
    }

    private void DeclareScalarAdjoints()
    {
        for (int id = 0; id < _method.Variables.Count; id++)
        {
            Variable variable = _method.Variables[id];
            if (!variable.IsBuffer && variable.Kind is VariableKind.Local or VariableKind.CallResult && variable.Type != ScalarType.Other)
            {
                _prelude.Line($"{TypeName(variable.Type)} {_names.Of(id)} = default;");
            }

            if (!variable.IsBuffer && _activity.HasAdjoint(id))
            {
                _prelude.Line($"{TypeName(variable.Type)} {_names.Adjoint(id)} = 0;");
            }
        }
    }

    // ---- Blocks and statements ----------------------------------------------------------------------

    /// <summary>Writes a block's forward code and returns its reverse code (statements reversed, guarded).</summary>
    private CodeBlock BuildBlock(Block block, CodeBlock forward)
    {
        var reverses = new List<(Statement Statement, CodeBlock Reverse)>();
        foreach (Statement statement in block.Statements)
        {
            reverses.Add((statement, BuildStatement(statement, forward)));
        }

        var reverse = new CodeBlock();
        for (int i = reverses.Count - 1; i >= 0; i--)
        {
            (Statement statement, CodeBlock code) = reverses[i];
            if (code.IsEmpty)
            {
                continue;
            }

            string? guard = _scope.Guard(statement);
            if (guard is null)
            {
                reverse.Add(code);
            }
            else
            {
                reverse.Nest($"if ({guard})", code);
            }
        }

        return reverse;
    }

    private CodeBlock BuildStatement(Statement statement, CodeBlock forward) => statement switch
    {
        Block block => BuildBlock(block, forward),
        Declaration declaration => BuildDeclaration(declaration, forward),
        BufferDeclaration buffer => BuildBufferDeclaration(buffer, forward),
        Assignment assignment => BuildAssignment(assignment, forward),
        CallStatement call => BuildCall(call, forward),
        IfStatement conditional => BuildIf(conditional, forward),
        Loop loop => BuildLoop(loop, forward),
        Jump jump => BuildJump(jump, forward),
        _ => new CodeBlock(),
    };

    private CodeBlock BuildDeclaration(Declaration declaration, CodeBlock forward)
    {
        Variable variable = _method.Variables[declaration.Variable];
        string name = _names.Of(declaration.Variable);
        Expr value = declaration.Initializer ?? Default(variable.Type);
        bool inLoop = _index.IsInLoop(declaration);
        bool active = _activity.HasAdjoint(declaration.Variable);
        return BuildWrite(declaration, forward, new VariableRef(variable.Type, declaration.Variable), "", value, inLoop, active,
            zeroAdjoint: inLoop);
    }

    private CodeBlock BuildAssignment(Assignment assignment, CodeBlock forward)
    {
        int target = assignment.Target is VariableRef v ? v.Variable : ((ElementRef)assignment.Target).Buffer;
        bool active = _activity.HasAdjoint(target) && assignment.Target.Type is ScalarType.Float or ScalarType.Double;
        return BuildWrite(assignment, forward, assignment.Target, assignment.Operator, assignment.Value, _index.IsInLoop(assignment), active,
            zeroAdjoint: true);
    }

    /// <summary>
    /// <c>target op= value</c>: forward, save the old value if the plan says so, then write; reverse, restore
    /// it, then propagate the target's adjoint into the value's operands.
    /// </summary>
    private CodeBlock BuildWrite(Statement statement, CodeBlock forward, Expr target, string op, Expr value, bool inLoop, bool active, bool zeroAdjoint)
    {
        var reverse = new CodeBlock();
        List<(Conditional Conditional, string Flag, string Guard)> flags = active ? RecordConditions(value) : new();
        string targetCode = _printer.Print(target);

        string? restore = null;
        if (!_plan.IsExploratory && _plan.SavesTarget(statement))
        {
            (string save, string load) = Save(target.Type, targetCode, inLoop);
            forward.Line(save);
            restore = $"{targetCode} = {load};";
        }

        WriteFlags(flags, inLoop, forward, out List<string> pushes, out List<string> pops);
        forward.Line(op.Length == 0 ? $"{targetCode} = {_printer.Print(value)};" : $"{targetCode} {op}= {_printer.Print(value)};");
        foreach (string push in pushes)
        {
            forward.Line(push);
        }

        BeginReads(statement);
        if (target is ElementRef written)
        {
            // Restoring or differentiating the element indexes it again in the reverse sweep.
            StatementIndex.Reads(written.Index, ReverseReads[statement.Id]);
        }

        // v = f(...) leaves f's result in v until the reverse sweep puts v's old value back: a rule that reads the
        // result (d tanh = 1 − y²) takes it from there instead of evaluating f again.
        if (active && op.Length == 0 && target is VariableRef && value is Intrinsic intrinsic && value.Type == target.Type
            && DerivativeRules.ReadsResult(intrinsic.Name))
        {
            string result = _printer.Print(target);
            if (restore is not null)
            {
                result = Temp(target.Type, result, reverse, "_y");
            }

            _knownResult = (value, result);
        }

        foreach (string pop in pops)
        {
            reverse.Line(pop);
        }

        if (restore is not null)
        {
            reverse.Line(restore);
        }

        if (active)
        {
            var adjoint = new CodeBlock();
            WriteAdjoint(target, op, value, zeroAdjoint, adjoint);
            _knownResult = null;
            if (!adjoint.IsEmpty)
            {
                OwnReverseWork.Add(statement.Id);
            }

            reverse.Add(adjoint);
        }

        EndReads();
        return Commented(statement, reverse);
    }

    private void WriteAdjoint(Expr target, string op, Expr value, bool zeroAdjoint, CodeBlock code)
    {
        string adjoint = AdjointOf(target, code);
        bool readsTarget = ReadsTarget(value, target);
        if (op is "+" or "-")
        {
            string upstream = adjoint;
            if (readsTarget && _activity.IsActive(value))
            {
                upstream = Temp(target.Type, adjoint, code, "_t");
            }

            Backprop(value, op == "+" ? upstream : Negate(upstream), code);
            return;
        }

        Expr full = op.Length == 0 ? value : new Binary(target.Type, op, target, value);
        if (readsTarget || op.Length > 0)
        {
            string upstream = Temp(target.Type, adjoint, code, "_t");
            if (zeroAdjoint)
            {
                code.Line($"{adjoint} = 0;");
            }

            Backprop(full, upstream, code);
        }
        else
        {
            Backprop(full, adjoint, code);
            if (zeroAdjoint)
            {
                code.Line($"{adjoint} = 0;");
            }
        }
    }

    private CodeBlock BuildBufferDeclaration(BufferDeclaration declaration, CodeBlock forward)
    {
        Variable variable = _method.Variables[declaration.Variable];
        string name = _names.Of(declaration.Variable);
        string element = TypeName(variable.Type);
        string length = _printer.Print(declaration.Length);
        forward.Line(declaration.StackAlloc
            ? $"{variable.TypeCode} {name} = stackalloc {element}[{length}];"
            : $"{variable.TypeCode} {name} = new {element}[{length}];");
        if (_activity.HasAdjoint(declaration.Variable))
        {
            string adjoint = _names.Adjoint(declaration.Variable);
            if (declaration.StackAlloc)
            {
                forward.Line($"global::System.Span<{element}> {adjoint} = stackalloc {element}[{name}.Length];");
                forward.Line($"{adjoint}.Clear();");
            }
            else
            {
                string pooled = _names.Fresh(adjoint + "Buffer");
                forward.Line($"var {pooled} = new {PooledBufferType}<{element}>({name}.Length);");
                forward.Line($"global::System.Span<{element}> {adjoint} = {pooled}.Span;");
                _epilogue.Line($"{pooled}.Dispose();");
            }
        }

        return new CodeBlock();
    }

    private CodeBlock BuildCall(CallStatement call, CodeBlock forward)
    {
        Callee callee = call.Callee;
        bool inLoop = _index.IsInLoop(call);
        var reverse = new CodeBlock();
        string resultName = call.ResultVariable >= 0 ? _names.Of(call.ResultVariable) : "";
        string? restoreResult = null;
        if (!_plan.IsExploratory && _plan.SavesTarget(call))
        {
            (string save, string load) = Save(callee.ReturnType!.Value, resultName, inLoop);
            forward.Line(save);
            restoreResult = $"{resultName} = {load};";
        }

        var savedBuffers = new List<(Argument Argument, ScalarType Type, string Code)>();
        for (int i = 0; i < call.Arguments.Count; i++)
        {
            Argument argument = call.Arguments[i];
            if (argument.IsBuffer && !_plan.IsExploratory && _plan.SavesBuffer(call, argument.Buffer)
                && !savedBuffers.Any(s => s.Argument.Buffer == argument.Buffer))
            {
                ScalarType type = _method.Variables[argument.Buffer].Type;
                string code = BufferCode(argument);
                forward.Line($"{Stack(type)}.PushRange({code});");
                savedBuffers.Add((argument, type, code));
            }
        }

        string primalArguments = string.Join(", ", call.Arguments.Select(ArgumentCode));
        string invocation = $"{callee.ContainingType}.{callee.Name}({primalArguments})";
        forward.Line(call.ResultVariable >= 0 ? $"{resultName} = {invocation};" : $"{invocation};");

        BeginReads(call);
        foreach (Argument argument in call.Arguments)
        {
            HashSet<int> reads = ReverseReads[call.Id];
            foreach (Expr? part in new[] { argument.Scalar, argument.SliceStart, argument.SliceLength })
            {
                if (part is not null)
                {
                    StatementIndex.Reads(part, reads);
                }
            }

            if (argument.IsBuffer)
            {
                reads.Add(argument.Buffer);
            }
        }

        bool resultActive = call.ResultVariable >= 0 && _activity.HasAdjoint(call.ResultVariable);
        bool anyActive = resultActive || call.Arguments.Select((a, i) => (a, i)).Any(p =>
            callee.Parameters[p.i].IsActive && (p.a.IsBuffer ? _activity.HasAdjoint(p.a.Buffer) : _activity.IsActive(p.a.Scalar!)));
        var afterCall = new CodeBlock();
        if (anyActive)
        {
            OwnReverseWork.Add(call.Id);
            var adjointArguments = new List<string>();
            for (int i = 0; i < call.Arguments.Count; i++)
            {
                CalleeParameter parameter = callee.Parameters[i];
                if (parameter.IsActive)
                {
                    adjointArguments.Add(AdjointArgument(call.Arguments[i], parameter, callee.AcceptsEmptyAdjoints, reverse, afterCall));
                }
            }

            if (callee.ReturnType is ScalarType returnType)
            {
                adjointArguments.Add(resultActive ? _names.Adjoint(call.ResultVariable) : Zero(returnType));
            }

            if (!callee.IsRule)
            {
                // The gradient re-runs the method: give it the buffers as they were before the call.
                var peeks = new List<string>();
                for (int i = 0; i < savedBuffers.Count; i++)
                {
                    string above = string.Join(" + ", savedBuffers.Skip(i + 1)
                        .Where(s => s.Type == savedBuffers[i].Type)
                        .Select(s => s.Code + ".Length"));
                    peeks.Add(above.Length == 0
                        ? $"{Stack(savedBuffers[i].Type)}.PeekRange({savedBuffers[i].Code});"
                        : $"{Stack(savedBuffers[i].Type)}.PeekRange({savedBuffers[i].Code}, {above});");
                }

                foreach (string peek in peeks)
                {
                    reverse.Line(peek);
                }
            }

            reverse.Line($"{callee.ContainingType}.{callee.ReverseName}({primalArguments}, {string.Join(", ", adjointArguments)});");
            if (resultActive)
            {
                reverse.Line($"{_names.Adjoint(call.ResultVariable)} = 0;");
            }
        }

        for (int i = savedBuffers.Count - 1; i >= 0; i--)
        {
            reverse.Line($"{Stack(savedBuffers[i].Type)}.PopRange({savedBuffers[i].Code});");
        }

        if (restoreResult is not null)
        {
            reverse.Line(restoreResult);
        }

        reverse.Add(afterCall);
        EndReads();
        return Commented(call, reverse);
    }

    private string AdjointArgument(Argument argument, CalleeParameter parameter, bool acceptsEmpty, CodeBlock before, CodeBlock after)
    {
        if (argument.IsBuffer)
        {
            if (_activity.HasAdjoint(argument.Buffer))
            {
                return Slice(_names.Adjoint(argument.Buffer), argument, isArray: false);
            }

            if (acceptsEmpty)
            {
                return "default";
            }

            string scratch = _names.Numbered("_scratch");
            string element = TypeName(parameter.Type);
            before.Line($"var {scratch} = new {PooledBufferType}<{element}>({BufferCode(argument)}.Length);");
            after.Line($"{scratch}.Dispose();");
            return scratch + ".Span";
        }

        Expr scalar = argument.Scalar!;
        if (scalar is VariableRef variable && _activity.IsActive(scalar))
        {
            return "ref " + _names.Adjoint(variable.Variable);
        }

        if (_activity.IsActive(scalar))
        {
            string temp = _names.Numbered("_dArg");
            before.Line($"{TypeName(parameter.Type)} {temp} = 0;");
            Backprop(scalar, temp, after);
            return "ref " + temp;
        }

        if (!_discards.TryGetValue(parameter.Type, out string? discard))
        {
            discard = Hoist(parameter.Type, "_unused");
            _discards[parameter.Type] = discard;
        }

        return "ref " + discard;
    }

    private string ArgumentCode(Argument argument) =>
        argument.IsBuffer ? BufferCode(argument) : _printer.Print(argument.Scalar!);

    private string BufferCode(Argument argument) =>
        Slice(_names.Of(argument.Buffer), argument, _method.Variables[argument.Buffer].Buffer == BufferKind.Array);

    private string Slice(string buffer, Argument argument, bool isArray)
    {
        if (argument.SliceStart is null)
        {
            return buffer;
        }

        string method = isArray ? "AsSpan" : "Slice";
        string start = _printer.Print(argument.SliceStart);
        return argument.SliceLength is null
            ? $"{buffer}.{method}({start})"
            : $"{buffer}.{method}({start}, {_printer.Print(argument.SliceLength)})";
    }

    private CodeBlock BuildIf(IfStatement conditional, CodeBlock forward)
    {
        bool work = _plan.HasReverseWork(conditional);
        bool inLoop = _index.IsInLoop(conditional);
        bool pushes = work && inLoop && InnermostLoop is not { Indexed: true };
        string? flag = null;
        string condition = _printer.Print(conditional.Condition);
        string? slotLoad = null;
        if (work && !pushes)
        {
            flag = Hoist(ScalarType.Bool, "_branch");
            forward.Line($"{flag} = {condition};");
            condition = flag;
            if (inLoop)
            {
                (string save, slotLoad) = Save(ScalarType.Bool, flag, inLoop: true);
                forward.Line(save);
            }
        }

        string stack = pushes ? Stack(ScalarType.Int) : "";
        CodeBlock then = forward.Open($"if ({condition})");
        CodeBlock thenReverse = BuildBranch(conditional.Then, then, pushes ? $"{stack}.Push(1);" : null);
        CodeBlock? elseReverse = null;
        if (conditional.Else is not null || pushes)
        {
            CodeBlock otherwise = forward.Open("else");
            elseReverse = conditional.Else is null
                ? new CodeBlock()
                : BuildBranch(conditional.Else, otherwise, pushes ? $"{stack}.Push(0);" : null);
            if (conditional.Else is null)
            {
                otherwise.Line($"{stack}.Push(0);");
            }
        }

        var reverse = new CodeBlock();
        if (!work || (thenReverse.IsEmpty && (elseReverse is null || elseReverse.IsEmpty) && !pushes))
        {
            return reverse;
        }

        string taken = pushes ? $"{stack}.Pop() != 0" : slotLoad ?? flag!;
        reverse.Line("// " + conditional.Source);
        if (thenReverse.IsEmpty && elseReverse is not null && !elseReverse.IsEmpty)
        {
            reverse.Nest($"if (!({taken}))", elseReverse);
            return reverse;
        }

        reverse.Nest($"if ({taken})", thenReverse);
        if (elseReverse is not null && !elseReverse.IsEmpty)
        {
            reverse.Nest("else", elseReverse);
        }

        return reverse;
    }

    private CodeBlock BuildBranch(Block block, CodeBlock forward, string? pushAtEnd)
    {
        if (pushAtEnd is not null)
        {
            _frames.Add(new IfFrame(pushAtEnd));
        }

        CodeBlock reverse = BuildBlock(block, forward);
        if (pushAtEnd is not null)
        {
            _frames.RemoveAt(_frames.Count - 1);
            if (!EndsWithJump(block))
            {
                forward.Line(pushAtEnd);
            }
        }

        return reverse;
    }

    private CodeBlock BuildLoop(Loop loop, CodeBlock forward)
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
        string? directHeader = null;
        string? tripFormula = work && relevant.All(continues.Contains) ? TripFormula(loop, out directHeader) : null;
        bool stableStart = counter is not null && (counter.Start is Literal || _plan.IsStable(counter.Start));
        // Loops whose trip counts are all known on entry keep their per-iteration values in buffers indexed by
        // iteration, sized once before the outermost of them starts, rather than on the stack.
        frame.Indexed = tripFormula is not null && (parent is null || parent.Indexed)
            && !ReadsLoopCounter(counter!.Start) && !ReadsLoopCounter(BoundOf(loop)!);
        if (frame.Indexed)
        {
            frame.TripFormula = tripFormula;
            frame.Root = parent?.Root ?? frame;
            frame.Parent = parent;
        }

        if (work)
        {
            frame.Trips = directHeader is null || frame.Indexed ? Hoist(ScalarType.Int, "_trips") : "";
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
            frame.Label = _names.Numbered("_next");
        }

        // Forward.
        CodeBlock initializerReverse = BuildBlock(loop.Initializer, forward);
        string counterName = counter is null ? "" : _names.Of(counter.Variable);
        string start = counter is null ? "" : frame.Start ?? _printer.Print(counter.Start);
        if (frame.Start is not null)
        {
            forward.Line($"{frame.Start} = {_printer.Print(counter!.Start)};");
        }

        if (frame.CountsTrips)
        {
            forward.Line($"{frame.Trips} = 0;");
        }

        if (frame.Indexed && frame.Root == frame)
        {
            frame.Allocation = forward.Placeholder();
        }

        if (frame.Indexed)
        {
            forward.Line($"{frame.Trips} = {tripFormula};");
            string k = stableStart && _printer.Print(counter!.Start) == "0" && counter.Step == 1
                ? counterName
                : $"({counterName} - {Parenthesize(start)}) / {counter!.Step}";
            frame.Linear = parent is { Indexed: true } ? $"{Parenthesize(parent.Linear!)} * {frame.Trips} + {k}" : k;
        }

        string condition = loop.Condition is null ? "true" : _printer.Print(loop.Condition);
        CodeBlock body = loop.Kind switch
        {
            LoopKind.Do => forward.Open("do", $"while ({condition});"),
            _ when counter is not null => forward.Open($"for (int {counterName} = {start}; {(loop.Condition is null ? "" : condition)}; {Step(counterName, counter.Step)})"),
            _ when loop.Kind == LoopKind.For && loop.Condition is null => forward.Open("for (;;)"),
            _ => forward.Open($"while ({condition})"),
        };

        _frames.Add(frame);
        if (frame.CountsTrips)
        {
            body.Line($"{frame.Trips}++;");
        }

        if (frame.Label is not null && frame.RecordsExit)
        {
            body.Line($"{frame.Exit} = 0;");
        }

        ExitScope outerScope = _scope;
        _scope = new ExitScope(frame.Exit, relevant, continues);
        CodeBlock bodyReverse = BuildBlock(loop.Body, body);
        if (frame.Label is not null)
        {
            body.Line(frame.Label + ":");
        }

        // The increment runs after the body whether it ended or continued: guarded as a whole below.
        _scope = ExitScope.None;
        CodeBlock incrementReverse = BuildBlock(loop.Increment, body);
        string? exitLoad = null;
        if (frame.RecordsExit && (frame.Label is not null || !EndsWithJump(loop.Body)))
        {
            (string save, exitLoad) = Save(ScalarType.Int, frame.Label is not null ? frame.Exit! : "0", inLoop: true);
            body.Line(save);
        }

        _scope = outerScope;
        _frames.RemoveAt(_frames.Count - 1);
        if (frame.Indexed && frame.Root == frame)
        {
            foreach (string allocation in frame.Allocations)
            {
                frame.Allocation!.Line(allocation);
            }
        }
        if (work && nested)
        {
            PushLoopRecord(frame, forward);
        }


        // Reverse.
        var reverse = new CodeBlock();
        if (!work)
        {
            return reverse;
        }

        reverse.Line("// " + loop.Source);
        if (tripFormula is not null && (directHeader is null || frame.Indexed))
        {
            reverse.Line($"{frame.Trips} = {tripFormula};");
        }
        else if (tripFormula is null && nested)
        {
            reverse.Line($"{frame.Trips} = {Stack(ScalarType.Int)}.Pop();");
            if (frame.Start is not null)
            {
                reverse.Line($"{frame.Start} = {Stack(ScalarType.Int)}.Pop();");
            }
        }

        CodeBlock iteration;
        if (directHeader is not null)
        {
            iteration = reverse.Open(directHeader);
        }
        else if (counter is null)
        {
            iteration = reverse.Open($"for (; {frame.Trips} > 0; {frame.Trips}--)");
        }
        else if (counter.Step == 1)
        {
            string first = start == "0" ? $"{frame.Trips} - 1" : $"{start} + {frame.Trips} - 1";
            iteration = reverse.Open($"for (int {counterName} = {first}; {counterName} >= {start}; {counterName}--)");
        }
        else if (counter.Step == -1)
        {
            iteration = reverse.Open($"for (int {counterName} = {start} - {frame.Trips} + 1; {counterName} <= {start}; {counterName}++)");
        }
        else
        {
            string k = _names.Numbered("_k");
            iteration = reverse.Open($"for (int {k} = {frame.Trips} - 1; {k} >= 0; {k}--)");
            iteration.Line($"int {counterName} = {start} + {k} * {counter.Step};");
        }

        if (frame.RecordsExit)
        {
            iteration.Line($"{frame.Exit} = {exitLoad ?? Stack(ScalarType.Int) + ".Pop()"};");
        }

        foreach (Declaration declaration in loop.Body.Statements.OfType<Declaration>())
        {
            if (!_plan.IsExploratory && _plan.IsRecomputed(declaration))
            {
                iteration.Line($"{_names.Of(declaration.Variable)} = {_printer.Print(declaration.Initializer!)}; // recomputed: {declaration.Source}");
            }
        }

        if (!incrementReverse.IsEmpty)
        {
            string? guard = frame.RecordsExit ? new ExitScope(frame.Exit, relevant, continues).IncrementGuard() : null;
            if (guard is null)
            {
                iteration.Add(incrementReverse);
            }
            else
            {
                iteration.Nest($"if ({guard})", incrementReverse);
            }
        }

        iteration.Add(bodyReverse);
        reverse.Add(initializerReverse);
        return reverse;
    }

    /// <summary>The trip count of a canonical loop from its start, bound and step, or null when it has none.</summary>
    private string? TripFormula(Loop loop, out string? directHeader)
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

        string start = Parenthesize(_printer.Print(counter.Start));
        string end = Parenthesize(_printer.Print(bound));
        int step = counter.Step;
        string name = _names.Of(counter.Variable);

        // With a unit step the reverse loop runs from the last value the counter took back to its start.
        directHeader = (op, step) switch
        {
            ("<", 1) => $"for (int {name} = {Minus(end, 1)}; {name} >= {start}; {name}--)",
            ("<=", 1) => $"for (int {name} = {end}; {name} >= {start}; {name}--)",
            (">", -1) => $"for (int {name} = {end} + 1; {name} <= {start}; {name}++)",
            (">=", -1) => $"for (int {name} = {end}; {name} <= {start}; {name}++)",
            _ => null,
        };
        string? span = (op, step > 0) switch
        {
            ("<", true) when start == "0" => end,
            ("<", true) => $"{end} - {start}",
            ("<=", true) => $"{end} - {start} + 1",
            (">", false) => $"{start} - {end}",
            (">=", false) => $"{start} - {end} + 1",
            _ => null,
        };
        if (span is null)
        {
            return null;
        }

        int magnitude = System.Math.Abs(step);
        return magnitude == 1
            ? $"global::System.Math.Max(0, {span})"
            : $"global::System.Math.Max(0, ({span} + {magnitude - 1}) / {magnitude})";
    }

    private void PushLoopRecord(LoopFrame frame, CodeBlock code)
    {
        if (!frame.CountsTrips)
        {
            return;
        }

        if (frame.Start is not null)
        {
            code.Line($"{Stack(ScalarType.Int)}.Push({frame.Start});");
        }

        code.Line($"{Stack(ScalarType.Int)}.Push({frame.Trips});");
    }

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

    private static Expr? BoundOf(Loop loop) => loop.Condition is Binary comparison
        ? (comparison.Left is VariableRef left && left.Variable == loop.Counter?.Variable ? comparison.Right : comparison.Left)
        : null;

    private bool ReadsLoopCounter(Expr expr)
    {
        var reads = new HashSet<int>();
        StatementIndex.Reads(expr, reads);
        return reads.Any(v => _method.Variables[v].Kind == VariableKind.LoopCounter);
    }

    private static string Minus(string code, int amount) =>
        int.TryParse(code, out int value) ? (value - amount).ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{code} - {amount}";

    private static string Step(string counter, int step) => step switch
    {
        1 => counter + "++",
        -1 => counter + "--",
        > 0 => $"{counter} += {step}",
        _ => $"{counter} -= {-step}",
    };

    private CodeBlock BuildJump(Jump jump, CodeBlock forward)
    {
        var reverse = new CodeBlock();
        if (jump.Kind == JumpKind.Return)
        {
            if (jump.Value is not null && _result is not null)
            {
                bool inLoop = _index.IsInLoop(jump);
                bool active = _activity.IsActive(jump.Value);
                List<(Conditional Conditional, string Flag, string Guard)> flags = active ? RecordConditions(jump.Value) : new();
                WriteFlags(flags, inLoop, forward, out List<string> pushes, out List<string> pops);
                forward.Line($"{_result} = {_printer.Print(jump.Value)};");
                foreach (string push in pushes)
                {
                    forward.Line(push);
                }

                BeginReads(jump);
                foreach (string pop in pops)
                {
                    reverse.Line(pop);
                }

                if (active)
                {
                    OwnReverseWork.Add(jump.Id);
                    Backprop(jump.Value, "seed", reverse);
                }

                EndReads();
            }

            if (jump != _finalReturn)
            {
                for (int i = _frames.Count - 1; i >= 0; i--)
                {
                    if (_frames[i] is IfFrame ifFrame)
                    {
                        forward.Line(ifFrame.Push);
                    }
                    else if (_frames[i] is LoopFrame loopFrame)
                    {
                        if (loopFrame.RecordsExit)
                        {
                            forward.Line($"{Stack(ScalarType.Int)}.Push({jump.Id});");
                        }

                        if (loopFrame.Recorded && loopFrame.Nested)
                        {
                            PushLoopRecord(loopFrame, forward);
                        }
                    }
                }

                forward.Line($"{_functionExit} = {jump.Id};");
                forward.Line("goto _reverse;");
                _usesReverseLabel = true;
            }

            return reverse.IsEmpty ? reverse : Commented(jump, reverse);
        }

        LoopFrame? loop = null;
        for (int i = _frames.Count - 1; i >= 0 && loop is null; i--)
        {
            if (_frames[i] is IfFrame ifFrame)
            {
                forward.Line(ifFrame.Push);
            }
            else
            {
                loop = (LoopFrame)_frames[i];
            }
        }

        if (jump.Kind == JumpKind.Break)
        {
            if (loop is { RecordsExit: true })
            {
                forward.Line($"{Stack(ScalarType.Int)}.Push({jump.Id});");
            }

            forward.Line("break;");
        }
        else if (loop is { Label: not null })
        {
            if (loop.RecordsExit)
            {
                forward.Line($"{loop.Exit} = {jump.Id};");
            }

            forward.Line($"goto {loop.Label};");
        }
        else
        {
            forward.Line("continue;");
        }

        return reverse;
    }

    // ---- Adjoints of expressions --------------------------------------------------------------------

    /// <summary>Adds <paramref name="adjoint"/> times ∂expr/∂x into the adjoint of every active x in the expression.</summary>
    private void Backprop(Expr expr, string adjoint, CodeBlock code)
    {
        if (!_activity.IsActive(expr))
        {
            return;
        }

        switch (expr)
        {
            case VariableRef variable:
                code.Line($"{_names.Adjoint(variable.Variable)} += {adjoint};");
                _written.Add(_names.Adjoint(variable.Variable));
                return;
            case ElementRef element:
                string index = _printer.Print(element.Index);
                code.Accumulate(_names.Adjoint(element.Buffer), index, adjoint, TypeName(element.Type));
                _written.Add($"{_names.Adjoint(element.Buffer)}[{index}]");
                return;
            case Conversion conversion:
                Backprop(conversion.Operand, conversion.Operand.Type == ScalarType.Float && conversion.Type == ScalarType.Double
                    ? "(float)" + Parenthesize(adjoint)
                    : adjoint, code);
                return;
            case Unary { Operator: "-" } unary:
                Backprop(unary.Operand, Negate(adjoint), code);
                return;
            case Unary { Operator: "+" } unary:
                Backprop(unary.Operand, adjoint, code);
                return;
            case Conditional conditional:
            {
                var whenTrue = new CodeBlock();
                var whenFalse = new CodeBlock();
                Backprop(conditional.WhenTrue, adjoint, whenTrue);
                Backprop(conditional.WhenFalse, adjoint, whenFalse);
                string flag = _printer.RecordedConditions.TryGetValue(conditional.Id, out string? f) ? f : _printer.Print(conditional.Condition);
                if (!whenTrue.IsEmpty)
                {
                    code.Nest($"if ({flag})", whenTrue);
                    if (!whenFalse.IsEmpty)
                    {
                        code.Nest("else", whenFalse);
                    }
                }
                else if (!whenFalse.IsEmpty)
                {
                    code.Nest($"if (!{Parenthesize(flag)})", whenFalse);
                }

                return;
            }

            case Binary binary:
                ApplyRule(binary.Operator, new[] { binary.Left, binary.Right }, binary, adjoint, code);
                return;
            case Intrinsic intrinsic:
                ApplyRule(intrinsic.Name, intrinsic.Arguments.ToArray(), intrinsic, adjoint, code);
                return;
        }
    }

    private void ApplyRule(string operation, IReadOnlyList<Expr> arguments, Expr result, string adjoint, CodeBlock code)
    {
        string?[]? rule = DerivativeRules.For(operation);
        if (rule is null)
        {
            return;
        }

        ScalarType type = result.Type;
        if (!ExpressionPrinter.IsAtomic(adjoint))
        {
            adjoint = Temp(type, adjoint, code, "_d");
        }

        var values = new Dictionary<string, string>();
        if (_knownResult is { } known && ReferenceEquals(known.Value, result))
        {
            values["y"] = known.Code;
        }

        string ValueOf(string placeholder) => values.TryGetValue(placeholder, out string? value)
            ? value
            : values[placeholder] = Value(placeholder switch
            {
                "a" => arguments[0],
                "b" => arguments[1],
                "c" => arguments[2],
                _ => result,
            }, code);

        ScalarType functionType = arguments.Count > 0 && arguments[0].Type is ScalarType.Float or ScalarType.Double ? arguments[0].Type : type;
        for (int i = 0; i < arguments.Count && i < rule.Length; i++)
        {
            if (rule[i] is not string template || !_activity.IsActive(arguments[i]))
            {
                continue;
            }

            string contribution = s_placeholder.Replace(template, match =>
                match.Groups[1].Success
                    ? (match.Value == "dy" ? adjoint : ValueOf(match.Value))
                    : DerivativeRules.Functions.Contains(match.Value) ? ExpressionPrinter.Function(match.Value, functionType) : match.Value);
            Expr operand = arguments[i];
            bool bind = !IsLeaf(operand) && !ExpressionPrinter.IsAtomic(contribution);
            Backprop(operand, bind ? Temp(operand.Type, contribution, code, "_d") : contribution, code);
        }
    }

    /// <summary>The value of an expression in the reverse sweep: itself when it is a name, else a temporary.</summary>
    private string Value(Expr expr, CodeBlock code)
    {
        string printed = _printer.Print(expr);
        // A call is evaluated once even when the rule reads its value twice (Tanh: 1 − y·y).
        return ExpressionPrinter.IsAtomic(printed) && expr is not Intrinsic ? printed : Temp(expr.Type, printed, code, "_v");
    }

    private string AdjointOf(Expr target, CodeBlock code)
    {
        if (target is VariableRef variable)
        {
            return _names.Adjoint(variable.Variable);
        }

        var element = (ElementRef)target;
        string index = _printer.Print(element.Index);
        if (!ExpressionPrinter.IsAtomic(index))
        {
            index = Temp(ScalarType.Int, index, code, "_i");
        }

        return $"{_names.Adjoint(element.Buffer)}[{index}]";
    }

    private static bool ReadsTarget(Expr value, Expr target)
    {
        var reads = new HashSet<int>();
        StatementIndex.Reads(value, reads);
        return reads.Contains(target is VariableRef v ? v.Variable : ((ElementRef)target).Buffer);
    }

    private static bool IsLeaf(Expr expr) => expr is VariableRef or ElementRef;

    // ---- Recorded conditions of ?: ------------------------------------------------------------------

    private List<(Conditional Conditional, string Flag, string Guard)> RecordConditions(Expr expr)
    {
        var found = new List<(Conditional, string, string)>();
        Collect(expr, "");
        return found;

        void Collect(Expr e, string guard)
        {
            switch (e)
            {
                case Conditional conditional when _activity.IsActive(conditional):
                {
                    string flag = Hoist(ScalarType.Bool, "_choice");
                    found.Add((conditional, flag, guard));
                    string inner = guard.Length == 0 ? "" : guard + " && ";
                    Collect(conditional.WhenTrue, inner + flag);
                    Collect(conditional.WhenFalse, inner + "!" + flag);
                    break;
                }

                case Unary u:
                    Collect(u.Operand, guard);
                    break;
                case Binary b when b.Operator is not ("&&" or "||"):
                    Collect(b.Left, guard);
                    Collect(b.Right, guard);
                    break;
                case Conversion c:
                    Collect(c.Operand, guard);
                    break;
                case Intrinsic i:
                    foreach (Expr argument in i.Arguments)
                    {
                        Collect(argument, guard);
                    }

                    break;
            }
        }
    }

    private void WriteFlags(
        List<(Conditional Conditional, string Flag, string Guard)> flags,
        bool inLoop,
        CodeBlock forward,
        out List<string> pushes,
        out List<string> pops)
    {
        pushes = new List<string>();
        pops = new List<string>();
        foreach ((Conditional conditional, string flag, string guard) in flags)
        {
            string condition = _printer.Print(conditional.Condition);
            forward.Line(guard.Length == 0 ? $"{flag} = {condition};" : $"{flag} = {guard} && ({condition});");
            _printer.RecordedConditions[conditional.Id] = flag;
            if (inLoop)
            {
                (string save, string load) = Save(ScalarType.Bool, flag, inLoop: true);
                pushes.Add(save);
                pops.Insert(0, $"{flag} = {load};");
            }
        }
    }

    // ---- Helpers ------------------------------------------------------------------------------------

    private void BeginReads(Statement statement)
    {
        if (!ReverseReads.TryGetValue(statement.Id, out HashSet<int>? reads))
        {
            reads = new HashSet<int>();
            ReverseReads[statement.Id] = reads;
        }

        _printer.Reads = reads;
        if (!ReverseElementReads.TryGetValue(statement.Id, out List<(int Buffer, Expr Index)>? elements))
        {
            elements = new List<(int Buffer, Expr Index)>();
            ReverseElementReads[statement.Id] = elements;
        }

        _printer.ElementReads = elements;
    }

    private void EndReads()
    {
        _printer.Reads = null;
        _printer.ElementReads = null;
    }

    private (string Save, string Load) Save(ScalarType type, string value, bool inLoop)
    {
        if (inLoop && InnermostLoop is { Indexed: true } indexed)
        {
            string slots = _names.Numbered("_slots");
            string element = TypeName(type);
            string buffer = slots + "Buffer";
            _prelude.Line($"{PooledBufferType}<{element}> {buffer} = default;");
            _prelude.Line($"global::System.Span<{element}> {slots} = default;");
            var sizes = new List<string>();
            for (LoopFrame? frame = indexed; frame is not null; frame = frame.Parent)
            {
                sizes.Insert(0, Parenthesize(frame.TripFormula!));
            }

            indexed.Root!.Allocations.Add($"{buffer} = new {PooledBufferType}<{element}>({string.Join(" * ", sizes)});");
            indexed.Root.Allocations.Add($"{slots} = {buffer}.Span;");
            _epilogue.Line($"{buffer}.Dispose();");
            string at = $"{slots}[{indexed.Linear}]";
            return ($"{at} = {value};", at);
        }

        if (inLoop)
        {
            string stack = Stack(type);
            return type == ScalarType.Bool
                ? ($"{stack}.Push({value} ? 1 : 0);", $"{stack}.Pop() != 0")
                : ($"{stack}.Push({value});", $"{stack}.Pop()");
        }

        string slot = Hoist(type, "_saved");
        return ($"{slot} = {value};", slot);
    }

    private string Stack(ScalarType type)
    {
        ScalarType storage = type is ScalarType.Bool ? ScalarType.Int : type;
        if (!_stacks.TryGetValue(storage, out string? name))
        {
            string stem = storage switch
            {
                ScalarType.Float => "_savedFloats",
                ScalarType.Double => "_savedDoubles",
                ScalarType.Long => "_savedLongs",
                _ => "_savedInts",
            };
            name = _names.Fresh(stem);
            _prelude.Line($"var {name} = new {SaveStackType}<{TypeName(storage)}>();");
            _stacks[storage] = name;
        }

        return name;
    }

    private string Hoist(ScalarType type, string stem)
    {
        string name = _names.Numbered(stem);
        _prelude.Line($"{TypeName(type)} {name} = default;");
        return name;
    }

    private string Temp(ScalarType type, string value, CodeBlock code, string stem)
    {
        string name = _names.Numbered(stem);
        code.Line($"{TypeName(type)} {name} = {value};");
        return name;
    }

    private CodeBlock Commented(Statement statement, CodeBlock reverse)
    {
        if (reverse.IsEmpty)
        {
            _written.Clear();
            return reverse;
        }

        var commented = new CodeBlock();
        commented.Line("// " + statement.Source);
        commented.Add(reverse);
        if (_method.CheckFinite)
        {
            // Debugging aid: name the first statement whose adjoint is not finite.
            string source = Literal(statement.Source);
            foreach (string adjoint in _written.Distinct())
            {
                commented.Line($"global::SourceGrad.NonFiniteGradients.Check({adjoint}, {Literal(adjoint)}, {source}, {Literal(_method.Name)});");
            }
        }

        _written.Clear();
        return commented;
    }

    private static string Literal(string text) =>
        Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(text, quote: true);

    private static string Negate(string code) =>
        code.StartsWith("-", System.StringComparison.Ordinal) && ExpressionPrinter.IsAtomic(code.Substring(1))
            ? code.Substring(1)
            : "-" + Parenthesize(code);

    private static string Parenthesize(string code) => ExpressionPrinter.IsAtomic(code) ? code : $"({code})";

    private static string TypeName(ScalarType type) => ExpressionPrinter.TypeName(type);

    private static string Zero(ScalarType type) => type == ScalarType.Float ? "0f" : "0d";

    private static Expr Default(ScalarType type) => Recognition.MethodRecognizer.Constant(type, type switch
    {
        ScalarType.Float => 0f,
        ScalarType.Double => 0d,
        ScalarType.Bool => false,
        ScalarType.Long => 0L,
        _ => (object)0,
    });

    private static bool EndsWithJump(Block block) =>
        block.Statements.Count > 0 && block.Statements[block.Statements.Count - 1] is Jump;

    private int[] RelevantJumps(Loop loop, bool continuesOnly)
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
                case Loop inner:
                    Walk(inner.Body, depth + 1);
                    Walk(inner.Increment, depth + 1);
                    break;
            }
        }
    }

    private static IEnumerable<Statement> AllStatements(Statement root)
    {
        var all = new List<Statement>();
        SavePlan.Flatten(root, all);
        return all;
    }

    private sealed class IfFrame
    {
        public IfFrame(string push) => Push = push;

        public string Push { get; }
    }

    private sealed class LoopFrame
    {
        public LoopFrame(Loop loop, bool recorded, bool nested, bool recordsExit)
        {
            Loop = loop;
            Recorded = recorded;
            Nested = nested;
            RecordsExit = recordsExit;
        }

        public Loop Loop { get; }

        public bool Recorded { get; }

        public bool Nested { get; }

        public bool RecordsExit { get; }

        public string Trips { get; set; } = "";

        /// <summary>Whether the forward sweep counts (and, when nested, saves) the trips.</summary>
        public bool CountsTrips { get; set; }

        /// <summary>Whether this loop's per-iteration records live in buffers indexed by iteration.</summary>
        public bool Indexed { get; set; }

        public string? TripFormula { get; set; }

        /// <summary>The iteration's position in the nest of indexed loops: the index into the buffers.</summary>
        public string? Linear { get; set; }

        public LoopFrame? Parent { get; set; }

        /// <summary>The outermost indexed loop of the nest, which sizes the buffers before it starts.</summary>
        public LoopFrame? Root { get; set; }

        public CodeBlock? Allocation { get; set; }

        public List<string> Allocations { get; } = new();

        public string? Start { get; set; }

        public string? Exit { get; set; }

        public string? Label { get; set; }
    }

    /// <summary>
    /// Which statements of a scope (a loop body, or the method) ran, from the exit code the forward sweep
    /// recorded: 0 when the scope ran to its end, else the id of the jump that left it. Jump ids follow source
    /// order, so a statement ran unless the jump taken lies before it.
    /// </summary>
    private sealed class ExitScope
    {
        public static readonly ExitScope None = new(null, System.Array.Empty<int>(), System.Array.Empty<int>());

        private readonly string? _variable;
        private readonly int[] _jumps;
        private readonly int[] _continues;

        public ExitScope(string? variable, int[] jumps, int[] continues)
        {
            _variable = variable;
            _jumps = jumps;
            _continues = continues;
        }

        public string? Guard(Statement statement)
        {
            if (_variable is null || !_jumps.Any(j => j < statement.Id))
            {
                return null;
            }

            int[] later = _jumps.Where(j => j >= statement.Id).ToArray();
            return later.Length == 0 ? $"{_variable} == 0" : $"{_variable} == 0 || {_variable} >= {later.Min()}";
        }

        public string? IncrementGuard()
        {
            if (_variable is null || _jumps.All(j => _continues.Contains(j)))
            {
                return null;
            }

            return string.Join(" || ", new[] { $"{_variable} == 0" }.Concat(_continues.Select(c => $"{_variable} == {c}")));
        }
    }
}
