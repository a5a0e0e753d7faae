using Microsoft.CodeAnalysis;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary>How the IR sees a C# type: a scalar, or a span/array buffer of scalars.</summary>
internal static class Types
{
    public const string DifferentiableAttribute = "SourceGrad.DifferentiableAttribute";
    public const string NoGradAttribute = "SourceGrad.NoGradAttribute";
    public const string DerivativeOfAttribute = "SourceGrad.DerivativeOfAttribute";
    public const string TangentOfAttribute = "SourceGrad.TangentOfAttribute";

    public static ScalarType? Scalar(ITypeSymbol? type) => type?.SpecialType switch
    {
        SpecialType.System_Single => ScalarType.Float,
        SpecialType.System_Double => ScalarType.Double,
        SpecialType.System_Int32 => ScalarType.Int,
        SpecialType.System_Int64 => ScalarType.Long,
        SpecialType.System_Boolean => ScalarType.Bool,
        _ => null,
    };

    /// <summary>The buffer kind and element type of <c>Span&lt;T&gt;</c>, <c>ReadOnlySpan&lt;T&gt;</c> or <c>T[]</c>.</summary>
    public static (BufferKind Kind, ScalarType? Element) Buffer(ITypeSymbol? type)
    {
        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            return (BufferKind.Array, Scalar(array.ElementType));
        }

        if (type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named
            && named.ContainingNamespace?.ToDisplayString() == "System")
        {
            if (named.Name == "Span")
            {
                return (BufferKind.Span, Scalar(named.TypeArguments[0]));
            }

            if (named.Name == "ReadOnlySpan")
            {
                return (BufferKind.ReadOnlySpan, Scalar(named.TypeArguments[0]));
            }
        }

        return (BufferKind.None, null);
    }

    public static bool IsDifferentiable(ScalarType? type) => type is ScalarType.Float or ScalarType.Double;

    public static string Keyword(ScalarType type) => type switch
    {
        ScalarType.Float => "float",
        ScalarType.Double => "double",
        ScalarType.Int => "int",
        ScalarType.Long => "long",
        ScalarType.Bool => "bool",
        _ => "object",
    };

    public static bool HasAttribute(ISymbol symbol, string fullName)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == fullName)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a parameter gets an adjoint: a float/double scalar, span or array not marked [NoGrad].</summary>
    public static bool IsActiveParameter(IParameterSymbol parameter)
    {
        if (HasAttribute(parameter, NoGradAttribute))
        {
            return false;
        }

        (BufferKind kind, ScalarType? element) = Buffer(parameter.Type);
        return kind != BufferKind.None ? IsDifferentiable(element) : IsDifferentiable(Scalar(parameter.Type));
    }

    /// <summary>The tangent's name: <c>t</c> and the parameter's name with its first letter upper-cased.</summary>
    public static string TangentName(string parameterName) =>
        "t" + char.ToUpperInvariant(parameterName[0]) + parameterName.Substring(1);

    /// <summary>The direction of a Hessian-vector product: <c>v</c> and the parameter's name with its first letter upper-cased.</summary>
    public static string DirectionName(string parameterName) =>
        "v" + char.ToUpperInvariant(parameterName[0]) + parameterName.Substring(1);

    /// <summary>The Hv adjoint of a Hessian-vector product: <c>hv</c> and the parameter's name with its first letter upper-cased.</summary>
    public static string HessianVectorName(string parameterName) =>
        "hv" + char.ToUpperInvariant(parameterName[0]) + parameterName.Substring(1);

    /// <summary>A method's name among all methods: its type, name and parameter types, fully qualified.</summary>
    public static string MethodKey(IMethodSymbol method)
    {
        method = method.OriginalDefinition;
        var parameters = new System.Collections.Generic.List<string>();
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            parameters.Add(parameter.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
        }

        return method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + method.Name
            + "(" + string.Join(",", parameters) + ")";
    }

    /// <summary>The adjoint's name: <c>d</c> and the parameter's name with its first letter upper-cased.</summary>
    public static string AdjointName(string parameterName) =>
        "d" + char.ToUpperInvariant(parameterName[0]) + parameterName.Substring(1);
}
