using Microsoft.CodeAnalysis;

namespace SourceGrad.Generator.Recognition;

/// <summary>Named arguments of SourceGrad's attributes (each applies at most once per method: AllowMultiple = false).</summary>
internal static class AttributeArguments
{
    /// <summary>
    /// The value <paramref name="property"/> is set to on <paramref name="symbol"/>'s attribute of type
    /// <paramref name="attributeType"/> (an enum's as its integer), or null when the attribute or the argument is absent.
    /// </summary>
    public static object? Named(ISymbol symbol, string attributeType, string property)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() != attributeType)
            {
                continue;
            }

            foreach (System.Collections.Generic.KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key == property)
                {
                    return argument.Value.Value;
                }
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="property"/> is set to true on the symbol's attribute of type <paramref name="attributeType"/>.</summary>
    public static bool IsSet(ISymbol symbol, string attributeType, string property) => Named(symbol, attributeType, property) is true;
}
