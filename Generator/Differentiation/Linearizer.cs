using System;
using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

/// <summary>What linearisation needs from the mode using it: which values carry tangents, and where temporaries go.</summary>
internal interface ITangentSpace
{
    /// <summary>Whether the expression's value can have a tangent other than 0.</summary>
    bool IsActive(Expr expr);

    /// <summary>The tangent of a variable or element (null when it has none).</summary>
    Expr? TangentOfLeaf(Expr leaf);

    /// <summary>A temporary declared where it is computed: <c>T stem1 = value;</c>.</summary>
    VariableRef Temp(Expr value, List<Code> code, string stem);
}

/// <summary>
/// Tangents of expressions, for every mode that propagates them (forward mode over the primal IR, the Hessian-vector
/// product over the adjoint program): each operation's rule from <see cref="DerivativeRules"/>, applied from the
/// operands to the result. A rule's contributions are linear in the result's adjoint dy, so the tangent of the result
/// is the sum of the contributions with dy replaced by each argument's tangent.
/// </summary>
internal sealed class Linearizer
{
    private readonly ITangentSpace _tangents;

    /// <summary>Depth of the ?: branches being linearised: inside one, nothing is hoisted (the branch may not run).</summary>
    private int _branchDepth;

    public Linearizer(ITangentSpace tangents) => _tangents = tangents;

    /// <summary>
    /// An expression and its tangent (null when it is 0). A value both the statement and its tangent read (a rule's
    /// argument, or a result the rule reads, as Exp's) is computed once into a temporary, and the returned primal reads
    /// it; inside a ?: branch, which may not run, nothing is hoisted.
    /// </summary>
    public (Expr Primal, Expr? Tangent) Linearize(Expr expr, List<Code> code)
    {
        // Only floats and doubles have tangents: (int)x is constant where it is differentiable at all.
        if (expr.Type is not (ScalarType.Float or ScalarType.Double) || !_tangents.IsActive(expr))
        {
            return (expr, null);
        }

        switch (expr)
        {
            case VariableRef or ElementRef:
                return (expr, _tangents.TangentOfLeaf(expr));
            case Conversion conversion:
            {
                (Expr operand, Expr? tangent) = Linearize(conversion.Operand, code);
                return (conversion with { Operand = operand }, tangent is null ? null : new Conversion(conversion.Type, tangent));
            }

            case Unary { Operator: "-" or "+" } unary:
            {
                (Expr operand, Expr? tangent) = Linearize(unary.Operand, code);
                return (unary with { Operand = operand }, tangent is null ? null : unary.Operator == "-" ? Negate(tangent) : tangent);
            }

            case Conditional conditional:
                return LinearizeConditional(conditional, code);

            // 1 / (1 + Exp(−u)): the logistic, whose derivative σ(1 − σ) reads σ itself.
            case Binary logistic when IsLogistic(logistic, out Expr argument):
                return ApplyRule("logistic", logistic.Type, new[] { argument }, code,
                    args => ExprWalker.Rewrite(logistic, e => ReferenceEquals(e, argument) ? args[0] : null));

            // x·x: one rule, 2·x·tx.
            case Binary { Operator: "*" } square when square.Left.Equals(square.Right):
                return ApplyRule("square", square.Type, new[] { square.Left }, code, args => square with { Left = args[0], Right = args[0] });
            case Binary binary:
                return ApplyRule(binary.Operator, binary.Type, new[] { binary.Left, binary.Right }, code,
                    args => binary with { Left = args[0], Right = args[1] });
            case Intrinsic intrinsic:
                return ApplyRule(intrinsic.Name, intrinsic.Type, intrinsic.Arguments.ToArray(), code,
                    args => intrinsic with { Arguments = args.ToEquatableArray() });
            default:
                return (expr, null);
        }
    }

