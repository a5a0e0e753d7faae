using System.Collections.Generic;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

// Declarations, assignments and local buffers: the target's tangent first, from the values the statement reads.
internal sealed partial class TangentMode
{
    private void BuildDeclaration(Declaration declaration, List<Code> code)
    {
        if (declaration.Initializer is Expr initializer)
        {
            BuildWrite(declaration, new VariableRef(_method.Variables[declaration.Variable].Type, declaration.Variable), "", initializer, code);
        }
    }

    private void BuildAssignment(Assignment assignment, List<Code> code) =>
        BuildWrite(assignment, assignment.Target, assignment.Operator, assignment.Value, code);

    /// <summary>
    /// <c>target op= value</c>: t(target) = t(target op value), then the assignment. An inactive value gives the
    /// target's tangent 0, so a variable that loses its dependence on the inputs loses its tangent too.
    /// </summary>
    private void BuildWrite(Statement statement, Expr target, string op, Expr value, List<Code> outer)
    {
        var code = new List<Code>();
        int variable = target is VariableRef v ? v.Variable : ((ElementRef)target).Buffer;
        if (!HasTangent(variable) || target.Type is not (ScalarType.Float or ScalarType.Double))
        {
            code.Add(new Assign(target, op, value));
            outer.Add(Commented(statement, code));
            return;
        }

        if (target is ElementRef { Index: var index } element && !IsAtomic(index))
        {
            target = element with { Index = Temp(index, code, "_i") };
        }

        Expr tangentTarget = target is ElementRef written
            ? new ElementRef(written.Type, TangentLocal(written.Buffer), written.Index)
            : TangentRef(variable);
        if (op is "+" or "-")
        {
            (Expr primal, Expr? tangent) = Linearize(value, code);
            if (tangent is not null)
            {
                code.Add(new Assign(tangentTarget, op, tangent));
            }

            code.Add(new Assign(target, op, primal));
        }
        else if (op.Length == 0)
        {
            (Expr primal, Expr? tangent) = Linearize(value, code);
            code.Add(new Assign(tangentTarget, "", OrZero(tangent, target.Type)));
            code.Add(new Assign(target, "", primal));
        }
        else
        {
            (Expr primal, Expr? tangent) = Linearize(new Binary(target.Type, op, target, value), code);
            code.Add(new Assign(tangentTarget, "", OrZero(tangent, target.Type)));
            code.Add(primal is Binary binary && binary.Operator == op && binary.Left.Equals(target)
                ? new Assign(target, op, binary.Right)
                : new Assign(target, "", primal));
        }

        outer.Add(Commented(statement, code));
    }

    /// <summary>A local buffer's tangent is a buffer of zeros beside it: on the stack, or from the pool for <c>new T[n]</c>.</summary>
    private void BuildBufferDeclaration(BufferDeclaration declaration, List<Code> code)
    {
        code.Add(new DeclareBuffer(declaration.Variable, declaration.Length,
            declaration.StackAlloc ? BufferStorage.StackAlloc : BufferStorage.NewArray));
        if (!HasTangent(declaration.Variable))
        {
            return;
        }

        Variable variable = _method.Variables[declaration.Variable];
        int tangent = TangentLocal(declaration.Variable);
        var length = new LengthOf(declaration.Variable);
        if (declaration.StackAlloc)
        {
            code.Add(new DeclareBuffer(tangent, length, BufferStorage.StackAlloc, Clear: true));
            return;
        }

        int pooled = AddLocal(new Local(_locals[tangent].Stem + "Buffer", variable.Type, LocalShape.PooledBuffer, LocalRole.Tangent, declaration.Variable));
        code.Add(new DeclareBuffer(pooled, length, BufferStorage.Pooled));
        code.Add(new Declare(tangent, new SpanOf(variable.Type, pooled, null, null)));
        _epilogue.Add(new Dispose(pooled));
    }
}
