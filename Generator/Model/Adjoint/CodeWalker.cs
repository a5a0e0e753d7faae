using System;
using System.Collections.Generic;

namespace SourceGrad.Generator.Model;

/// <summary>Visits and rewrites the statements of an adjoint program.</summary>
internal static class CodeWalker
{
    /// <summary>The statements nested directly inside a statement (a block's items, a branch's, a loop's parts).</summary>
    public static IEnumerable<Sequence> Blocks(Code code)
    {
        switch (code)
        {
            case Sequence sequence:
                yield return sequence;
                break;
            case Commented commented:
                yield return commented.Body;
                break;
            case Section section:
                yield return section.Body;
                break;
            case If conditional:
                yield return conditional.Then;
                if (conditional.Else is not null)
                {
                    yield return conditional.Else;
                }

                break;
            case LoopCode loop:
                yield return loop.Step;
                yield return loop.Body;
                break;
        }
    }

    /// <summary>
    /// The expressions a statement itself evaluates or writes, not those of statements nested in it. Assignment
    /// targets are included: an element target reads its buffer and index.
    /// </summary>
    public static IEnumerable<Expr> Expressions(Code code)
    {
        switch (code)
        {
            case Declare { Value: { } value }:
                yield return value;
                break;
            case Assign assign:
                yield return assign.Target;
                yield return assign.Value;
                break;
            case Accumulate accumulate:
                yield return accumulate.Target;
                yield return accumulate.Value;
                break;
            case If conditional:
                yield return conditional.Condition;
                break;
            case LoopCode loop:
                if (loop.Start is not null)
                {
                    yield return loop.Start;
                }

                if (loop.Condition is not null)
                {
                    yield return loop.Condition;
                }

                break;
            case Return { Value: { } value }:
                yield return value;
                break;
            case Evaluate evaluate:
                yield return evaluate.Expression;
                break;
            case Save save:
                yield return save.Value;
                break;
            case DeclareBuffer buffer:
                yield return buffer.Length;
                break;
            case CopySpan copy:
                yield return copy.Source;
                yield return copy.Destination;
                break;
            case StackRange range:
                yield return range.Span;
                if (range.Depth is not null)
                {
                    yield return range.Depth;
                }

                break;
            case Push push:
                yield return push.Value;
                break;
            case StoreVector store:
                yield return store.Vector;
                yield return store.Span;
                break;
        }
    }

    /// <summary>
    /// The local a statement names beside its expressions, other than by declaring it: the buffer or stack it disposes,
    /// the stack it pushes to, a loop's counter; or −1.
    /// </summary>
    public static int LocalOf(Code code) => code switch
    {
        Dispose dispose => dispose.Local,
        StackRange range => range.Stack,
        Push push => push.Stack,
        LoopCode { Counter: >= 0 } loop => loop.Counter,
        _ => -1,
    };

    /// <summary>Calls <paramref name="visit"/> on the statement and every statement nested in it, parents first.</summary>
    public static void Visit(Code code, Action<Code> visit)
    {
        visit(code);
        foreach (Sequence block in Blocks(code))
        {
            foreach (Code item in block.Items)
            {
                Visit(item, visit);
            }
        }
    }

    /// <summary>Calls <paramref name="visit"/> on every expression (and sub-expression) in the statement and those nested in it.</summary>
    public static void VisitExpressions(Code code, Action<Expr> visit) =>
        Visit(code, c =>
        {
            foreach (Expr expr in Expressions(c))
            {
                ExprWalker.Visit(expr, visit);
            }
        });

    /// <summary>
    /// Rebuilds a statement bottom-up: nested statements first, then <paramref name="rewrite"/> on the statement with its
    /// rewritten children; what it returns takes the statement's place (a <see cref="Sequence"/> is spliced into the
    /// enclosing one, an empty one removes the statement).
    /// </summary>
    public static Code Rewrite(Code code, Func<Code, Code> rewrite) => Rewrite(code, (_, rebuilt) => rewrite(rebuilt));

    /// <summary>
    /// As <see cref="Rewrite(Code, Func{Code, Code})"/>, with the statement as it was before its children were rewritten
    /// passed first (for passes that decided what to do on the original tree).
    /// </summary>
    public static Code Rewrite(Code code, Func<Code, Code, Code> rewrite)
    {
        // What nothing changed is kept as it was, so a pass that finds nothing to do costs no copies and an
        // unchanged program compares equal to the old one by reference.
        Code rebuilt = code switch
        {
            Sequence sequence => RewriteSequence(sequence, rewrite),
            Commented commented => RewriteSequence(commented.Body, rewrite) is var body && ReferenceEquals(body, commented.Body) ? commented : commented with { Body = body },
            Section section => RewriteSequence(section.Body, rewrite) is var body && ReferenceEquals(body, section.Body) ? section : section with { Body = body },
            If conditional => Rebuild(conditional, rewrite),
            LoopCode loop => Rebuild(loop, rewrite),
            _ => code,
        };
        return rewrite(code, rebuilt);
    }

