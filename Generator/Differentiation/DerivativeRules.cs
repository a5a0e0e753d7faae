using System.Collections.Generic;
using SourceGrad.Generator.Model;
using static SourceGrad.Generator.Differentiation.Term;

namespace SourceGrad.Generator.Differentiation;

/// <summary>
/// For y = f(a, b, c) and the adjoint dy of y, the contribution to the adjoint of each argument; null means the
/// argument gets nothing (a zero derivative).
/// </summary>
internal delegate Term?[] Rule(Term a, Term b, Term c, Term y, Term dy);

/// <summary>
/// The derivative rules, one line per operation, written like the maths. A rule builds adjoint IR from its arguments
/// (a, b, c), the result (y) and the result's adjoint (dy); which of them a rule reads is what differentiation keeps
/// for the reverse sweep. Function names are bare (Cos, Log, …) and become MathF.* or Math.* by the type.
///
/// Conventions at non-differentiable points (docs/supported-csharp.md): Abs'(0) = 0; Min and Max give a tie
/// wholly to their first argument; Clamp passes the gradient to the value on [min, max] inclusive; Sqrt'(0) and
/// Cbrt'(0) are +∞ as the maths says; Pow's derivative in its exponent is 0 where the result is 0, and its
/// contribution is 0 where dy is (so a negative base's NaN Log stays out of a direction, or an adjoint, that does not
/// move the exponent).
/// </summary>
internal static class DerivativeRules
{
    private static readonly Dictionary<string, Rule> s_rules = new()
    {
        // Arithmetic. a·a is a square: its one argument gets both halves at once (see Binary in Backpropagate).
        ["+"] = (a, b, c, y, dy) => [dy, dy],
        ["-"] = (a, b, c, y, dy) => [dy, -dy],
        ["*"] = (a, b, c, y, dy) => [dy * b, dy * a],
        ["square"] = (a, b, c, y, dy) => [2 * a * dy],
        ["/"] = (a, b, c, y, dy) => [dy / b, -dy * a / (b * b)],
        ["%"] = (a, b, c, y, dy) => [dy, -dy * Truncate(a / b)],

        // Exponentials and logarithms.
        ["Exp"] = (a, b, c, y, dy) => [dy * y],
        ["Log"] = (a, b, c, y, dy) => [dy / a],
        ["Log2"] = (a, b, c, y, dy) => [dy / (a * System.Math.Log(2))],
        ["Log10"] = (a, b, c, y, dy) => [dy / (a * System.Math.Log(10))],
        ["Sqrt"] = (a, b, c, y, dy) => [dy / (2 * y)],
        ["Cbrt"] = (a, b, c, y, dy) => [dy / (3 * y * y)],
        ["Pow"] = (a, b, c, y, dy) => [dy * b * Pow(a, b - 1), Select(Or(Equal(y, 0), Equal(dy, 0)), 0, dy * y * Log(a))],

        // Trigonometric and hyperbolic.
        ["Sin"] = (a, b, c, y, dy) => [dy * Cos(a)],
        ["Cos"] = (a, b, c, y, dy) => [-dy * Sin(a)],
        ["Tan"] = (a, b, c, y, dy) => [dy * (1 + y * y)],
        ["Asin"] = (a, b, c, y, dy) => [dy / Sqrt(1 - a * a)],
        ["Acos"] = (a, b, c, y, dy) => [-dy / Sqrt(1 - a * a)],
        ["Atan"] = (a, b, c, y, dy) => [dy / (1 + a * a)],
        ["Atan2"] = (a, b, c, y, dy) => [dy * b / (a * a + b * b), -dy * a / (a * a + b * b)],
        ["Sinh"] = (a, b, c, y, dy) => [dy * Cosh(a)],
        ["Cosh"] = (a, b, c, y, dy) => [dy * Sinh(a)],
        ["Tanh"] = (a, b, c, y, dy) => [dy * (1 - y * y)],

        // Composites recognised whole (see Backpropagate): the logistic σ(a) = 1 / (1 + Exp(−a)) has σ' = σ (1 − σ).
        ["logistic"] = (a, b, c, y, dy) => [dy * y * (1 - y)],

        // Piecewise.
        ["Abs"] = (a, b, c, y, dy) => [dy * Sign(a)],
        ["Min"] = (a, b, c, y, dy) => [Select(a <= b, dy, 0), Select(a <= b, 0, dy)],
        ["Max"] = (a, b, c, y, dy) => [Select(a >= b, dy, 0), Select(a >= b, 0, dy)],
        ["Clamp"] = (a, b, c, y, dy) => [Select(And(a >= b, a <= c), dy, 0), Select(a < b, dy, 0), Select(And(a > c, a >= b), dy, 0)],
        ["FusedMultiplyAdd"] = (a, b, c, y, dy) => [dy * b, dy * a, dy],

        // Zero almost everywhere.
        ["Sign"] = (a, b, c, y, dy) => [null],
        ["Floor"] = (a, b, c, y, dy) => [null],
        ["Ceiling"] = (a, b, c, y, dy) => [null],
        ["Round"] = (a, b, c, y, dy) => [null],
        ["Truncate"] = (a, b, c, y, dy) => [null],
    };

