using System.Collections.Generic;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

// Local buffers: stackalloc T[n] and new T[n], with their adjoints.
internal sealed partial class ReverseMode
{
    private List<Code> BuildBufferDeclaration(BufferDeclaration declaration, List<Code> forward)
    {
        Variable variable = _method.Variables[declaration.Variable];
        forward.Add(new DeclareBuffer(declaration.Variable, declaration.Length,
            declaration.StackAlloc ? BufferStorage.StackAlloc : BufferStorage.NewArray));
        if (_activity.HasAdjoint(declaration.Variable))
        {
            int adjoint = AdjointLocal(declaration.Variable);
            var length = new LengthOf(declaration.Variable);
            if (declaration.StackAlloc)
            {
                forward.Add(new DeclareBuffer(adjoint, length, BufferStorage.StackAlloc, Clear: true));
            }
            else
            {
                // The adjoint of a new T[n] comes from the pool, so the gradient allocates nothing in steady state.
                int pooled = AddLocal(new Local(_locals[adjoint].Stem + "Buffer", variable.Type, LocalShape.PooledBuffer, LocalRole.Adjoint, declaration.Variable));
                forward.Add(new DeclareBuffer(pooled, length, BufferStorage.Pooled));
                forward.Add(new Declare(adjoint, new SpanOf(variable.Type, pooled, null, null)));
                _epilogue.Add(new Dispose(pooled));
            }
        }

        return new List<Code>();
    }
}
