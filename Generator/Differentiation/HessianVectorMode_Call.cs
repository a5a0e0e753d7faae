using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

// Calls: the tangent of a call is a call of the callee's tangent. Where the gradient calls the callee, the product calls
// its forward mode (CTangent(args, tangents, out tResult), or its [TangentOf] rule); where the gradient calls the
// callee's reverse (CGradient(args, adjoints, seed), or its [DerivativeOf] rule), the product calls the tangent of that
// reverse: the seeded CHessianVector(args, directions, adjoints, hv adjoints, seed, seedTangent), or the [TangentOf]
// rule of the [DerivativeOf] rule (its arguments, then the tangents of its active ones). Either adds what the reverse
// adds and its tangent, so the call replaces the reverse rather than preceding it. Buffers a callee writes are saved
// on a stack; their tangents go on a stack of their own beside it, in the same order.
internal sealed partial class HessianVectorMode
{
    /// <summary>A callee as its invocations in the gradient program name it: <see cref="Reverse"/> for the reverse's.</summary>
    private sealed record CallSite(Callee Callee, bool Reverse);

    private readonly Dictionary<int, int> _tangentStacks = new();

    /// <summary>Every call of the method, by the invocations the gradient program makes of it (see <see cref="SiteKey"/>).</summary>
    private static Dictionary<string, CallSite> CallSites(MethodModel method)
    {
        var sites = new Dictionary<string, CallSite>(System.StringComparer.Ordinal);
        foreach (CallStatement call in AllStatements(method.Body).OfType<CallStatement>())
        {
            Callee callee = call.Callee;
            IEnumerable<ScalarType> primal = callee.Parameters.Select(p => p.Type);
            IEnumerable<ScalarType> reverse = primal.Concat(callee.Parameters.Where(p => p.IsActive).Select(p => p.Type));
            if (callee.ReturnType is ScalarType returnType)
            {
                reverse = reverse.Append(returnType);
            }

            sites[SiteKey(callee.ContainingType + "." + callee.Name, primal)] = new CallSite(callee, Reverse: false);
            sites[SiteKey(callee.ContainingType + "." + callee.ReverseName, reverse)] = new CallSite(callee, Reverse: true);
        }

        return sites;
    }

    /// <summary>A method's name and its arguments' types: overloads for float and double are different sites.</summary>
    private static string SiteKey(string method, IEnumerable<ScalarType> types) => method + "(" + string.Join(",", types) + ")";

    private CallSite? SiteOf(Invocation invocation) =>
        _calls.TryGetValue(SiteKey(invocation.Method, invocation.Arguments.Select(a => a.Type)), out CallSite? site) ? site : null;

    /// <summary>
    /// Whether a call of the gradient program writes its argument at <paramref name="position"/>: a span the callee writes
    /// (in the call, and in the gradient, which has the callee's effects; not in a rule), and every adjoint of the reverse.
    /// </summary>
    private bool Writes(Invocation invocation, int position)
    {
        if (SiteOf(invocation) is not CallSite site)
        {
            return false;
        }

        EquatableArray<CalleeParameter> parameters = site.Callee.Parameters;
        if (position < parameters.Count)
        {
            return parameters[position].IsBuffer && parameters[position].IsWritten && !(site.Reverse && site.Callee.IsRule);
        }

        return site.Reverse && position < parameters.Count + parameters.Count(p => p.IsActive);
    }

    /// <summary>A call of the gradient program, and its tangent: one call of the callee's tangent in its place.</summary>
    private void TransformCall(CallSite site, Invocation invocation, Expr? target, List<Code> code)
    {
        bool resultTangent = target is not null && HasTangent(ProgramActivity.Written(target));
        if (!invocation.Arguments.Any(_activity.IsActive))
        {
            // Nothing the call reads has a tangent: what it writes has none (a result reassigned in a loop starts again at 0).
            if (resultTangent)
            {
                code.Add(new Assign(TangentTarget(target!), "", Zero(target!.Type)));
            }

            code.Add(target is null ? new Evaluate(invocation) : new Assign(target, "", invocation));
            return;
        }

        var after = new List<Code>();
        Invocation tangent = site.Reverse
            ? ReverseTangent(site.Callee, invocation, code, after)
            : ForwardTangent(site.Callee, invocation, resultTangent ? TangentTarget(target!) : null, code, after);
        code.Add(target is null ? new Evaluate(tangent) : new Assign(target, "", tangent));
        code.AddRange(after);
    }

    /// <summary>The callee's forward mode: its arguments, a tangent per active parameter, then <c>out</c> the result's.</summary>
    private Invocation ForwardTangent(Callee callee, Invocation invocation, Expr? resultTangent, List<Code> code, List<Code> after)
    {
        var arguments = new List<Expr>();
        var tangents = new List<Expr>();
        for (int i = 0; i < callee.Parameters.Count; i++)
        {
            CalleeParameter parameter = callee.Parameters[i];
            (Expr value, Expr? tangent) = ArgumentTangent(invocation.Arguments[i], parameter, callee.TangentAcceptsEmpty, code, after);
            arguments.Add(value);
            if (parameter.IsActive)
            {
                tangents.Add(tangent!);
            }
        }

        if (callee.ReturnType is ScalarType returnType)
        {
            tangents.Add(new OutTo(returnType, resultTangent));
        }

        return new Invocation(invocation.Type, callee.ContainingType + "." + (callee.TangentName
            ?? throw new System.InvalidOperationException("no forward mode for " + callee.Name)), arguments.Concat(tangents).ToEquatableArray());
    }

