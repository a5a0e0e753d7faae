using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Passes;

/// <summary>
/// A reverse loop whose iterations carry nothing from one to the next runs ascending, as a person would write it (and
/// as the vectorisation pass needs it). That holds when each iteration reads no stack (its saved values, if any, are
/// indexed by iteration), and every variable it writes is one of: declared in the body; only added into and never
/// read there (a reduction, such as a gradient accumulated over the iterations); or written before it is read in
/// every iteration and not read after the loop. A buffer it writes other than by accumulating is touched at the
/// counter's element only. Sums then accumulate in another order, which changes only their rounding.
/// </summary>
/// <example>
/// Before: <c>for (int i = n - 1; i >= 0; i--) { dX[i] += _dSum * _e[i]; _dMax += -…; }</c>
/// After: <c>for (int i = 0; i &lt; n; i++) { … }</c>
/// </example>
internal static class LoopDirection
{
    public static AdjointProgram Run(AdjointProgram program) => program with
    {
        Reverse = CodeWalker.RewriteSequence(program.Reverse, (original, code) =>
            code is LoopCode loop && !loop.IsCheckpointed(program) && Descending(loop) is (Expr last, Expr first) && Independent(loop, (LoopCode)original, program)
                ? Ascending(loop, first, last)
                : code),
    };

    /// <summary>The last and first values of the counter of <c>for (int c = last; c >= first; c--)</c>.</summary>
    private static (Expr Last, Expr First)? Descending(LoopCode loop) =>
        loop is { Form: LoopForm.For, Sweep: Sweep.Reverse, Counter: >= 0, Start: { } last, Condition: Binary { Operator: ">=", Left: VariableRef counter, Right: var first } }
        && counter.Variable == loop.Counter
        && loop.Step.Items.Count == 1 && loop.Step.Items[0] is Assign { Operator: "-", Target: VariableRef stepped, Value: Literal { Code: "1" } }
        && stepped.Variable == loop.Counter
            ? (last, first)
            : null;

    private static LoopCode Ascending(LoopCode loop, Expr first, Expr last)
    {
        var counter = new VariableRef(ScalarType.Int, loop.Counter);
        Expr condition = last is Binary { Operator: "-", Right: Literal { Code: "1" } } minusOne
            ? new Binary(ScalarType.Bool, "<", counter, minusOne.Left)
            : new Binary(ScalarType.Bool, "<=", counter, last);
        return loop with
        {
            Start = first,
            Condition = condition,
            Step = new Sequence(new Code[] { new Assign(counter, "+", Recognition.MethodRecognizer.Constant(ScalarType.Int, 1)) }.ToEquatableArray()),
        };
    }

