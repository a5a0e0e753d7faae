using System.Collections.Generic;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Differentiation;

// Saves, buffers and copies: each with its tangent's beside it.
internal sealed partial class HessianVectorMode
{
    /// <summary>A saved value, then its tangent, in a slot of its own: a stack gives the tangent back first.</summary>
    private void TransformSave(Save save, List<Code> code)
    {
        if (!_activity.IsSlotActive(save.Slot))
        {
            code.Add(save);
            return;
        }

        (Expr value, Expr? tangent) = Linearize(save.Value, code);
        code.Add(save with { Value = value });
        code.Add(new Save(SlotTangent(save.Slot), Linearizer.OrZero(tangent, save.Value.Type)));
    }

    /// <summary>A buffer's tangent is a zeroed buffer beside it: on the stack, or from the pool for <c>new T[n]</c> and pooled ones.</summary>
    private void TransformBuffer(DeclareBuffer buffer, List<Code> code)
    {
        code.Add(buffer);
        if (!HasTangent(buffer.Local))
        {
            return;
        }

        Local of = _locals[buffer.Local];
        int tangent = TangentLocal(buffer.Local);
        switch (buffer.Storage)
        {
            case BufferStorage.StackAlloc:
                code.Add(new DeclareBuffer(tangent, buffer.Length, BufferStorage.StackAlloc, Clear: true));
                break;
            case BufferStorage.Pooled:
                code.Add(new DeclareBuffer(tangent, buffer.Length, BufferStorage.Pooled));
                break;
            default:
                // The tangent of a new T[n] comes from the pool, so the product allocates nothing in steady state.
                int pooled = AddLocal(new Local(of.Stem + "Buffer", of.Type, LocalShape.PooledBuffer, LocalRole.Tangent, of.Of));
                code.Add(new DeclareBuffer(pooled, buffer.Length, BufferStorage.Pooled));
                code.Add(new Declare(tangent, new SpanOf(of.Type, pooled, null, null)));
                _disposals.Add(new Dispose(pooled));
                break;
        }
    }

    private void TransformDispose(Dispose dispose, List<Code> code)
    {
        code.Add(dispose);
        if (HasTangent(dispose.Local))
        {
            code.Add(new Dispose(TangentLocal(dispose.Local)));
        }
    }

    private void TransformCopy(CopySpan copy, List<Code> code)
    {
        code.Add(copy);
        if (HasTangent(ProgramActivity.BufferOf(copy.Destination)))
        {
            code.Add(new CopySpan(TangentSpan(copy.Source), TangentSpan(copy.Destination)));
        }
    }

    /// <summary>The tangent of a span expression: the same view of the buffer's tangent.</summary>
    private Expr TangentSpan(Expr span) => span switch
    {
        SpanOf view => view with { Buffer = TangentLocal(view.Buffer) },
        VariableRef buffer => Ref(TangentLocal(buffer.Variable)),
        _ => throw new System.InvalidOperationException("not a span: " + span),
    };
}
