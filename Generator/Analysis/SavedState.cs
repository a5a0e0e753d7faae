using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Analysis;

/// <summary>
/// One thing a gradient keeps from its forward sweep for its reverse sweep (a field of split mode's saved state):
/// the local <see cref="Local"/>, its element size in bytes, its shape; for a buffer its <see cref="Length"/> as the
/// forward sweep computes it, written in the method's sizes where the locals it names are computed once from them;
/// for a save stack the places that push onto it (<see cref="Pushes"/>).
/// </summary>
internal sealed record SavedItem(int Local, int ElementSize, LocalShape Shape, Expr? Length, IReadOnlyList<SavedPush> Pushes);

/// <summary>
/// A place the forward sweep pushes onto a save stack: <see cref="Count"/> values each time it runs (null: one), once
/// per iteration of the innermost forward loop around it (its source, <see cref="Loop"/>; null outside loops), or at most
/// that when it sits in a branch (<see cref="Conditional"/>).
/// </summary>
internal sealed record SavedPush(Expr? Count, string? Loop, bool Conditional);

/// <summary>
/// What a gradient saves, in bytes, read off the cut between its sweeps (<see cref="SplitProgram"/>, the one split mode
/// prints): each field of the saved state with its size. The saved-bytes report (the info diagnostic, the doc comments of
/// <c>MGradient</c> and <c>MSaved</c>) is written from this, so all three say the same.
/// </summary>
internal static class SavedState
{
    public static IReadOnlyList<SavedItem> Of(SplitProgram split, MethodModel method)
    {
        var statements = new List<Statement>();
        SavePlan.Flatten(method.Body, statements);
        var loopSources = statements.OfType<Loop>().ToDictionary(loop => loop.Id, loop => loop.Source);
        AdjointProgram program = split.Program;
        var forward = new Sequence(new Code[] { split.ForwardDeclarations, split.ForwardSweep }.ToEquatableArray());
        Dictionary<int, Expr> definitions = SizeDefinitions(forward, program);

        var lengths = new Dictionary<int, Expr>();
        CodeWalker.Visit(forward, code =>
        {
            switch (code)
            {
                case Assign { Target: VariableRef target, Value: NewPooledBuffer pooled }:
                    lengths[target.Variable] = pooled.Length;
                    break;
                case DeclareBuffer buffer:
                    lengths[buffer.Local] = buffer.Length;
                    break;
            }
        });

        var pushes = new Dictionary<int, List<SavedPush>>();
        CollectPushes(forward, null, false, pushes, program, loopSources);

        var items = new List<SavedItem>();
        foreach (int field in split.Fields)
        {
            Local local = program.Locals[field];
            Expr? length = local.Shape is LocalShape.PooledBuffer or LocalShape.Array && lengths.TryGetValue(field, out Expr? l)
                ? InSizes(l, definitions, lengths)
                : null;
            IReadOnlyList<SavedPush> pushed = pushes.TryGetValue(field, out List<SavedPush>? p)
                ? p.Select(x => x with { Count = x.Count is null ? null : InSizes(x.Count, definitions, lengths) }).ToList()
                : new List<SavedPush>();
            items.Add(new SavedItem(field, SizeOf(local.Type), local.Shape, length, pushed));
        }

        return items;
    }

    /// <summary>The bytes of one value of <paramref name="type"/>.</summary>
    public static int SizeOf(ScalarType type) => type switch
    {
        ScalarType.Double or ScalarType.Long => 8,
        ScalarType.Bool => 1,
        _ => 4,
    };

