using System.Collections.Generic;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

// Declarations, assignments and adjoint contributions: the target's tangent first, from the values the statement reads.
internal sealed partial class HessianVectorMode
{
    private void TransformDeclare(Declare declare, List<Code> code)
    {
        if (!HasTangent(declare.Local))
        {
            code.Add(declare);
            return;
        }

        if (IsBuffer(declare.Local))
        {
            code.Add(declare);
            code.Add(new Declare(TangentLocal(declare.Local), declare.Value is null ? null : TangentSpan(declare.Value)));
            return;
        }

        ScalarType type = _locals[declare.Local].Type;
        if (declare.Value is null)
        {
            code.Add(new Declare(TangentLocal(declare.Local), Zero(type)));
            code.Add(declare);
            return;
        }

        (Expr value, Expr tangent) = Restored(declare.Value, type, code);
        code.Add(new Declare(TangentLocal(declare.Local), tangent));
        code.Add(declare with { Value = value });
    }

    /// <summary><c>target op= value</c>: t(target) = t(target op value), then the assignment; a restore reads its tangent's slot first.</summary>
    private void TransformAssign(Assign assign, List<Code> code)
    {
        Expr target = assign.Target;
        int written = Analysis.ProgramActivity.Written(target);
        if (!HasTangent(written))
        {
            code.Add(assign);
            return;
        }

        if (target is VariableRef && IsBuffer(written))
        {
            code.Add(assign);
            code.Add(new Assign(TangentTarget(target), "", TangentSpan(assign.Value)));
            return;
        }

        // An element's index is written twice, not hoisted: the vectoriser reads loops whose targets index by the counter.
        Expr tangentTarget = TangentTarget(target);
        string op = assign.Operator;
        if (op.Length == 0)
        {
            (Expr value, Expr tangent) = Restored(assign.Value, target.Type, code);
            code.Add(new Assign(tangentTarget, "", tangent));
            code.Add(new Assign(target, "", value));
        }
        else if (op is "+" or "-")
        {
            (Expr value, Expr? tangent) = Linearize(assign.Value, code);
            if (tangent is not null)
            {
                code.Add(new Assign(tangentTarget, op, tangent));
            }

            code.Add(new Assign(target, op, value));
        }
        else
        {
            (Expr value, Expr? tangent) = Linearize(new Binary(target.Type, op, target, assign.Value), code);
            code.Add(new Assign(tangentTarget, "", Linearizer.OrZero(tangent, target.Type)));
            code.Add(value is Binary binary && binary.Operator == op && binary.Left.Equals(target)
                ? new Assign(target, op, binary.Right)
                : new Assign(target, "", value));
        }
    }

    /// <summary>An adjoint contribution <c>d += c</c>: its tangent <c>hv += t(c)</c> first.</summary>
    private void TransformAccumulate(Accumulate accumulate, List<Code> code)
    {
        Expr target = accumulate.Target;
        if (!HasTangent(Analysis.ProgramActivity.Written(target)))
        {
            code.Add(accumulate);
            return;
        }

        (Expr value, Expr? tangent) = Linearize(accumulate.Value, code);
        if (tangent is not null)
        {
            code.Add(new Accumulate(TangentTarget(target), tangent));
        }

        code.Add(new Accumulate(target, value));
    }

    /// <summary>
    /// A value assigned whole and its tangent: a saved value is restored with the tangent saved beside it (read first,
    /// since it was saved last), anything else is linearised.
    /// </summary>
    private (Expr Value, Expr Tangent) Restored(Expr value, ScalarType type, List<Code> code)
    {
        if (value is Saved saved)
        {
            return (value, _activity.IsSlotActive(saved.Slot) ? new Saved(saved.Type, SlotTangent(saved.Slot)) : Zero(type));
        }

        (Expr primal, Expr? tangent) = Linearize(value, code);
        return (primal, Linearizer.OrZero(tangent, type));
    }

    private Expr TangentTarget(Expr target) => target switch
    {
        VariableRef variable => Ref(TangentLocal(variable.Variable)),
        ElementRef element => element with { Buffer = TangentLocal(element.Buffer) },
        _ => throw new System.InvalidOperationException("not an assignable target: " + target),
    };

    private bool IsBuffer(int local) => !_locals[local].Shape.IsValue();
}