    private static readonly Dictionary<string, bool> s_readsResult = new();

    /// <summary>The rule for an operator or function, or null when there is none.</summary>
    public static Rule? For(string operation) => s_rules.TryGetValue(operation, out Rule? rule) ? rule : null;

    /// <summary>Whether some argument's contribution reads the result y (so the reverse sweep can take y from where it is kept).</summary>
    public static bool ReadsResult(string operation)
    {
        lock (s_readsResult)
        {
            if (!s_readsResult.TryGetValue(operation, out bool reads))
            {
                reads = For(operation) is Rule rule && System.Array.Exists(Apply(rule, ScalarType.Double), c => c is not null && RuleArgument.Occurs(c, RuleArgument.Result));
                s_readsResult[operation] = reads;
            }

            return reads;
        }
    }

    /// <summary>The rule's contributions with its arguments as <see cref="RuleArgument"/> placeholders of <paramref name="type"/>.</summary>
    public static Expr?[] Apply(Rule rule, ScalarType type, ScalarType? a = null, ScalarType? b = null, ScalarType? c = null)
    {
        Term?[] terms = rule(
            new RuleArgument(a ?? type, 0),
            new RuleArgument(b ?? type, 1),
            new RuleArgument(c ?? type, 2),
            new RuleArgument(type, RuleArgument.Result),
            new RuleArgument(type, RuleArgument.Adjoint));
        var contributions = new Expr?[terms.Length];
        for (int i = 0; i < terms.Length; i++)
        {
            contributions[i] = terms[i]?.ToExpr(type);
        }

        return contributions;
    }

    private static Term Pow(Term x, Term exponent) => Function("Pow", x, exponent);

    private static Term Log(Term x) => Function("Log", x);

    private static Term Sqrt(Term x) => Function("Sqrt", x);

    private static Term Sin(Term x) => Function("Sin", x);

    private static Term Cos(Term x) => Function("Cos", x);

    private static Term Sinh(Term x) => Function("Sinh", x);

    private static Term Cosh(Term x) => Function("Cosh", x);

    private static Term Sign(Term x) => Function("Sign", x);

    private static Term Truncate(Term x) => Function("Truncate", x);
}

/// <summary>
/// A rule's argument (0, 1, 2 for a, b, c), its result or its adjoint, standing in for the value until
/// differentiation decides where the reverse sweep reads it from.
/// </summary>
internal sealed record RuleArgument(ScalarType Type, int Index) : Expr(Type)
{
    public const int Result = -1;
    public const int Adjoint = -2;

    /// <summary>Whether the placeholder <paramref name="index"/> occurs in <paramref name="expr"/>.</summary>
    public static bool Occurs(Expr expr, int index)
    {
        bool found = false;
        ExprWalker.Visit(expr, e => found |= e is RuleArgument argument && argument.Index == index);
        return found;
    }
}