    /// <summary>
    /// The tangent of the callee's reverse. A [Differentiable] callee's seeded product takes its arguments, their
    /// directions, the adjoints, their tangents, then the seed and its tangent; a [DerivativeOf] rule's [TangentOf] rule
    /// takes the rule's arguments, then the tangents of the active ones (the callee's active arguments, the adjoints, the seed).
    /// </summary>
    private Invocation ReverseTangent(Callee callee, Invocation invocation, List<Code> code, List<Code> after)
    {
        int count = callee.Parameters.Count;
        var arguments = new List<Expr>();
        var directions = new List<Expr>();
        for (int i = 0; i < count; i++)
        {
            CalleeParameter parameter = callee.Parameters[i];
            (Expr value, Expr? tangent) = ArgumentTangent(invocation.Arguments[i], parameter, callee.IsRule && callee.HessianVectorAcceptsEmpty, code, after);
            arguments.Add(value);
            if (parameter.IsActive)
            {
                directions.Add(tangent!);
            }
        }

        var adjoints = new List<Expr>();
        var adjointTangents = new List<Expr>();
        for (int i = count; i < invocation.Arguments.Count; i++)
        {
            Expr adjoint = invocation.Arguments[i];
            if (callee.ReturnType is not null && i == invocation.Arguments.Count - 1)
            {
                (Expr seed, Expr? seedTangent) = Linearize(adjoint, code);
                adjoints.Add(seed);
                adjointTangents.Add(Linearizer.OrZero(seedTangent, seed.Type));
                continue;
            }

            adjoints.Add(adjoint);
            adjointTangents.Add(AdjointTangent(adjoint));
        }

        string name = callee.HessianVectorName ?? throw new System.InvalidOperationException("no second-order mode for " + callee.Name);
        IEnumerable<Expr> all = callee.IsRule
            ? arguments.Concat(adjoints).Concat(directions).Concat(adjointTangents)
            : arguments.Concat(directions).Concat(adjoints.Take(adjoints.Count - (callee.ReturnType is null ? 0 : 1)))
                .Concat(adjointTangents.Take(adjointTangents.Count - (callee.ReturnType is null ? 0 : 1)))
                .Concat(callee.ReturnType is null ? Enumerable.Empty<Expr>() : new[] { adjoints[adjoints.Count - 1], adjointTangents[adjointTangents.Count - 1] });
        return new Invocation(ScalarType.Other, callee.ContainingType + "." + name, all.ToEquatableArray());
    }

    /// <summary>
    /// An argument and its tangent (null for an inactive parameter): a scalar's is linearised; a buffer's is the same view
    /// of the buffer's tangent, or, without one, an empty span where the rule takes that as zero, else zeros from the pool.
    /// </summary>
    private (Expr Value, Expr? Tangent) ArgumentTangent(Expr argument, CalleeParameter parameter, bool acceptsEmpty, List<Code> before, List<Code> after)
    {
        if (!parameter.IsActive)
        {
            return (argument, null);
        }

        if (!parameter.IsBuffer)
        {
            (Expr value, Expr? tangent) = Linearize(argument, before);
            return (value, Linearizer.OrZero(tangent, parameter.Type));
        }

        if (HasTangent(ProgramActivity.BufferOf(argument)))
        {
            return (argument, TangentSpan(argument));
        }

        if (acceptsEmpty && !parameter.IsWritten)
        {
            return (argument, new DefaultValue(parameter.Type));
        }

        int zeros = AddLocal(new Local("_zeros", parameter.Type, LocalShape.PooledBuffer, LocalRole.Temporary));
        before.Add(new DeclareBuffer(zeros, SpanLength(argument), BufferStorage.Pooled));
        after.Add(new Dispose(zeros));
        return (argument, new SpanOf(parameter.Type, zeros, null, null));
    }

    /// <summary>The tangent of an adjoint the reverse adds into: <c>ref hvX</c> for <c>ref dX</c>, the span's tangent for a span's.</summary>
    private Expr AdjointTangent(Expr adjoint) => adjoint switch
    {
        RefTo reference => new RefTo(TangentTarget(reference.Target)),
        DefaultValue empty => empty,
        _ => TangentSpan(adjoint),
    };

    /// <summary>A buffer pushed, read back or popped, and its tangent the same on the tangent stack of its stack.</summary>
    private void TransformStackRange(StackRange range, List<Code> code)
    {
        code.Add(range);
        if (HasTangent(ProgramActivity.BufferOf(range.Span)))
        {
            code.Add(range with { Stack = TangentStack(range.Stack), Span = TangentSpan(range.Span) });
        }
    }

    private int TangentStack(int stack)
    {
        if (!_tangentStacks.TryGetValue(stack, out int tangent))
        {
            Local of = _locals[stack];
            tangent = AddLocal(of with { Stem = of.Stem + "Tangents", Role = LocalRole.Temporary });
            _tangentStacks[stack] = tangent;
        }

        return tangent;
    }
}
