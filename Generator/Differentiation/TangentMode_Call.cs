using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

// Calls: a callee with active arguments runs as its own forward mode, CTangent(args, tangents, out tResult), which
// computes what the call computes and the tangents of its result and of the buffers it writes.
internal sealed partial class TangentMode
{
    private void BuildCall(CallStatement call, List<Code> outer)
    {
        Callee callee = call.Callee;
        var code = new List<Code>();
        var after = new List<Code>();
        bool resultTangent = call.ResultVariable >= 0 && HasTangent(call.ResultVariable);
        bool anyActive = resultTangent || call.Arguments.Select((a, i) => (a, i)).Any(p =>
            callee.Parameters[p.i].IsActive && (p.a.IsBuffer ? HasTangent(p.a.Buffer) : _activity.IsActive(p.a.Scalar!)));
        VariableRef? result = call.ResultVariable >= 0 ? Ref(call.ResultVariable) : null;
        if (!anyActive)
        {
            var primal = new Invocation(callee.ReturnType ?? ScalarType.Other, callee.ContainingType + "." + callee.Name,
                call.Arguments.Select(ArgumentValue).ToEquatableArray());
            code.Add(result is null ? new Evaluate(primal) : new Assign(result, "", primal));
            outer.Add(Commented(call, code));
            return;
        }

        if (callee.TangentName is null)
        {
            string fix = callee.IsRule
                ? $"give '{callee.Name}' a [TangentOf(nameof({callee.Name}))] rule beside its [DerivativeOf] rule (docs/contract.md)"
                : $"'{callee.Name}' comes from another assembly: mark it [Differentiable(Tangent = true)] there";
            _diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.CallHasNoTangent.Id, call.Location,
                new[] { callee.Name, _method.Name, fix }.ToEquatableArray()));
            return;
        }

        var primalArguments = new List<Expr>();
        var tangentArguments = new List<Expr>();
        for (int i = 0; i < call.Arguments.Count; i++)
        {
            Argument argument = call.Arguments[i];
            CalleeParameter parameter = callee.Parameters[i];
            if (argument.IsBuffer)
            {
                primalArguments.Add(ArgumentValue(argument));
                if (parameter.IsActive)
                {
                    tangentArguments.Add(BufferTangent(argument, parameter, callee.TangentAcceptsEmpty, code, after));
                }

                continue;
            }

            (Expr value, Expr? tangent) = parameter.IsActive ? Linearize(argument.Scalar!, code) : (argument.Scalar!, null);
            primalArguments.Add(value);
            if (parameter.IsActive)
            {
                tangentArguments.Add(OrZero(tangent, parameter.Type));
            }
        }

        if (callee.ReturnType is ScalarType returnType)
        {
            tangentArguments.Add(new OutTo(returnType, resultTangent ? TangentRef(call.ResultVariable) : null));
        }

        var invocation = new Invocation(callee.ReturnType ?? ScalarType.Other, callee.ContainingType + "." + callee.TangentName,
            primalArguments.Concat(tangentArguments).ToEquatableArray());
        code.Add(result is null ? new Evaluate(invocation) : new Assign(result, "", invocation));
        code.AddRange(after);
        outer.Add(Commented(call, code));
    }

    /// <summary>
    /// The tangent of a buffer argument: the buffer's own (sliced as the argument is); for an input without one, an
    /// empty span when the rule takes that as zero (<c>AcceptsEmptyTangents</c>), else zeros from the pool (the callee
    /// reads them as the tangent of its input, and what it writes there is dropped).
    /// </summary>
    private Expr BufferTangent(Argument argument, CalleeParameter parameter, bool acceptsEmpty, List<Code> before, List<Code> after)
    {
        if (HasTangent(argument.Buffer))
        {
            return Slice(parameter.Type, TangentLocal(argument.Buffer), argument);
        }

        if (acceptsEmpty && !parameter.IsWritten)
        {
            return new DefaultValue(parameter.Type);
        }

        int zeros = AddLocal(new Local("_zeros", parameter.Type, LocalShape.PooledBuffer, LocalRole.Temporary));
        before.Add(new DeclareBuffer(zeros, SpanLength(ArgumentValue(argument)), BufferStorage.Pooled));
        after.Add(new Dispose(zeros));
        return new SpanOf(parameter.Type, zeros, null, null);
    }

    private Expr ArgumentValue(Argument argument) =>
        argument.IsBuffer ? Slice(_locals[argument.Buffer].Type, argument.Buffer, argument) : argument.Scalar!;
}
