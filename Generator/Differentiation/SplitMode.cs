using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Differentiation;

/// <summary>
/// Split mode: the optimised gradient program cut at the boundary between its sweeps into <c>MForward</c> and
/// <c>MBackward</c> (<see cref="SplitProgram"/>). Both run exactly the gradient's statements, in its order, so they add
/// the same gradient bit for bit; what crosses the boundary (<see cref="SweepBoundary"/>) goes through the saved state's
/// fields. A field cannot hold a span, so a stackalloc'd buffer that crosses is rented from the pool instead
/// (<c>Span&lt;T&gt; h = stackalloc T[n]</c> becomes a pooled buffer and a span of it, zeroed alike), and a span of a
/// pooled buffer or an array that crosses is taken again from the buffer on the backward side.
/// </summary>
internal static class SplitMode
{
    public static SplitMethod? Split(DifferentiatedMethod? differentiated)
    {
        if (differentiated?.Program is not AdjointProgram program)
        {
            return null;
        }

        MethodModel method = differentiated.Method;
        if (method.SplitNameTaken is { } taken)
        {
            // A hand-written MForward or MBackward with M's parameters first: report it and emit no split (SG0026).
            return new SplitMethod(method, null, EquatableArray<int>.Empty, new[]
            {
                new DiagnosticInfo(DiagnosticDescriptors.GeneratedNameTaken.Id, taken, new[]
                {
                    method.ContainingTypes.Count > 0 ? method.ContainingTypes[method.ContainingTypes.Count - 1].Name : method.Name,
                    method.Name + "Forward' or '" + method.Name + "Backward", method.Name, "split mode",
                }.ToEquatableArray()),
            }.ToEquatableArray());
        }

        try
        {
            return new SplitMethod(method, Build(program, method), differentiated.AdjointParameters, EquatableArray<DiagnosticInfo>.Empty);
        }
        catch (System.Exception exception) when (exception is not System.OperationCanceledException)
        {
            DifferentiatedMethod failed = GradientDifferentiation.Failed(differentiated.Method, exception);
            return new SplitMethod(differentiated.Method, null, EquatableArray<int>.Empty, failed.Diagnostics);
        }
    }

    public static SplitProgram Build(AdjointProgram program, MethodModel method)
    {
        CheckSidesApart(program, method);
        SweepBoundary boundary = SweepBoundary.Of(program, method);
        var locals = program.Locals.ToList();
        int Add(Local local)
        {
            locals.Add(local);
            return locals.Count - 1;
        }

        int saved = Add(new Local("saved", ScalarType.Other, LocalShape.Scalar, LocalRole.Temporary, Numbered: false));
        var parameters = new HashSet<int>(method.Parameters);

        // Spans cannot be fields: a crossing stackalloc becomes a pooled buffer, a crossing view is taken again.
        var fields = new List<int>();
        var views = new List<Code>();
        var pooledInstead = new Dictionary<int, int>();
        var disposals = new List<Code>();
        foreach (int local in boundary.Kept)
        {
            Local kept = locals[local];
            if (kept.Shape is not (LocalShape.Span or LocalShape.ReadOnlySpan))
            {
                fields.Add(local);
                continue;
            }

            int buffer = StackAllocated(program, local) ? -1 : ViewedBuffer(program, local, locals);
            if (buffer < 0)
            {
                buffer = Add(new Local("_" + kept.Stem.TrimStart('_', '@') + "Pooled", kept.Type, LocalShape.PooledBuffer, LocalRole.Temporary));
                pooledInstead[local] = buffer;
                disposals.Add(new Dispose(buffer));
            }

            if (!fields.Contains(buffer))
            {
                fields.Add(buffer);
            }

            views.Add(new Declare(local, new SpanOf(kept.Type, buffer, null, null)));
        }

        fields.Sort();
        Sequence Forward(Sequence part) => CodeWalker.RewriteSequence(part, code => code switch
        {
            Declare d when boundary.Dropped.Contains(d.Local) => Sequence.Empty,
            DeclareBuffer b when boundary.Dropped.Contains(b.Local) => Sequence.Empty,
            DeclareBuffer b when pooledInstead.TryGetValue(b.Local, out int pooled) => new Sequence(new Code[]
            {
                new DeclareBuffer(pooled, b.Length, BufferStorage.Pooled),
                new Declare(b.Local, new SpanOf(locals[b.Local].Type, pooled, null, null)),
            }.ToEquatableArray()),
            _ => code,
        });

        var store = new List<Code>();
        var load = new List<Code>();
        foreach (int field in fields)
        {
            var value = new SavedField(locals[field].Type, saved, field);
            store.Add(new Assign(value, "", new VariableRef(locals[field].Type, field)));
            load.Add(parameters.Contains(field) ? new Assign(new VariableRef(locals[field].Type, field), "", value) : new Declare(field, value));
        }

        load.AddRange(views);
        load.AddRange(boundary.Redeclared);
        load.AddRange(boundary.Dead.Select(local => new Declare(local, null)));
        var storage = fields.Where(f => locals[f].Shape is LocalShape.PooledBuffer or LocalShape.SaveStack or LocalShape.CalleeState or LocalShape.CalleeStateStack).ToList();
        var split = program with { Locals = locals.ToEquatableArray() };
        return new SplitProgram(
            split,
            saved,
            fields.ToEquatableArray(),
            storage.ToEquatableArray(),
            Forward(program.Prologue),
            new Sequence(new Code[] { Forward(program.Forward), Forward(program.BetweenSweeps) }.ToEquatableArray()),
            new Sequence(store.ToEquatableArray()),
            program.Result,
            new Sequence(load.ToEquatableArray()),
            program.Reverse,
            new Sequence(program.Epilogue.Items.Concat(disposals).ToEquatableArray()));
    }

