using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

/// <summary>
/// Forward-mode differentiation: primal IR in, tangent program out. One sweep in the method's own order: each
/// statement is preceded by its tangent, computed from the values the statement reads, so every tangent is the
/// directional derivative of its variable along the caller's tangents. The rules are those of reverse mode
/// (<see cref="DerivativeRules"/>): a rule's contributions are linear in the result's adjoint dy, and the tangent of
/// the result is the sum of the contributions with dy replaced by each argument's tangent. One file per construct
/// (TangentMode_*.cs).
/// </summary>
internal sealed partial class TangentMode
{
    private readonly MethodModel _method;
    private readonly ActivityAnalysis _activity;
    private readonly List<Local> _locals = new();
    private readonly List<Code> _prologue = new();
    private readonly List<Code> _epilogue = new();
    private readonly Dictionary<int, int> _tangents = new();
    /// <summary>For each loop being built, the label a <c>continue</c> goes to when its increment is written in the body, or −1.</summary>
    private readonly List<int> _continueLabels = new();
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly StatementIndex _index;
    private int _labels;

    private readonly Linearizer _linearizer;

    /// <summary>The <c>out</c> tangent of the result, or −1 for a void method.</summary>
    private int _resultTangent = -1;

    /// <summary>Where returns go when storage must be given back first (see <see cref="NeedsEpilogue"/>), else −1.</summary>
    private int _exitLabel = -1;
    private int _result = -1;

    private TangentMode(MethodModel method, ActivityAnalysis activity, List<DiagnosticInfo> diagnostics)
    {
        _method = method;
        _activity = activity;
        _diagnostics = diagnostics;
        _index = new StatementIndex(method);
        _linearizer = new Linearizer(this);
        foreach (Variable variable in method.Variables)
        {
            _locals.Add(new Local(variable.Name, variable.Type, ShapeOf(variable.Buffer), LocalRole.Primal, _locals.Count, Numbered: false));
        }
    }

    /// <summary>The tangent program, or null when a call has no forward mode (reported in <paramref name="diagnostics"/>).</summary>
    public static AdjointProgram? Differentiate(MethodModel method, ActivityAnalysis activity, List<DiagnosticInfo> diagnostics)
    {
        int before = diagnostics.Count;
        AdjointProgram program = new TangentMode(method, activity, diagnostics).Build();
        return diagnostics.Skip(before).Any(d => DiagnosticDescriptors.IsError(d.Id)) ? null : program;
    }

    private AdjointProgram Build()
    {
        if (_method.ReturnType is ScalarType returnType)
        {
            _resultTangent = AddLocal(new Local("tangent", returnType, LocalShape.Scalar, LocalRole.Tangent, Numbered: false));
        }

        if (NeedsEpilogue())
        {
            _exitLabel = _labels++;
            if (_method.ReturnType is ScalarType type)
            {
                _result = AddLocal(new Local("_result", type, LocalShape.Scalar, LocalRole.Temporary));
                _prologue.Add(new Declare(_result, null));
            }
        }

        // Every active parameter's tangent exists, read or not: the signature is printed from these locals.
        foreach (int parameter in _activity.AdjointParameters)
        {
            TangentLocal(parameter);
        }

        DeclareLocals();
        var body = new List<Code>();
        BuildBlock(_method.Body, body);
        if (_exitLabel >= 0)
        {
            body.Add(new LabelMark(_exitLabel, "_exit"));
            body.AddRange(_epilogue);
            body.Add(new Return(_result >= 0 ? Ref(_result) : null));
        }

        return new AdjointProgram(
            _locals.ToEquatableArray(),
            EquatableArray<SaveSlot>.Empty,
            EquatableArray<LoopRecord>.Empty,
            ToSequence(_prologue),
            ToSequence(body),
            Sequence.Empty,
            Sequence.Empty,
            Sequence.Empty,
            null,
            ProgramMode.Tangent);
    }

