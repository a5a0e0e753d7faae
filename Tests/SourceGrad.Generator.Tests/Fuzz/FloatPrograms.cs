using System.Text.RegularExpressions;

namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>
/// Converts a generated double method to float: float types and literals, MathF (or a double Math call cast
/// back to float, so casts between the two appear too), the float runtime kernels and FuzzLib's float twins.
/// Deterministic, so a float program and its double reference always correspond.
/// </summary>
internal static partial class FloatPrograms
{
    public static MethodSpec Convert(MethodSpec method) => method with
    {
        ReturnType = method.ReturnType == "double" ? "float" : method.ReturnType,
        Params = method.Params.Select(p => p with { Type = Regex.Replace(p.Type, @"\bdouble\b", "float") }).ToArray(),
        Body = Ast.Map(method.Body, Template),
        ExpressionBody = method.ExpressionBody is null ? null : Ast.Map(method.ExpressionBody, Template),
    };

    public static string Template(string template)
    {
        int occurrence = 0;
        string converted = MathCall().Replace(template, match =>
        {
            // Clamp has no MathF version; Math.Clamp has a float overload.
            if (match.Groups[1].Value == "Clamp")
            {
                return match.Value;
            }

            // About one call in five stays in double and is cast back: a float↔double round trip.
            bool viaDouble = (StableHash(template) + occurrence++) % 5 == 0 && match.Groups[1].Value != "PI";
            return (viaDouble ? "(float)Math." : "MathF.") + match.Groups[1].Value;
        });
        converted = DoubleKeyword().Replace(converted, "float");
        converted = DecimalLiteral().Replace(converted, "$1f");
        converted = DoubleSuffixLiteral().Replace(converted, "$1f");
        return converted
            .Replace("FuzzLib.Softplus(", "FuzzLib.SoftplusF(", StringComparison.Ordinal)
            .Replace("FuzzLib.Blend(", "FuzzLib.BlendF(", StringComparison.Ordinal)
            .Replace("FuzzLib.Bump(", "FuzzLib.BumpF(", StringComparison.Ordinal);
    }

    private static int StableHash(string text)
    {
        int hash = 17;
        foreach (char c in text)
        {
            hash = unchecked(hash * 31 + c);
        }

        return hash & int.MaxValue;
    }

    [GeneratedRegex(@"\bMath\.([A-Z]\w*)")]
    private static partial Regex MathCall();

    [GeneratedRegex(@"\bdouble\b")]
    private static partial Regex DoubleKeyword();

    /// <summary>1.5, 0.25, 1e-1, 2.0: literals without a suffix.</summary>
    [GeneratedRegex(@"(?<![\w.])(\d+\.\d+(?:e-?\d+)?|\d+e-?\d+)(?![\w.])")]
    private static partial Regex DecimalLiteral();

    [GeneratedRegex(@"(?<![\w.])(\d+)d\b")]
    private static partial Regex DoubleSuffixLiteral();
}
