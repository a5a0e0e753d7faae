using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Passes;

/// <summary>
/// Lowering: decides where each saved value lives and writes the saves and loads for it. A value saved outside loops
/// goes into a local; inside loops whose trip counts are all known on entry, into a pooled buffer indexed by
/// iteration, allocated once before the outermost of them; inside any other loop, onto the save stack of its type
/// (bools on the int stack). Every stack is declared at the top and returned at the end.
/// </summary>
/// <example>
/// Before: <c>Save(s, p)</c> in a loop over i (trip count n), <c>p = Saved(s)</c> in its reverse.
/// After: <c>_slots1[i] = p;</c> and <c>p = _slots1[i];</c>, with <c>_slots1</c> sized n before the loop.
/// </example>
internal static class SaveStorage
{
    /// <summary>Whether a local is where this pass put saved values: a stack, or a buffer of values saved by iteration.</summary>
    public static bool HoldsSaves(Local local) => local.Shape == LocalShape.SaveStack || local.Role == LocalRole.Saved;

    public static AdjointProgram Run(AdjointProgram program)
    {
        var locals = program.Locals.ToList();
        var prologue = program.Prologue.Items.ToList();
        var epilogue = program.Epilogue.Items.ToList();
        var loops = program.Loops.ToDictionary(l => l.Id);
        // Saved values go on the first stack of their type; every stack (a Hessian-vector product keeps the tangents of
        // saved buffers on stacks of their own) is declared and returned.
        var stacks = new Dictionary<ScalarType, int>();
        var declared = new List<int>();
        for (int i = 0; i < locals.Count; i++)
        {
            if (locals[i].Shape == LocalShape.SaveStack)
            {
                declared.Add(i);
                if (!stacks.ContainsKey(locals[i].Type))
                {
                    stacks[locals[i].Type] = i;
                }
            }
        }

        int Add(Local local)
        {
            locals.Add(local);
            return locals.Count - 1;
        }

        int StackOf(ScalarType type)
        {
            if (!stacks.TryGetValue(type, out int stack))
            {
                stack = Add(new Local(Differentiation.ReverseMode.StackStem(type), type, LocalShape.SaveStack, LocalRole.Temporary, Numbered: false));
                stacks[type] = stack;
                declared.Add(stack);
            }

            return stack;
        }

        // What each slot becomes: how a save writes it and how a load reads it.
        var writes = new Dictionary<int, System.Func<Expr, Code>>();
        var reads = new Dictionary<int, Expr>();
        var allocations = new Dictionary<int, List<Code>>();
        foreach (SaveSlot slot in program.Slots)
        {
            if (slot.Loops.Count == 0)
            {
                int local = Add(new Local("_saved", slot.Type, LocalShape.Scalar, LocalRole.Temporary));
                prologue.Add(new Declare(local, null));
                writes[slot.Id] = value => new Assign(Ref(locals, local), "", value);
                reads[slot.Id] = Ref(locals, local);
            }
            else if (slot.Loops.All(id => loops[id].Indexed))
            {
                LoopRecord innermost = loops[slot.Loops[slot.Loops.Count - 1]];
                int buffer = Add(new Local("_slotsBuffer", slot.Type, LocalShape.PooledBuffer, LocalRole.Saved));
                int span = Add(new Local("_slots", slot.Type, LocalShape.Span, LocalRole.Saved));
                prologue.Add(new Declare(buffer, null));
                prologue.Add(new Declare(span, null));
                Expr size = slot.Loops.Select(id => loops[id].TripCount!).Aggregate((total, trips) => new Binary(ScalarType.Int, "*", total, trips));
                if (!allocations.TryGetValue(innermost.Root, out List<Code>? allocation))
                {
                    allocation = new List<Code>();
                    allocations[innermost.Root] = allocation;
                }

                allocation.Add(new Assign(Ref(locals, buffer), "", new NewPooledBuffer(slot.Type, size)));
                allocation.Add(new Assign(Ref(locals, span), "", new SpanOf(slot.Type, buffer, null, null)));
                epilogue.Add(new Dispose(buffer));
                var element = new ElementRef(slot.Type, span, innermost.Iteration!);
                writes[slot.Id] = value => new Assign(element, "", value);
                reads[slot.Id] = element;
            }
            else if (slot.Type == ScalarType.Bool)
            {
                int stack = StackOf(ScalarType.Int);
                writes[slot.Id] = value => new Push(stack, value is Literal literal
                    ? Recognition.MethodRecognizer.Constant(ScalarType.Int, literal.Code == "true" ? 1 : 0)
                    : new Conditional(ScalarType.Int, 0, value, Int(1), Int(0)));
                reads[slot.Id] = new Binary(ScalarType.Bool, "!=", new Popped(ScalarType.Int, stack), Int(0));
            }
            else
            {
                int stack = StackOf(slot.Type);
                writes[slot.Id] = value => new Push(stack, value);
                reads[slot.Id] = new Popped(slot.Type, stack);
            }
        }

        Sequence Lower(Sequence sequence) => CodeWalker.RewriteSequence(sequence, code =>
        {
            code = CodeWalker.RewriteExpressions(code, e => e is Saved saved ? reads[saved.Slot] : null);
            return code switch
            {
                Save save => writes[save.Slot](save.Value),
                AllocateSaved marker => allocations.TryGetValue(marker.RootLoop, out List<Code>? allocation)
                    ? new Sequence(allocation.ToEquatableArray())
                    : Sequence.Empty,
                _ => code,
            };
        });

        foreach (int stack in declared.OrderBy(s => s))
        {
            prologue.Add(new Declare(stack, null));
            epilogue.Add(new Dispose(stack));
        }

        return program with
        {
            Locals = locals.ToEquatableArray(),
            Slots = EquatableArray<SaveSlot>.Empty,
            Loops = EquatableArray<LoopRecord>.Empty,
            Prologue = new Sequence(prologue.ToEquatableArray()),
            Forward = Lower(program.Forward),
            BetweenSweeps = Lower(program.BetweenSweeps),
            Reverse = Lower(program.Reverse),
            Epilogue = new Sequence(epilogue.ToEquatableArray()),
        };
    }

    private static VariableRef Ref(List<Local> locals, int local) => new(locals[local].Type, local);

    private static Literal Int(int value) => Recognition.MethodRecognizer.Constant(ScalarType.Int, value);
}
