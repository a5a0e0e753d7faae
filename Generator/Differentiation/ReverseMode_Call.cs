using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

// Calls to [Differentiable] methods and to methods with a [DerivativeOf] rule. A [Differentiable] callee with split mode
// (Callee.SavedState) keeps its internals: the forward sweep calls CForward and keeps its saved state (in a local, or
// per iteration on a pooled stack of states inside a loop), and the reverse sweep hands the state to CBackward, with the
// spans the callee writes holding what CForward left in them (as a rule sees them). Any other [Differentiable] callee is
// recomputed: the forward sweep calls C, and the reverse sweep calls CGradient, which runs C's forward again from the
// arguments as they were before the call. Hessian-vector products and checkpointed gradients always recompute.
internal sealed partial class ReverseMode
{
    private List<Code> BuildCall(CallStatement call, List<Code> forward)
    {
        Callee callee = call.Callee;
        bool resultActive = call.ResultVariable >= 0 && _activity.HasAdjoint(call.ResultVariable);
        bool anyActive = resultActive || call.Arguments.Select((a, i) => (a, i)).Any(p =>
            callee.Parameters[p.i].IsActive && (p.a.IsBuffer ? _activity.HasAdjoint(p.a.Buffer) : _activity.IsActive(p.a.Scalar!)));
        (int State, int Stack)? kept = anyActive && _keepCallStates && callee.SavedState is { } stateType
            ? KeptState(callee, stateType)
            : null;
        var forwardCode = new List<Code>();
        var reverse = new List<Code>();
        Code? restoreResult = null;
        VariableRef? result = call.ResultVariable >= 0 ? Ref(call.ResultVariable) : null;
        if (!_plan.IsExploratory && _plan.SavesTarget(call))
        {
            int slot = NewSlot(callee.ReturnType!.Value);
            forwardCode.Add(new Save(slot, result!));
            restoreResult = new Assign(result!, "", new Saved(result!.Type, slot));
        }

        // A buffer the callee writes is kept as it was before the call.
        var savedBuffers = new List<(Argument Argument, ScalarType Type, Expr Span)>();
        for (int i = 0; i < call.Arguments.Count; i++)
        {
            Argument argument = call.Arguments[i];
            if (argument.IsBuffer && !_plan.IsExploratory && _plan.SavesBuffer(call, argument.Buffer)
                && !savedBuffers.Any(s => s.Argument.Buffer == argument.Buffer))
            {
                ScalarType type = _method.Variables[argument.Buffer].Type;
                Expr span = BufferArgument(argument);
                forwardCode.Add(new StackRange(RangeOperation.Push, Stack(type), span, null));
                savedBuffers.Add((argument, type, span));
            }
        }

        Expr[] primalArguments = call.Arguments.Select(ArgumentValue).ToArray();
        var invocation = kept is (int keptState, _)
            ? new Invocation(callee.ReturnType ?? ScalarType.Other, callee.ContainingType + "." + callee.Name + "Forward",
                primalArguments.Append(new OutTo(ScalarType.Other, Ref(keptState))).ToEquatableArray())
            : new Invocation(callee.ReturnType ?? ScalarType.Other, callee.ContainingType + "." + callee.Name, primalArguments.ToEquatableArray());
        forwardCode.Add(result is null ? new Evaluate(invocation) : new Assign(result, "", invocation));
        if (kept is (int pushed, int pushedOnto) && pushedOnto >= 0)
        {
            forwardCode.Add(new Push(pushedOnto, Ref(pushed)));
        }

        forward.Add(new Commented(call.Id, call.Source, Sweep.Forward, ToSequence(forwardCode)));

        var afterCall = new List<Code>();
        if (anyActive)
        {
            OwnReverseWork.Add(call.Id);
            var adjointArguments = new List<Expr>();
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
                adjointArguments.Add(resultActive ? AdjointRef(call.ResultVariable) : Zero(returnType));
            }

            if (kept is (int state, int stack))
            {
                // The backward pass of the callee, from the state its forward pass kept.
                if (stack >= 0)
                {
                    reverse.Add(new Assign(Ref(state), "", new Popped(ScalarType.Other, stack)));
                }

                reverse.Add(new Evaluate(new Invocation(ScalarType.Other, callee.ContainingType + "." + callee.Name + "Backward",
                    primalArguments.Append(new RefTo(Ref(state))).Concat(adjointArguments).ToEquatableArray())));
            }
            else if (!callee.IsRule)
            {
                // The gradient re-runs the method: give it the buffers as they were before the call.
                for (int i = 0; i < savedBuffers.Count; i++)
                {
                    Expr? above = null;
                    foreach ((Argument _, ScalarType type, Expr span) in savedBuffers.Skip(i + 1).Where(s => s.Type == savedBuffers[i].Type))
                    {
                        Expr length = SpanLength(span);
                        above = above is null ? length : new Binary(ScalarType.Int, "+", above, length);
                    }

                    reverse.Add(new StackRange(RangeOperation.Peek, Stack(savedBuffers[i].Type), savedBuffers[i].Span, above));
                }
            }

            if (kept is null)
            {
                reverse.Add(new Evaluate(new Invocation(ScalarType.Other, callee.ContainingType + "." + callee.ReverseName,
                    primalArguments.Concat(adjointArguments).ToEquatableArray())));
            }

            if (resultActive)
            {
                reverse.Add(new Assign(AdjointRef(call.ResultVariable), "", Zero(result!.Type)));
            }
        }

