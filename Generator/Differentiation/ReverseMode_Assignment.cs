using System.Collections.Generic;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

// Declarations and assignments: target op= value.
internal sealed partial class ReverseMode
{
    private List<Code> BuildDeclaration(Declaration declaration, List<Code> forward)
    {
        Variable variable = _method.Variables[declaration.Variable];
        Expr value = declaration.Initializer ?? Zero(variable.Type);
        bool inLoop = _index.IsInLoop(declaration);
        bool active = _activity.HasAdjoint(declaration.Variable);
        return BuildWrite(declaration, forward, new VariableRef(variable.Type, declaration.Variable), "", value, inLoop, active,
            zeroAdjoint: inLoop);
    }

    private List<Code> BuildAssignment(Assignment assignment, List<Code> forward)
    {
        if (_extrema.TryGetValue(assignment.Id, out RunningExtremum? running))
        {
            return BuildRunningExtremum(running, forward);
        }

        int target = assignment.Target is VariableRef v ? v.Variable : ((ElementRef)assignment.Target).Buffer;
        bool active = _activity.HasAdjoint(target) && assignment.Target.Type is ScalarType.Float or ScalarType.Double;
        return BuildWrite(assignment, forward, assignment.Target, assignment.Operator, assignment.Value, _index.IsInLoop(assignment), active,
            zeroAdjoint: true);
    }

    /// <summary>
    /// <c>target op= value</c>: forward, save the old value if the plan says so, then write; reverse, restore it,
    /// then propagate the target's adjoint into the value's operands.
    /// </summary>
    private List<Code> BuildWrite(Statement statement, List<Code> forward, Expr target, string op, Expr value, bool inLoop, bool active, bool zeroAdjoint)
    {
        var forwardCode = new List<Code>();
        var reverse = new List<Code>();
        List<RecordedCondition> flags = active ? RecordConditions(value) : new List<RecordedCondition>();

        Code? restore = null;
        int keptSlot = -1;
        if (!_plan.IsExploratory && _plan.SavesTarget(statement))
        {
            int slot = NewSlot(target.Type);
            if (statement is Declaration declaration && _plan.CanKeepByValue(declaration) && InnermostLoop is { Indexed: true })
            {
                // The iteration's own value is kept and put back at the top of its reverse iteration (ReverseMode_Loop).
                keptSlot = slot;
                _keptByValue[declaration.Id] = slot;
            }
            else
            {
                forwardCode.Add(new Save(slot, target));
                restore = new Assign(target, "", new Saved(target.Type, slot));
            }
        }

        WriteFlags(flags, inLoop, forwardCode, out List<Code> saves, out List<Code> loads);
        forwardCode.Add(new Assign(target, op, WithFlags(value)));
        if (keptSlot >= 0)
        {
            forwardCode.Add(new Save(keptSlot, target));
        }

        forwardCode.AddRange(saves);
        forward.Add(new Commented(statement.Id, statement.Source, Sweep.Forward, ToSequence(forwardCode)));

        if (target is ElementRef written)
        {
            // Restoring or differentiating the element indexes it again in the reverse sweep.
            ExtraReadsOf(statement).UnionWith(IndexReads(written.Index));
        }

        // v = f(...) leaves f's result in v until the reverse sweep puts v's old value back: a rule that reads the
        // result (d tanh = 1 − y²) takes it from there instead of evaluating f again.
        if (active && op.Length == 0 && target is VariableRef && value is Intrinsic intrinsic && value.Type == target.Type
            && DerivativeRules.ReadsResult(intrinsic.Name))
        {
            Expr result = target;
            if (restore is not null)
            {
                result = Temp(target, reverse, "_y");
            }

            _knownResult = (value, result);
        }

        reverse.AddRange(loads);
        if (restore is not null)
        {
            reverse.Add(restore);
        }

        if (active)
        {
            var adjoint = new List<Code>();
            WriteAdjoint(target, op, value, zeroAdjoint, adjoint);
            _knownResult = null;
            if (adjoint.Count > 0)
            {
                OwnReverseWork.Add(statement.Id);
            }

            reverse.AddRange(adjoint);
        }

        _knownResult = null;
        return reverse.Count == 0 ? reverse : new List<Code> { Commented(statement, reverse) };
    }

    private void WriteAdjoint(Expr target, string op, Expr value, bool zeroAdjoint, List<Code> code)
    {
        Expr adjoint = AdjointOf(target, code);
        bool readsTarget = ReadsTarget(value, target);
        if (op is "+" or "-")
        {
            Expr upstream = adjoint;
            if (readsTarget && _activity.IsActive(value))
            {
                upstream = Temp(adjoint, code, "_t");
            }

            Backpropagate(value, op == "+" ? upstream : Negate(upstream), code);
            return;
        }

        Expr full = op.Length == 0 ? value : new Binary(target.Type, op, target, value);
        if (readsTarget || op.Length > 0)
        {
            Expr upstream = Temp(adjoint, code, "_t");
            if (zeroAdjoint)
            {
                code.Add(new Assign(adjoint, "", Zero(target.Type)));
            }

            Backpropagate(full, upstream, code);
        }
        else
        {
            Backpropagate(full, adjoint, code);
            if (zeroAdjoint)
            {
                code.Add(new Assign(adjoint, "", Zero(target.Type)));
            }
        }
    }

    /// <summary>The adjoint of an assignment's target; an element's computed index is evaluated once.</summary>
    private Expr AdjointOf(Expr target, List<Code> code)
    {
        if (target is VariableRef variable)
        {
            return AdjointRef(variable.Variable);
        }

        var element = (ElementRef)target;
        Expr index = IsAtomic(element.Index) ? element.Index : Temp(element.Index, code, "_i");
        return new ElementRef(element.Type, AdjointLocal(element.Buffer), index);
    }

    private static bool ReadsTarget(Expr value, Expr target)
    {
        var reads = new HashSet<int>();
        StatementIndex.Reads(value, reads);
        return reads.Contains(target is VariableRef v ? v.Variable : ((ElementRef)target).Buffer);
    }

    private HashSet<int> ExtraReadsOf(Statement statement)
    {
        if (!ExtraReads.TryGetValue(statement.Id, out HashSet<int>? reads))
        {
            reads = new HashSet<int>();
            ExtraReads[statement.Id] = reads;
        }

        return reads;
    }

    private static HashSet<int> IndexReads(Expr index)
    {
        var reads = new HashSet<int>();
        StatementIndex.Reads(index, reads);
        return reads;
    }
}