    private static If Rebuild(If conditional, Func<Code, Code, Code> rewrite)
    {
        Sequence then = RewriteSequence(conditional.Then, rewrite);
        Sequence? otherwise = conditional.Else is null ? null : RewriteSequence(conditional.Else, rewrite);
        return ReferenceEquals(then, conditional.Then) && ReferenceEquals(otherwise, conditional.Else)
            ? conditional
            : conditional with { Then = then, Else = otherwise };
    }

    private static LoopCode Rebuild(LoopCode loop, Func<Code, Code, Code> rewrite)
    {
        Sequence step = RewriteSequence(loop.Step, rewrite);
        Sequence body = RewriteSequence(loop.Body, rewrite);
        return ReferenceEquals(step, loop.Step) && ReferenceEquals(body, loop.Body) ? loop : loop with { Step = step, Body = body };
    }

    /// <summary>Rewrites every statement of a sequence with <see cref="Rewrite(Code, Func{Code, Code})"/>, splicing sequences.</summary>
    public static Sequence RewriteSequence(Sequence sequence, Func<Code, Code> rewrite) => RewriteSequence(sequence, (_, rebuilt) => rewrite(rebuilt));

    /// <summary>Rewrites every statement of a sequence with <see cref="Rewrite(Code, Func{Code, Code, Code})"/>, splicing sequences.</summary>
    public static Sequence RewriteSequence(Sequence sequence, Func<Code, Code, Code> rewrite)
    {
        List<Code>? items = null;
        for (int i = 0; i < sequence.Items.Count; i++)
        {
            Code item = sequence.Items[i];
            Code rewritten = Rewrite(item, rewrite);
            if (items is null)
            {
                if (ReferenceEquals(rewritten, item) && rewritten is not Sequence)
                {
                    continue;
                }

                items = new List<Code>(sequence.Items.Count);
                for (int j = 0; j < i; j++)
                {
                    items.Add(sequence.Items[j]);
                }
            }

            if (rewritten is Sequence inline)
            {
                items.AddRange(inline.Items);
            }
            else
            {
                items.Add(rewritten);
            }
        }

        if (items is null)
        {
            return sequence;
        }

        return items.Count == 0 ? Sequence.Empty : new Sequence(items.ToEquatableArray());
    }

    /// <summary>The statement with every expression in it (not in nested statements) rewritten by <paramref name="replace"/>.</summary>
    public static Code RewriteExpressions(Code code, Func<Expr, Expr?> replace)
    {
        Expr R(Expr e) => ExprWalker.Rewrite(e, replace);
        Expr? N(Expr? e) => e is null ? null : ExprWalker.Rewrite(e, replace);
        bool Same(Expr? a, Expr? b) => ReferenceEquals(a, b);
        return code switch
        {
            Declare d => N(d.Value) is var v && Same(v, d.Value) ? d : d with { Value = v },
            Assign a => (R(a.Target), R(a.Value)) is var (t, v) && Same(t, a.Target) && Same(v, a.Value) ? a : a with { Target = t, Value = v },
            Accumulate a => (R(a.Target), R(a.Value)) is var (t, v) && Same(t, a.Target) && Same(v, a.Value) ? a : a with { Target = t, Value = v },
            If i => R(i.Condition) is var c && Same(c, i.Condition) ? i : i with { Condition = c },
            LoopCode l => (N(l.Start), N(l.Condition)) is var (st, c) && Same(st, l.Start) && Same(c, l.Condition) ? l : l with { Start = st, Condition = c },
            Return r => N(r.Value) is var v && Same(v, r.Value) ? r : r with { Value = v },
            Evaluate e => R(e.Expression) is var x && Same(x, e.Expression) ? e : e with { Expression = x },
            Save s => R(s.Value) is var v && Same(v, s.Value) ? s : s with { Value = v },
            DeclareBuffer b => R(b.Length) is var n && Same(n, b.Length) ? b : b with { Length = n },
            CopySpan c => (R(c.Source), R(c.Destination)) is var (so, de) && Same(so, c.Source) && Same(de, c.Destination) ? c : c with { Source = so, Destination = de },
            StackRange r => (R(r.Span), N(r.Depth)) is var (sp, de) && Same(sp, r.Span) && Same(de, r.Depth) ? r : r with { Span = sp, Depth = de },
            Push p => R(p.Value) is var v && Same(v, p.Value) ? p : p with { Value = v },
            StoreVector s => (R(s.Vector), R(s.Span)) is var (v, sp) && Same(v, s.Vector) && Same(sp, s.Span) ? s : s with { Vector = v, Span = sp },
            _ => code,
        };
    }

    /// <summary>The sequence with every expression in it and its nested statements rewritten by <paramref name="replace"/>.</summary>
    public static Sequence RewriteAllExpressions(Sequence sequence, Func<Expr, Expr?> replace) =>
        RewriteSequence(sequence, code => RewriteExpressions(code, replace));
}
