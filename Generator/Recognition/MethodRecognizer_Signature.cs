using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary>The method's shape: what its signature must be, and the names the gradient is declared under.</summary>
internal sealed partial class MethodRecognizer
{
    /// <summary>A <c>bool</c> property set on the method's [Differentiable] (CheckFinite, Vectorize), or its default.</summary>
    private bool AttributeFlag(string property, bool unset) => AttributeValue(property) is bool value ? value : unset;

    /// <summary>The value of a named argument of the method's [Differentiable] (an enum's as its integer), or null when it is not set.</summary>
    private object? AttributeValue(string property) => AttributeArguments.Named(_method, Types.DifferentiableAttribute, property);

    /// <summary>[Differentiable(Snapshots = n)], 32 when unset; below 1 it is SG0034 at the argument.</summary>
    private int CheckedSnapshots()
    {
        if (AttributeValue("Snapshots") is not int snapshots)
        {
            return 32;
        }

        if (snapshots < 1)
        {
            AttributeArgumentSyntax? argument = _method.GetAttributes()
                .Where(a => a.AttributeClass?.ToDisplayString() == Types.DifferentiableAttribute)
                .Select(a => a.ApplicationSyntaxReference?.GetSyntax(_cancellationToken))
                .OfType<AttributeSyntax>()
                .SelectMany(a => a.ArgumentList?.Arguments ?? default)
                .FirstOrDefault(a => a.NameEquals?.Name.Identifier.Text == "Snapshots");
            Report(DiagnosticDescriptors.SnapshotsOutOfRange, argument is null ? null : LocationInfo.From(argument),
                snapshots.ToString(System.Globalization.CultureInfo.InvariantCulture), _method.Name);
        }

        return snapshots;
    }

    private void CheckSignature(MethodDeclarationSyntax syntax, LocationInfo? location)
    {
        if (!_method.IsStatic)
        {
            Report(DiagnosticDescriptors.MethodMustBeStatic, location, _method.Name);
        }

        if (_method.IsGenericMethod)
        {
            Report(DiagnosticDescriptors.GenericMethod, location, _method.Name);
        }

        if (!_method.ReturnsVoid && !Types.IsDifferentiable(Types.Scalar(_method.ReturnType)))
        {
            Report(DiagnosticDescriptors.UnsupportedReturnType, LocationInfo.From(syntax.ReturnType), _method.Name, _method.ReturnType.ToDisplayString());
        }

        if (_method.ReturnsByRef || _method.ReturnsByRefReadonly)
        {
            Report(DiagnosticDescriptors.UnsupportedReturnType, LocationInfo.From(syntax.ReturnType), _method.Name, "a ref");
        }

        for (INamedTypeSymbol? type = _method.ContainingType; type is not null; type = type.ContainingType)
        {
            if (type.IsFileLocal)
            {
                Report(DiagnosticDescriptors.FileLocalType, location, type.Name, _method.Name);
                continue;
            }

            bool isPartial = type.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(_cancellationToken))
                .OfType<TypeDeclarationSyntax>()
                .Any(t => t.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!isPartial)
            {
                Report(DiagnosticDescriptors.TypeMustBePartial, location, type.Name, _method.Name);
            }
        }

        var adjointNames = _method.Parameters.Where(Types.IsActiveParameter)
            .ToDictionary(p => Types.AdjointName(p.Name), p => p.Name);
        foreach (IParameterSymbol parameter in _method.Parameters)
        {
            LocationInfo? parameterLocation = LocationInfo.From(parameter.Locations.FirstOrDefault());
            if (adjointNames.TryGetValue(parameter.Name, out string? owner))
            {
                Report(DiagnosticDescriptors.AdjointNameCollision, parameterLocation, parameter.Name, owner);
            }

            if (!_method.ReturnsVoid && parameter.Name == "seed")
            {
                Report(DiagnosticDescriptors.AdjointNameCollision, parameterLocation, parameter.Name, "the result (the seed)");
            }

            if (parameter.RefKind != RefKind.None)
            {
                string kind = parameter.RefKind.ToString().ToLowerInvariant();
                Report(DiagnosticDescriptors.UnsupportedParameter, parameterLocation, parameter.Name, $"passed by '{kind}'");
            }
            else if (parameter.IsParams)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, parameterLocation, parameter.Name, "a 'params' parameter");
            }
        }
    }

    /// <summary>
    /// Where the containing type already declares <c>M</c> + <paramref name="suffix"/> taking M's parameters first (a
    /// hand-written method the generated one would collide with), or null.
    /// </summary>
    private LocationInfo? TakenName(string suffix)
    {
        foreach (IMethodSymbol existing in _method.ContainingType.GetMembers(_method.Name + suffix).OfType<IMethodSymbol>())
        {
            if (existing.Parameters.Length >= _method.Parameters.Length
                && _method.Parameters.Select((p, i) => SymbolEqualityComparer.Default.Equals(p.Type, existing.Parameters[i].Type)).All(same => same))
            {
                return LocationInfo.From(existing.Locations.FirstOrDefault()) ?? LocationInfo.From(_method.Locations.FirstOrDefault());
            }
        }

        return null;
    }

    private void CheckGeneratedNames()
    {
        if (TakenName("Gradient") is { } taken)
        {
            Report(DiagnosticDescriptors.GeneratedNameTaken, taken, _method.ContainingType.Name, _method.Name + "Gradient", _method.Name, "gradient");
        }
    }

    private string HintName()
    {
        string type = _method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)
            .Replace("global::", "");
        string arity = _method.Parameters.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string name = Regex.Replace(type + "." + _method.Name, "[^A-Za-z0-9_.]", "_");

        // Overloads with as many parameters differ by their types: a stable hash of them keeps the names apart.
        string signature = string.Join(",", _method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
        uint hash = 2166136261;
        foreach (char c in signature)
        {
            hash = (hash ^ c) * 16777619;
        }

        return $"{name}.{arity}.{hash:x8}.Gradient.g.cs";
    }

    private EquatableArray<ContainingType> ContainingTypes()
    {
        var types = new List<ContainingType>();
        for (INamedTypeSymbol? type = _method.ContainingType; type is not null; type = type.ContainingType)
        {
            string keyword = type switch
            {
                { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
                { IsRecord: true } => "record",
                { TypeKind: TypeKind.Struct } => "struct",
                { TypeKind: TypeKind.Interface } => "interface",
                _ => "class",
            };
            string name = type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat
                .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers));
            int dot = name.LastIndexOf('.');
            types.Insert(0, new ContainingType(keyword, dot >= 0 ? name.Substring(dot + 1) : name));
        }

        return types.ToEquatableArray();
    }

    private static string Accessibility(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };
}