    /// <summary>
    /// Integer scalars the forward side defines once, at its top level (not in a loop or branch), from what is known on
    /// entry: a buffer length that names them can name their definitions instead.
    /// </summary>
    private static Dictionary<int, Expr> SizeDefinitions(Sequence forward, AdjointProgram program)
    {
        var counts = new Dictionary<int, int>();
        CodeWalker.Visit(forward, code =>
        {
            int target = code switch
            {
                Declare { Value: not null } d => d.Local,
                Assign { Target: VariableRef t } => t.Variable,
                Accumulate { Target: VariableRef t } => t.Variable,
                _ => -1,
            };
            if (target >= 0)
            {
                counts[target] = counts.TryGetValue(target, out int n) ? n + 1 : 1;
            }
        });
        CodeWalker.VisitExpressions(forward, e =>
        {
            if (e is RefTo { Target: VariableRef r } || e is OutTo { Target: VariableRef })
            {
                int local = e is RefTo { Target: VariableRef rr } ? rr.Variable : ((VariableRef)((OutTo)e).Target!).Variable;
                counts[local] = 2;
            }
        });

        var definitions = new Dictionary<int, Expr>();
        void TopLevel(Sequence sequence)
        {
            foreach (Code item in sequence.Items)
            {
                (int local, Expr? value) = item switch
                {
                    Declare { Value: { } v } d => (d.Local, v),
                    Assign { Target: VariableRef t, Operator: "", Value: var v } => (t.Variable, v),
                    _ => (-1, null),
                };
                if (local >= 0 && value is not null && counts[local] == 1 && program.Locals[local] is { Shape: LocalShape.Scalar, Type: ScalarType.Int or ScalarType.Long }
                    && !ExprWalker.Any(value, x => x is ElementRef or Popped or Invocation or Saved))
                {
                    definitions[local] = value;
                }

                if (item is Sequence or Commented or Section)
                {
                    TopLevel(CodeWalker.Blocks(item).Single());
                }
            }
        }

        TopLevel(forward);
        return definitions;
    }

    /// <summary><paramref name="size"/> with the locals of <paramref name="definitions"/> replaced by their definitions, and the lengths of buffers by theirs.</summary>
    private static Expr InSizes(Expr size, Dictionary<int, Expr> definitions, Dictionary<int, Expr> lengths)
    {
        for (int round = 0; round < 8; round++)
        {
            Expr next = ExprWalker.Rewrite(size, e => e switch
            {
                VariableRef v when definitions.TryGetValue(v.Variable, out Expr? d) => d,
                LengthOf l when lengths.TryGetValue(l.Buffer, out Expr? d) => d,
                _ => null,
            });
            if (next.Equals(size))
            {
                break;
            }

            size = next;
        }

        return size;
    }

    private static void CollectPushes(Code code, string? loop, bool conditional, Dictionary<int, List<SavedPush>> pushes, AdjointProgram program,
        Dictionary<int, string> loopSources)
    {
        switch (code)
        {
            case Push push:
                Add(push.Stack, new SavedPush(null, loop, conditional));
                return;
            case StackRange { Operation: RangeOperation.Push } range:
                Add(range.Stack, new SavedPush(LengthOfSpan(range.Span, program), loop, conditional));
                return;
            case Sequence sequence:
                foreach (Code item in sequence.Items)
                {
                    CollectPushes(item, loop, conditional, pushes, program, loopSources);
                }

                return;
            case LoopCode forwardLoop:
                string inner = loopSources.TryGetValue(forwardLoop.Origin, out string? header) ? header : "a loop";
                foreach (Sequence block in CodeWalker.Blocks(forwardLoop))
                {
                    CollectPushes(block, inner, false, pushes, program, loopSources);
                }

                return;
            default:
                foreach (Sequence block in CodeWalker.Blocks(code))
                {
                    CollectPushes(block, loop, conditional || code is If, pushes, program, loopSources);
                }

                return;
        }

        void Add(int stack, SavedPush push)
        {
            if (!pushes.TryGetValue(stack, out List<SavedPush>? list))
            {
                list = new List<SavedPush>();
                pushes[stack] = list;
            }

            list.Add(push);
        }
    }

    /// <summary>The number of elements of a span expression pushed whole.</summary>
    private static Expr LengthOfSpan(Expr span, AdjointProgram program) => span switch
    {
        SpanOf { Length: { } length } => length,
        SpanOf { Start: null } whole => new LengthOf(whole.Buffer),
        SpanOf { Start: { } start } part => new Binary(ScalarType.Int, "-", new LengthOf(part.Buffer), start),
        VariableRef v when program.Locals[v.Variable].IsBuffer => new LengthOf(v.Variable),
        _ => new Opaque(ScalarType.Int, "?"),
    };
}
