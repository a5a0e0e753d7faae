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
        Code rebuilt = code switch
        {
            Sequence sequence => RewriteSequence(sequence, rewrite),
            Commented commented => commented with { Body = RewriteSequence(commented.Body, rewrite) },
            Section section => section with { Body = RewriteSequence(section.Body, rewrite) },
            If conditional => conditional with
            {
                Then = RewriteSequence(conditional.Then, rewrite),
                Else = conditional.Else is null ? null : RewriteSequence(conditional.Else, rewrite),
            },
            LoopCode loop => loop with { Step = RewriteSequence(loop.Step, rewrite), Body = RewriteSequence(loop.Body, rewrite) },
            _ => code,
        };
        return rewrite(code, rebuilt);
    }

    /// <summary>Rewrites every statement of a sequence with <see cref="Rewrite(Code, Func{Code, Code})"/>, splicing sequences.</summary>
    public static Sequence RewriteSequence(Sequence sequence, Func<Code, Code> rewrite) => RewriteSequence(sequence, (_, rebuilt) => rewrite(rebuilt));

    /// <summary>Rewrites every statement of a sequence with <see cref="Rewrite(Code, Func{Code, Code, Code})"/>, splicing sequences.</summary>
    public static Sequence RewriteSequence(Sequence sequence, Func<Code, Code, Code> rewrite)
    {
        var items = new List<Code>(sequence.Items.Count);
        foreach (Code item in sequence.Items)
        {
            Code rewritten = Rewrite(item, rewrite);
            if (rewritten is Sequence inline)
            {
                items.AddRange(inline.Items);
            }
            else
            {
                items.Add(rewritten);
            }
        }

        return items.Count == 0 ? Sequence.Empty : new Sequence(items.ToEquatableArray());
    }

    /// <summary>The statement with every expression in it (not in nested statements) rewritten by <paramref name="replace"/>.</summary>
    public static Code RewriteExpressions(Code code, Func<Expr, Expr?> replace)
    {
        Expr R(Expr e) => ExprWalker.Rewrite(e, replace);
        Expr? N(Expr? e) => e is null ? null : ExprWalker.Rewrite(e, replace);
        return code switch
        {
            Declare d => d with { Value = N(d.Value) },
            Assign a => a with { Target = R(a.Target), Value = R(a.Value) },
            Accumulate a => a with { Target = R(a.Target), Value = R(a.Value) },
            If i => i with { Condition = R(i.Condition) },
            LoopCode l => l with { Start = N(l.Start), Condition = N(l.Condition) },
            Return r => r with { Value = N(r.Value) },
            Evaluate e => e with { Expression = R(e.Expression) },
            Save s => s with { Value = R(s.Value) },
            DeclareBuffer b => b with { Length = R(b.Length) },
            CopySpan c => c with { Source = R(c.Source), Destination = R(c.Destination) },
            StackRange r => r with { Span = R(r.Span), Depth = N(r.Depth) },
            Push p => p with { Value = R(p.Value) },
            StoreVector s => s with { Vector = R(s.Vector), Span = R(s.Span) },
            _ => code,
        };
    }

    /// <summary>The sequence with every expression in it and its nested statements rewritten by <paramref name="replace"/>.</summary>
    public static Sequence RewriteAllExpressions(Sequence sequence, Func<Expr, Expr?> replace) =>
        RewriteSequence(sequence, code => RewriteExpressions(code, replace));
}