        for (int i = savedBuffers.Count - 1; i >= 0; i--)
        {
            reverse.Add(new StackRange(RangeOperation.Pop, Stack(savedBuffers[i].Type), savedBuffers[i].Span, null));
        }

        if (restoreResult is not null)
        {
            reverse.Add(restoreResult);
        }

        reverse.AddRange(afterCall);
        return reverse.Count == 0 ? reverse : new List<Code> { Commented(call, reverse) };
    }

    /// <summary>
    /// Where a call keeps its callee's saved state: a local declared up front, and inside a loop a pooled stack of states
    /// (declared up front, disposed at the end) that the forward sweep pushes each iteration's state onto and the reverse
    /// sweep pops back (−1 outside loops).
    /// </summary>
    private (int State, int Stack) KeptState(Callee callee, string stateType)
    {
        string stem = "_" + char.ToLowerInvariant(callee.Name[0]) + callee.Name.Substring(1) + "Saved";
        int state = AddLocal(new Local(stem, ScalarType.Other, LocalShape.CalleeState, LocalRole.Temporary, TypeName: stateType, Callee: callee.Name));
        _prologue.Add(new Declare(state, null));
        if (!_frames.Any(f => f is LoopFrame))
        {
            return (state, -1);
        }

        int stack = AddLocal(new Local(stem + "Stack", ScalarType.Other, LocalShape.CalleeStateStack, LocalRole.Temporary, TypeName: stateType, Callee: callee.Name));
        _prologue.Add(new Declare(stack, null));
        _epilogue.Add(new Dispose(stack));
        return (state, stack);
    }

    private Expr AdjointArgument(Argument argument, CalleeParameter parameter, bool acceptsEmpty, List<Code> before, List<Code> after)
    {
        if (argument.IsBuffer)
        {
            if (_activity.HasAdjoint(argument.Buffer))
            {
                return Slice(AdjointLocal(argument.Buffer), argument);
            }

            if (acceptsEmpty)
            {
                return new DefaultValue(parameter.Type);
            }

            // A gradient nobody reads still needs somewhere to go.
            int scratch = AddLocal(new Local("_scratch", parameter.Type, LocalShape.PooledBuffer, LocalRole.Temporary));
            before.Add(new DeclareBuffer(scratch, SpanLength(BufferArgument(argument)), BufferStorage.Pooled));
            after.Add(new Dispose(scratch));
            return new SpanOf(parameter.Type, scratch, null, null);
        }

        Expr scalar = argument.Scalar!;
        if (scalar is VariableRef variable && _activity.IsActive(scalar))
        {
            return new RefTo(AdjointRef(variable.Variable));
        }

        if (_activity.IsActive(scalar))
        {
            int temp = AddLocal(new Local("_dArg", parameter.Type, LocalShape.Scalar, LocalRole.Temporary));
            before.Add(new Declare(temp, Zero(parameter.Type)));
            Backpropagate(scalar, Ref(temp), after);
            return new RefTo(Ref(temp));
        }

        if (!_discards.TryGetValue(parameter.Type, out int discard))
        {
            discard = Hoist(parameter.Type, "_unused");
            _discards[parameter.Type] = discard;
        }

        return new RefTo(Ref(discard));
    }

    private Expr ArgumentValue(Argument argument) => argument.IsBuffer ? BufferArgument(argument) : argument.Scalar!;

    private Expr BufferArgument(Argument argument) => Slice(argument.Buffer, argument);

    /// <summary>The buffer as the argument passes it: whole, or the slice it names.</summary>
    private Expr Slice(int buffer, Argument argument) => IrConstruction.Slice(_locals[buffer].Type, buffer, argument);
}
