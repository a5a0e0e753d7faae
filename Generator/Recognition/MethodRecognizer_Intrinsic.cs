using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary>The functions of <c>Math</c> and <c>MathF</c> the derivative rules know.</summary>
internal sealed partial class MethodRecognizer
{
    private static readonly HashSet<string> s_intrinsics = new()
    {
        "Exp", "Log", "Log2", "Log10", "Sqrt", "Cbrt", "Pow", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Atan2",
        "Sinh", "Cosh", "Tanh", "Abs", "Min", "Max", "Clamp", "FusedMultiplyAdd", "Sign", "Floor", "Ceiling",
        "Round", "Truncate",
    };

    private Expr RecognizeIntrinsic(IInvocationOperation invocation)
    {
        IMethodSymbol method = invocation.TargetMethod;
        if (Types.Scalar(method.ReturnType) is not ScalarType type)
        {
            return Unsupported(invocation, "this overload does not return a number");
        }

        bool twoArgumentLog = method.Name == "Log" && invocation.Arguments.Length == 2;
        if ((method.Name == "Round" && invocation.Arguments.Length != 1)
            || invocation.Arguments.Any(a => Types.Scalar(a.Value.Type) is null))
        {
            return Unsupported(invocation, $"use the overload of {method.Name} that takes only numbers");
        }

        var arguments = invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => RecognizeExpression(a.Value)).ToList();
        if (twoArgumentLog)
        {
            // log_b(a) = ln a / ln b: the IR keeps one-argument logarithms only.
            return new Binary(type, "/",
                new Intrinsic(type, "Log", new[] { arguments[0] }.ToEquatableArray()),
                new Intrinsic(type, "Log", new[] { arguments[1] }.ToEquatableArray()));
        }

        return new Intrinsic(type, method.Name, arguments.ToEquatableArray());
    }

    private static bool IsIntrinsic(IMethodSymbol method) =>
        method.IsStatic
        && s_intrinsics.Contains(method.Name)
        && method.ContainingType.ContainingNamespace?.ToDisplayString() == "System"
        && method.ContainingType.Name is "Math" or "MathF" or "Single" or "Double";
}