    /// <summary>Pooled tangents of <c>new T[n]</c> buffers go back to the pool at the end, so every return goes there first.</summary>
    private bool NeedsEpilogue() => AllStatements(_method.Body).OfType<BufferDeclaration>()
        .Any(b => !b.StackAlloc && _activity.HasAdjoint(b.Variable));

    /// <summary>Primal locals at the top, as in the gradient, and the tangent of each local that has one, starting at 0.</summary>
    private void DeclareLocals()
    {
        for (int id = 0; id < _method.Variables.Count; id++)
        {
            Variable variable = _method.Variables[id];
            if (!variable.IsBuffer && variable.Kind is VariableKind.Local or VariableKind.CallResult && variable.Type != ScalarType.Other)
            {
                _prologue.Add(new Declare(id, null));
            }

            if (!variable.IsBuffer && _activity.HasAdjoint(id) && !_activity.AdjointParameters.Contains(id))
            {
                _prologue.Add(new Declare(TangentLocal(id), Zero(variable.Type)));
            }
        }
    }

    // ---- Blocks ------------------------------------------------------------------------------------

    private void BuildBlock(Block block, List<Code> code)
    {
        foreach (Statement statement in block.Statements)
        {
            BuildStatement(statement, code);
        }
    }

    private void BuildStatement(Statement statement, List<Code> code)
    {
        switch (statement)
        {
            case Block block:
                BuildBlock(block, code);
                break;
            case Declaration declaration:
                BuildDeclaration(declaration, code);
                break;
            case BufferDeclaration buffer:
                BuildBufferDeclaration(buffer, code);
                break;
            case Assignment assignment:
                BuildAssignment(assignment, code);
                break;
            case CallStatement call:
                BuildCall(call, code);
                break;
            case IfStatement conditional:
                BuildIf(conditional, code);
                break;
            case Model.Loop loop:
                BuildLoop(loop, code);
                break;
            case Jump jump:
                BuildJump(jump, code);
                break;
        }
    }

    /// <summary>A statement's code: its tangent, then the statement (no comment: the statement is its own).</summary>
    private static Commented Commented(Statement statement, List<Code> code) =>
        new(statement.Id, statement.Source, Sweep.Forward, ToSequence(code));

    // ---- Locals and helpers --------------------------------------------------------------------------

    private int AddLocal(Local local)
    {
        _locals.Add(local);
        return _locals.Count - 1;
    }

    /// <summary>Whether the variable carries a tangent (the same variables that carry an adjoint in the gradient).</summary>
    private bool HasTangent(int variable) => _activity.HasAdjoint(variable);

    /// <summary>The tangent of a primal variable: the contract's <c>tX</c> for an active parameter, else a local.</summary>
    private int TangentLocal(int variable)
    {
        if (!_tangents.TryGetValue(variable, out int tangent))
        {
            Variable v = _method.Variables[variable];
            tangent = v.Kind == VariableKind.Parameter && _activity.AdjointParameters.Contains(variable)
                ? AddLocal(new Local(Recognition.Types.TangentName(v.Name), v.Type, ParameterTangentShape(variable), LocalRole.Tangent, variable, Numbered: false))
                : AddLocal(new Local(v.Name, v.Type, v.IsBuffer ? LocalShape.Span : LocalShape.Scalar, LocalRole.Tangent, variable));
            _tangents[variable] = tangent;
        }

        return tangent;
    }

    private LocalShape ParameterTangentShape(int parameter) =>
        !_method.Variables[parameter].IsBuffer ? LocalShape.Scalar
        : _index.IsWrittenBuffer(parameter) ? LocalShape.Span
        : LocalShape.ReadOnlySpan;

    private VariableRef TangentRef(int variable) => new(_method.Variables[variable].Type, TangentLocal(variable));

    private VariableRef Ref(int local) => new(_locals[local].Type, local);

    /// <summary>A temporary declared where it is computed: <c>T stem1 = value;</c>.</summary>
    private VariableRef Temp(Expr value, List<Code> code, string stem)
    {
        int local = AddLocal(new Local(stem, value.Type, LocalShape.Scalar, LocalRole.Temporary));
        code.Add(new Declare(local, value));
        return Ref(local);
    }
}
