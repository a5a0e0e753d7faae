using System;
using System.Collections.Generic;

namespace SourceGrad.Generator.Model;

/// <summary>Visits and rewrites expression trees (both the primal IR's and the adjoint program's).</summary>
internal static class ExprWalker
{
    /// <summary>Calls <paramref name="visit"/> on the expression and every expression inside it, parents first.</summary>
    public static void Visit(Expr expr, Action<Expr> visit)
    {
        visit(expr);
        foreach (Expr child in Children(expr))
        {
            Visit(child, visit);
        }
    }

    /// <summary>The local an expression node names itself (a variable, an element's or a length's buffer, a span's, a stack popped), or −1.</summary>
    public static int LocalOf(Expr expr) => expr switch
    {
        VariableRef variable => variable.Variable,
        ElementRef element => element.Buffer,
        LengthOf length => length.Buffer,
        SpanOf span => span.Buffer,
        Popped popped => popped.Stack,
        MemberOf member => member.Local,
        _ => -1,
    };

    /// <summary>Whether some expression in the tree satisfies <paramref name="predicate"/>.</summary>
    public static bool Any(Expr expr, Func<Expr, bool> predicate)
    {
        if (predicate(expr))
        {
            return true;
        }

        foreach (Expr child in Children(expr))
        {
            if (Any(child, predicate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Rebuilds the tree top-down: where <paramref name="replace"/> returns an expression it takes the node's place
    /// (and is not descended into); elsewhere the node is rebuilt from its rewritten children.
    /// </summary>
    public static Expr Rewrite(Expr expr, Func<Expr, Expr?> replace)
    {
        if (replace(expr) is Expr replacement)
        {
            return replacement;
        }

        return expr switch
        {
            ElementRef e => Same(e.Index, replace, out Expr index) ? e : e with { Index = index },
            Unary u => Same(u.Operand, replace, out Expr operand) ? u : u with { Operand = operand },
            Binary b => Rebuild(b, replace),
            Conditional c => Rebuild(c, replace),
            Conversion c => Same(c.Operand, replace, out Expr operand) ? c : c with { Operand = operand },
            Intrinsic i => RebuildArguments(i.Arguments, replace) is { } arguments ? i with { Arguments = arguments } : i,
            Invocation i => RebuildArguments(i.Arguments, replace) is { } arguments ? i with { Arguments = arguments } : i,
            VectorCall v => RebuildArguments(v.Arguments, replace) is { } arguments ? v with { Arguments = arguments } : v,
            RefTo r => Same(r.Target, replace, out Expr target) ? r : r with { Target = target },
            OutTo { Target: { } original } o => Same(original, replace, out Expr target) ? o : o with { Target = target },
            SpanOf s => RebuildSpan(s, replace),
            LoadVector l => Same(l.Span, replace, out Expr span) ? l : l with { Span = span },
            Broadcast b => Same(b.Value, replace, out Expr value) ? b : b with { Value = value },
            SumLanes s => Same(s.Vector, replace, out Expr vector) ? s : s with { Vector = vector },
            NewPooledBuffer n => Same(n.Length, replace, out Expr length) ? n : n with { Length = length },
            Quoted q => Same(q.Expression, replace, out Expr quoted) ? q : q with { Expression = quoted },
            _ => expr,
        };
    }

    /// <summary>The direct children of an expression.</summary>
    public static IEnumerable<Expr> Children(Expr expr)
    {
        switch (expr)
        {
            case ElementRef e:
                yield return e.Index;
                break;
            case Unary u:
                yield return u.Operand;
                break;
            case Binary b:
                yield return b.Left;
                yield return b.Right;
                break;
            case Conditional c:
                yield return c.Condition;
                yield return c.WhenTrue;
                yield return c.WhenFalse;
                break;
            case Conversion c:
                yield return c.Operand;
                break;
            case Intrinsic i:
                foreach (Expr argument in i.Arguments)
                {
                    yield return argument;
                }

                break;
            case Invocation i:
                foreach (Expr argument in i.Arguments)
                {
                    yield return argument;
                }

                break;
            case VectorCall v:
                foreach (Expr argument in v.Arguments)
                {
                    yield return argument;
                }

                break;
            case RefTo r:
                yield return r.Target;
                break;
            case OutTo { Target: { } target }:
                yield return target;
                break;
            case SpanOf s:
                if (s.Start is not null)
                {
                    yield return s.Start;
                }

                if (s.Length is not null)
                {
                    yield return s.Length;
                }

                break;
            case LoadVector l:
                yield return l.Span;
                break;
            case Broadcast b:
                yield return b.Value;
                break;
            case SumLanes s:
                yield return s.Vector;
                break;
            case Quoted q:
                yield return q.Expression;
                break;
            case NewPooledBuffer n:
                yield return n.Length;
                break;
        }
    }

    private static bool Same(Expr child, Func<Expr, Expr?> replace, out Expr rewritten)
    {
        rewritten = Rewrite(child, replace);
        return ReferenceEquals(rewritten, child);
    }

    private static Expr Rebuild(Binary b, Func<Expr, Expr?> replace)
    {
        bool sameLeft = Same(b.Left, replace, out Expr left);
        bool sameRight = Same(b.Right, replace, out Expr right);
        return sameLeft && sameRight ? b : b with { Left = left, Right = right };
    }

    private static Expr Rebuild(Conditional c, Func<Expr, Expr?> replace)
    {
        bool sameCondition = Same(c.Condition, replace, out Expr condition);
        bool sameTrue = Same(c.WhenTrue, replace, out Expr whenTrue);
        bool sameFalse = Same(c.WhenFalse, replace, out Expr whenFalse);
        return sameCondition && sameTrue && sameFalse ? c : c with { Condition = condition, WhenTrue = whenTrue, WhenFalse = whenFalse };
    }

    private static Expr RebuildSpan(SpanOf s, Func<Expr, Expr?> replace)
    {
        Expr? start = s.Start is null ? null : Rewrite(s.Start, replace);
        Expr? length = s.Length is null ? null : Rewrite(s.Length, replace);
        return ReferenceEquals(start, s.Start) && ReferenceEquals(length, s.Length) ? s : s with { Start = start, Length = length };
    }

    private static EquatableArray<Expr>? RebuildArguments(EquatableArray<Expr> arguments, Func<Expr, Expr?> replace)
    {
        Expr[]? rebuilt = null;
        for (int i = 0; i < arguments.Count; i++)
        {
            Expr argument = Rewrite(arguments[i], replace);
            if (!ReferenceEquals(argument, arguments[i]))
            {
                rebuilt ??= ToArray(arguments);
                rebuilt[i] = argument;
            }
        }

        return rebuilt is null ? null : rebuilt.ToEquatableArray();
    }

    private static Expr[] ToArray(EquatableArray<Expr> items)
    {
        var array = new Expr[items.Count];
        for (int i = 0; i < array.Length; i++)
        {
            array[i] = items[i];
        }

        return array;
    }
}