    /// <summary>
    /// The forward side must not touch what only <c>MBackward</c> has (the adjoint parameters, the seed), and no jump may
    /// cross the boundary: each half is a method of its own.
    /// </summary>
    private static void CheckSidesApart(AdjointProgram program, MethodModel method)
    {
        var forward = new Sequence(new Code[] { program.Prologue, program.Forward, program.BetweenSweeps }.ToEquatableArray());
        var backward = new Sequence(new Code[] { program.Reverse, program.Epilogue }.ToEquatableArray());
        foreach (int local in SweepBoundary.Mentions(forward))
        {
            Local mentioned = program.Locals[local];
            if ((mentioned.Role == LocalRole.Adjoint && !mentioned.Numbered) || (mentioned.Stem == "seed" && !mentioned.Numbered))
            {
                throw new System.NotSupportedException($"split mode: the forward sweep of {method.Name} uses {mentioned.Stem}, which only the backward pass has");
            }
        }

        HashSet<int> Labels(Sequence side)
        {
            var labels = new HashSet<int>();
            CodeWalker.Visit(side, c =>
            {
                if (c is LabelMark mark)
                {
                    labels.Add(mark.Label);
                }
            });
            return labels;
        }

        HashSet<int> forwardLabels = Labels(forward), backwardLabels = Labels(backward);
        foreach ((Sequence side, HashSet<int> own) in new[] { (forward, forwardLabels), (backward, backwardLabels) })
        {
            CodeWalker.Visit(side, c =>
            {
                if (c is Goto jump && !own.Contains(jump.Label))
                {
                    throw new System.NotSupportedException($"split mode: a jump in {method.Name}'s gradient crosses from one sweep to the other");
                }
            });
        }
    }

    private static bool StackAllocated(AdjointProgram program, int local)
    {
        bool found = false;
        foreach (Sequence part in new[] { program.Prologue, program.Forward, program.BetweenSweeps })
        {
            CodeWalker.Visit(part, c => found |= c is DeclareBuffer { Storage: BufferStorage.StackAlloc } b && b.Local == local);
        }

        return found;
    }

    /// <summary>The pooled buffer or array a span local is always a whole view of on the forward side, or −1.</summary>
    private static int ViewedBuffer(AdjointProgram program, int local, List<Local> locals)
    {
        var buffers = new HashSet<int>();
        bool other = false;
        foreach (Sequence part in new[] { program.Prologue, program.Forward, program.BetweenSweeps })
        {
            CodeWalker.Visit(part, c =>
            {
                Expr? value = c switch
                {
                    Declare d when d.Local == local => d.Value ?? new DefaultValue(ScalarType.Other),
                    Assign { Target: VariableRef t } a when t.Variable == local => a.Value,
                    DeclareBuffer b when b.Local == local => new DefaultValue(ScalarType.Bool),
                    _ => null,
                };
                switch (value)
                {
                    case null:
                        break;
                    case SpanOf { Start: null, Length: null } view when locals[view.Buffer].Shape is LocalShape.PooledBuffer or LocalShape.Array:
                        buffers.Add(view.Buffer);
                        break;
                    case DefaultValue { Type: ScalarType.Other }:
                        break;
                    default:
                        other = true;
                        break;
                }
            });
        }

        if (other || buffers.Count != 1)
        {
            throw new System.NotSupportedException($"split mode cannot keep the span {locals[local].Stem} between the sweeps: it is not a whole view of one pooled buffer or array");
        }

        return buffers.Single();
    }
}