    /// <summary>c ? a : b has tangent c ? ta : tb, with c computed once.</summary>
    private (Expr Primal, Expr? Tangent) LinearizeConditional(Conditional conditional, List<Code> code)
    {
        Expr condition = conditional.Condition;
        _branchDepth++;
        (Expr whenTrue, Expr? trueTangent) = Linearize(conditional.WhenTrue, code);
        (Expr whenFalse, Expr? falseTangent) = Linearize(conditional.WhenFalse, code);
        _branchDepth--;
        if (trueTangent is null && falseTangent is null)
        {
            return (conditional, null);
        }

        if (_branchDepth == 0 && !IsAtomic(condition))
        {
            condition = _tangents.Temp(condition, code, "_choice");
        }

        Expr primal = conditional with { Condition = condition, WhenTrue = whenTrue, WhenFalse = whenFalse };
        Expr tangent = conditional with
        {
            Condition = condition,
            WhenTrue = trueTangent ?? Zero(conditional.Type),
            WhenFalse = falseTangent ?? Zero(conditional.Type),
        };
        return (primal, tangent);
    }

    /// <summary>
    /// The tangent of op(arguments): the sum over active arguments of the rule's contribution with dy := the argument's
    /// tangent. <paramref name="rebuild"/> makes the operation again from (possibly hoisted) arguments.
    /// </summary>
    private (Expr Primal, Expr? Tangent) ApplyRule(string operation, ScalarType type, Expr[] arguments, List<Code> code, Func<Expr[], Expr> rebuild)
    {
        var tangents = new Expr?[arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            (arguments[i], tangents[i]) = Linearize(arguments[i], code);
        }

        if (DerivativeRules.For(operation) is not Rule rule || tangents.All(t => t is null))
        {
            return (rebuild(arguments), null);
        }

        Expr?[] templates = DerivativeRules.Apply(rule, type,
            arguments.Length > 0 ? arguments[0].Type : null,
            arguments.Length > 1 ? arguments[1].Type : null,
            arguments.Length > 2 ? arguments[2].Type : null);
        var used = new List<(Expr Template, Expr Tangent)>();
        for (int i = 0; i < arguments.Length && i < templates.Length; i++)
        {
            if (templates[i] is Expr template && tangents[i] is Expr tangent)
            {
                used.Add((template, tangent));
            }
        }

        // What the contributions read is computed once, where the statement reads it too.
        bool hoist = _branchDepth == 0;
        for (int i = 0; i < arguments.Length; i++)
        {
            if (hoist && !IsAtomic(arguments[i]) && used.Any(u => RuleArgument.Occurs(u.Template, i)))
            {
                arguments[i] = _tangents.Temp(arguments[i], code, "_v");
            }
        }

        Expr primal = rebuild(arguments);
        if (hoist && !IsAtomic(primal) && used.Any(u => RuleArgument.Occurs(u.Template, RuleArgument.Result)))
        {
            primal = _tangents.Temp(primal, code, "_v");
        }

        Expr? sum = null;
        foreach ((Expr template, Expr tangent) in used)
        {
            Expr contribution = WithoutUnitFactors(ExprWalker.Rewrite(template, e => e is RuleArgument argument
                ? argument.Index switch
                {
                    RuleArgument.Adjoint => tangent,
                    RuleArgument.Result => primal,
                    int index => arguments[index],
                }
                : null));
            sum = sum is null ? contribution
                : Negated(contribution) is Expr positive ? new Binary(type, "-", sum, positive)
                : OneSelect(sum, contribution) ?? new Binary(type, "+", sum, contribution);
        }

        return (primal, sum);
    }

    /// <summary>(c ? a : 0) + (c ? 0 : b) is c ? a : b (Min, Max and Clamp give their tangent to one argument); else null.</summary>
    private static Expr? OneSelect(Expr left, Expr right) =>
        left is Conditional { WhenFalse: Literal leftZero } first && right is Conditional { WhenTrue: Literal rightZero } second
        && first.Condition.Equals(second.Condition) && IsZero(leftZero) && IsZero(rightZero)
            ? first with { WhenFalse = second.WhenFalse }
            : null;

    private static bool IsZero(Literal literal) => literal.Code is "0f" or "0d" or "0";

    /// <summary>−x, or a product or quotient whose first factor is −x, without its minus; null for anything else.</summary>
    private static Expr? Negated(Expr expr) => expr switch
    {
        Unary { Operator: "-" } unary => unary.Operand,
        Binary { Operator: "*" or "/" } binary when Negated(binary.Left) is Expr left => binary with { Left = left },
        _ => null,
    };

    /// <summary>The tangent as a value of the target's type: 0 for an inactive value.</summary>
    public static Expr OrZero(Expr? tangent, ScalarType type) => tangent ?? Zero(type);
}
