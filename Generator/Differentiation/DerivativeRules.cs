using System.Collections.Generic;
using System.Linq;

namespace SourceGrad.Generator.Differentiation;

/// <summary>
/// The derivative rules, one line per operation, written like the maths. For y = f(a, b, c) each entry gives
/// the contribution to the adjoint of each argument in terms of the arguments (a, b, c), the result (y) and the
/// result's adjoint (dy); null means the argument gets nothing (a zero derivative). Function names are written
/// bare (Cos, Log, ...) and become MathF.* or Math.* by the type.
///
/// Conventions at non-differentiable points (docs/supported-csharp.md): Abs'(0) = 0; Min and Max give a tie
/// wholly to their first argument; Clamp passes the gradient to the value on [min, max] inclusive; Sqrt'(0) and
/// Cbrt'(0) are +∞ as the maths says; Pow's derivative in its exponent is 0 where the result is 0.
/// </summary>
internal static class DerivativeRules
{
    private static readonly Dictionary<string, string?[]> s_rules = new()
    {
        // Arithmetic.
        ["+"] = new[] { "dy", "dy" },
        ["-"] = new[] { "dy", "-dy" },
        ["*"] = new[] { "dy * b", "dy * a" },
        ["/"] = new[] { "dy / b", "-dy * a / (b * b)" },
        ["%"] = new[] { "dy", "-dy * Truncate(a / b)" },
        ["negate"] = new[] { "-dy" },

        // Exponentials and logarithms.
        ["Exp"] = new[] { "dy * y" },
        ["Log"] = new[] { "dy / a" },
        ["Log2"] = new[] { "dy / (a * Log(2))" },
        ["Log10"] = new[] { "dy / (a * Log(10))" },
        ["Sqrt"] = new[] { "dy / (2 * y)" },
        ["Cbrt"] = new[] { "dy / (3 * y * y)" },
        ["Pow"] = new[] { "dy * b * Pow(a, b - 1)", "y == 0 ? 0 : dy * y * Log(a)" },

        // Trigonometric and hyperbolic.
        ["Sin"] = new[] { "dy * Cos(a)" },
        ["Cos"] = new[] { "-dy * Sin(a)" },
        ["Tan"] = new[] { "dy * (1 + y * y)" },
        ["Asin"] = new[] { "dy / Sqrt(1 - a * a)" },
        ["Acos"] = new[] { "-dy / Sqrt(1 - a * a)" },
        ["Atan"] = new[] { "dy / (1 + a * a)" },
        ["Atan2"] = new[] { "dy * b / (a * a + b * b)", "-dy * a / (a * a + b * b)" },
        ["Sinh"] = new[] { "dy * Cosh(a)" },
        ["Cosh"] = new[] { "dy * Sinh(a)" },
        ["Tanh"] = new[] { "dy * (1 - y * y)" },

        // Piecewise.
        ["Abs"] = new[] { "dy * Sign(a)" },
        ["Min"] = new[] { "a <= b ? dy : 0", "a <= b ? 0 : dy" },
        ["Max"] = new[] { "a >= b ? dy : 0", "a >= b ? 0 : dy" },
        ["Clamp"] = new[] { "a >= b && a <= c ? dy : 0", "a < b ? dy : 0", "a > c && a >= b ? dy : 0" },
        ["FusedMultiplyAdd"] = new[] { "dy * b", "dy * a", "dy" },

        // Zero almost everywhere.
        ["Sign"] = new string?[] { null },
        ["Floor"] = new string?[] { null },
        ["Ceiling"] = new string?[] { null },
        ["Round"] = new string?[] { null },
        ["Truncate"] = new string?[] { null },
    };

    /// <summary>The rule for an operator or function, or null when there is none.</summary>
    public static string?[]? For(string operation) => s_rules.TryGetValue(operation, out string?[]? rule) ? rule : null;

    /// <summary>Whether some argument's rule reads the result y.</summary>
    public static bool ReadsResult(string operation) => s_readsResult.Contains(operation);

    /// <summary>The operations some of whose rules read y: worked out once from the table, not per statement.</summary>
    private static readonly HashSet<string> s_readsResult = new(s_rules
        .Where(rule => System.Array.Exists(rule.Value, r => r is not null && System.Text.RegularExpressions.Regex.IsMatch(r, @"\by\b")))
        .Select(rule => rule.Key));

    /// <summary>Functions a rule may call, which become MathF.* or Math.*.</summary>
    public static readonly HashSet<string> Functions = new()
    {
        "Cos", "Sin", "Log", "Pow", "Sqrt", "Cosh", "Sinh", "Sign", "Truncate",
    };
}