    /// <param name="loop">The loop, its inner loops already rewritten.</param>
    /// <param name="original">The same loop in <paramref name="program"/>, where liveness looks for what follows it.</param>
    private static bool Independent(LoopCode loop, LoopCode original, AdjointProgram program)
    {
        var body = new Sequence(loop.Body.Items);
        bool forbidden = false;
        CodeWalker.Visit(body, code => forbidden |= code is Goto or LabelMark or Break or Continue or Return or Evaluate or StackRange or Push
            or DeclareBuffer or CopySpan or Save or StoreVector);
        CodeWalker.VisitExpressions(body, e => forbidden |= e is Popped or Invocation or RefTo or Saved);
        if (forbidden)
        {
            return false;
        }

        var facts = BodyFacts.Of(body);
        if (Reads(loop.Start!, facts.Written) || Reads(loop.Condition!, facts.Written))
        {
            return false;
        }

        foreach (int written in facts.Written)
        {
            if (written == loop.Counter || facts.Declared.Contains(written))
            {
                continue;
            }

            if (program.Locals[written].IsBuffer || program.Locals[written].Shape != LocalShape.Scalar)
            {
                return false;
            }

            bool reduction = facts.OnlyAccumulated.Contains(written) && !facts.ReadOtherwise.Contains(written);
            if (!reduction && !(Liveness.KilledFirst(body, written) && !Liveness.IsLiveAfter(program, original, written)))
            {
                return false;
            }
        }

        foreach (int buffer in facts.WrittenBuffers)
        {
            bool accumulated = facts.AccumulatedBuffers.Contains(buffer) && !facts.ReadBuffers.Contains(buffer) && !facts.AssignedBuffers.Contains(buffer);
            if (!accumulated && !AtCounterOnly(body, buffer, loop.Counter, facts.Written))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether every element of the buffer the body touches is at one index: the counter plus an invariant offset.</summary>
    private static bool AtCounterOnly(Sequence body, int buffer, int counter, HashSet<int> written)
    {
        Expr? index = null;
        bool ok = true;
        CodeWalker.VisitExpressions(body, e =>
        {
            switch (e)
            {
                case ElementRef element when element.Buffer == buffer:
                    index ??= element.Index;
                    ok &= element.Index.Equals(index) && CounterPlusInvariant(element.Index, counter, written);
                    break;
                case SpanOf span when span.Buffer == buffer:
                    ok = false;
                    break;
            }
        });
        return ok;
    }

    /// <summary>
    /// Whether the index is the counter plus terms that do not change in the loop (<c>c</c>, <c>x + c</c>, <c>b·n + c − 1</c>):
    /// one element per iteration, a different one each time.
    /// </summary>
    public static bool CounterPlusInvariant(Expr index, int counter, HashSet<int> written)
    {
        int counters = 0;
        foreach ((Expr term, int sign) in SignedTerms(index))
        {
            if (term is VariableRef v && v.Variable == counter)
            {
                counters += sign;
            }
            else if (Reads(term, written) || Reads(term, counter))
            {
                return false;
            }
        }

        return counters == 1 && SignedTerms(index).Count(t => t.Term is VariableRef v && v.Variable == counter) == 1;
    }

    /// <summary>The terms of a sum or difference with their signs: <c>a − (b + c)</c> is (a, +), (b, −), (c, −).</summary>
    public static List<(Expr Term, int Sign)> SignedTerms(Expr expr)
    {
        var terms = new List<(Expr, int)>();
        void Walk(Expr e, int sign)
        {
            switch (e)
            {
                case Binary { Operator: "+" } sum:
                    Walk(sum.Left, sign);
                    Walk(sum.Right, sign);
                    break;
                case Binary { Operator: "-" } difference:
                    Walk(difference.Left, sign);
                    Walk(difference.Right, -sign);
                    break;
                default:
                    terms.Add((e, sign));
                    break;
            }
        }

        Walk(expr, 1);
        return terms;
    }

    private static bool Mentions(Code code, int variable)
    {
        bool found = false;
        CodeWalker.VisitExpressions(code, e => found |= e is VariableRef v && v.Variable == variable);
        return found;
    }

    private static bool Mentions(Expr expr, int variable) => ExprWalker.Any(expr, e => e is VariableRef v && v.Variable == variable);

    public static bool Reads(Expr expr, HashSet<int> variables) => ExprWalker.Any(expr, e => e is VariableRef v && variables.Contains(v.Variable));

    private static bool Reads(Expr expr, int variable) => Mentions(expr, variable);
}

/// <summary>What a loop body writes and reads: the facts the loop passes decide on.</summary>
internal sealed class BodyFacts
{
    /// <summary>Scalars written (assigned, accumulated, declared, or counted by a nested loop).</summary>
    public HashSet<int> Written { get; } = new();

    public HashSet<int> Declared { get; } = new();

    /// <summary>Scalars the body writes only by adding into them (+=, −=).</summary>
    public HashSet<int> OnlyAccumulated { get; } = new();

    /// <summary>Scalars the body reads other than as the target of its own accumulations.</summary>
    public HashSet<int> ReadOtherwise { get; } = new();

    public HashSet<int> WrittenBuffers { get; } = new();

    public HashSet<int> AccumulatedBuffers { get; } = new();

    public HashSet<int> AssignedBuffers { get; } = new();

    /// <summary>Buffers whose elements the body reads (not counting the targets of accumulations).</summary>
    public HashSet<int> ReadBuffers { get; } = new();

    private static readonly Literal Nothing = new(ScalarType.Int, "0");

    public static BodyFacts Of(Sequence body)
    {
        var facts = new BodyFacts();
        var assigned = new HashSet<int>();
        CodeWalker.Visit(body, code =>
        {
            switch (code)
            {
                case Declare declare:
                    facts.Written.Add(declare.Local);
                    facts.Declared.Add(declare.Local);
                    break;
                case LoopCode { Counter: >= 0 } loop:
                    facts.Written.Add(loop.Counter);
                    facts.Declared.Add(loop.Counter);
                    break;
            }

            Expr? target = code switch { Assign a => a.Target, Accumulate a => a.Target, _ => null };
            bool accumulates = code is Accumulate || code is Assign { Operator: "+" or "-" };
            switch (target)
            {
                case VariableRef variable:
                    facts.Written.Add(variable.Variable);
                    if (!accumulates)
                    {
                        assigned.Add(variable.Variable);
                    }

                    break;
                case ElementRef element:
                    facts.WrittenBuffers.Add(element.Buffer);
                    (accumulates ? facts.AccumulatedBuffers : facts.AssignedBuffers).Add(element.Buffer);
                    break;
            }

            foreach (Expr expr in CodeWalker.Expressions(code))
            {
                // A target is written, not read (an accumulation reads it only to add into it); its index is read.
                Expr read = !ReferenceEquals(expr, target) ? expr : target is ElementRef element ? element.Index : Nothing;
                ExprWalker.Visit(read, e =>
                {
                    switch (e)
                    {
                        case VariableRef v:
                            facts.ReadOtherwise.Add(v.Variable);
                            break;
                        case ElementRef element:
                            facts.ReadBuffers.Add(element.Buffer);
                            break;
                        case SpanOf span:
                            facts.ReadBuffers.Add(span.Buffer);
                            break;
                    }
                });
            }
        });

        foreach (int written in facts.Written)
        {
            if (!assigned.Contains(written) && !facts.Declared.Contains(written))
            {
                facts.OnlyAccumulated.Add(written);
            }
        }

        return facts;
    }
}
