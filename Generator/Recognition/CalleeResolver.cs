using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary>
/// Finds the reverse of a called method: its generated gradient when it is [Differentiable], or its
/// hand-written [DerivativeOf] rule; and checks a rule's signature against the contract.
/// </summary>
internal static class CalleeResolver
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>The method a rule is for, or null when the type has no such method.</summary>
    public static IMethodSymbol? FindRuleTarget(IMethodSymbol rule, string targetName)
    {
        foreach (IMethodSymbol candidate in rule.ContainingType.GetMembers(targetName).OfType<IMethodSymbol>())
        {
            if (candidate.IsStatic && StartsWithParameters(rule, candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="rule"/> does not fit <paramref name="target"/>, or null when it fits.</summary>
    public static string? RuleMismatch(IMethodSymbol rule, IMethodSymbol target)
    {
        if (!rule.IsStatic)
        {
            return "it must be static";
        }

        if (!rule.ReturnsVoid)
        {
            return "it must return void";
        }

        List<(string Type, RefKind RefKind, ITypeSymbol? Symbol)> expected = ExpectedRuleParameters(target);
        if (rule.Parameters.Length != expected.Count)
        {
            return $"it has {rule.Parameters.Length} parameters where {expected.Count} are expected";
        }

        for (int i = 0; i < expected.Count; i++)
        {
            IParameterSymbol actual = rule.Parameters[i];
            string actualType = actual.Type.ToDisplayString(s_typeFormat);
            if (actualType != expected[i].Type || actual.RefKind != expected[i].RefKind)
            {
                return $"parameter {i + 1} ('{actual.Name}') is '{Describe(actual.RefKind, actual.Type.ToDisplayString())}' where '{Describe(expected[i].RefKind, Minimal(expected[i].Type))}' is expected";
            }
        }

        return null;
    }

    /// <summary>The expected rule parameter list, for messages.</summary>
    public static string ExpectedRuleSignature(IMethodSymbol target)
    {
        List<(string Type, RefKind RefKind, ITypeSymbol? Symbol)> expected = ExpectedRuleParameters(target);
        var names = target.Parameters.Select(p => p.Name).ToList();
        foreach (IParameterSymbol parameter in target.Parameters.Where(Types.IsActiveParameter))
        {
            names.Add(Types.AdjointName(parameter.Name));
        }

        if (!target.ReturnsVoid)
        {
            names.Add("dReturn");
        }

        return string.Join(", ", expected.Select((e, i) => Describe(e.RefKind, Minimal(e.Type)) + " " + names[i]));
    }

    /// <summary>Builds the callee model for a call, or returns null when the method has no derivative.</summary>
    public static Callee? Resolve(IMethodSymbol method, out string? ruleProblem)
    {
        ruleProblem = null;
        method = method.OriginalDefinition;
        ScalarType? returnType = method.ReturnsVoid ? null : Types.Scalar(method.ReturnType);
        if (!method.ReturnsVoid && !Types.IsDifferentiable(returnType) && returnType is null)
        {
            return null;
        }

        string? reverseName = null;
        IMethodSymbol? rule = null;
        bool isRule = false;
        bool acceptsEmpty = false;
        if (Types.HasAttribute(method, Types.DifferentiableAttribute))
        {
            reverseName = method.Name + "Gradient";
        }
        else
        {
            foreach (IMethodSymbol candidate in method.ContainingType.GetMembers().OfType<IMethodSymbol>())
            {
                if (RuleTargetName(candidate) == method.Name && StartsWithParameters(candidate, method))
                {
                    ruleProblem = RuleMismatch(candidate, method);
                    if (ruleProblem is not null)
                    {
                        ruleProblem = $"the rule '{candidate.Name}' does not fit: {ruleProblem}";
                        return null;
                    }

                    reverseName = candidate.Name;
                    rule = candidate;
                    isRule = true;
                    acceptsEmpty = AcceptsEmptyAdjoints(candidate);
                    break;
                }
            }
        }

        if (reverseName is null)
        {
            return null;
        }

        var parameters = method.Parameters.Select(p =>
        {
            (BufferKind kind, ScalarType? element) = Types.Buffer(p.Type);
            bool isBuffer = kind != BufferKind.None;
            ScalarType type = (isBuffer ? element : Types.Scalar(p.Type)) ?? ScalarType.Other;
            return new CalleeParameter(p.Name, type, isBuffer, kind is BufferKind.Span or BufferKind.Array, Types.IsActiveParameter(p));
        }).ToEquatableArray();

        string? tangentName = TangentRules.Find(method, out string? tangentKey, out bool tangentAcceptsEmpty);
        bool hessianVectorAcceptsEmpty = false;
        string? hessianVectorName = rule is not null
            ? TangentRules.FindRule(rule, out hessianVectorAcceptsEmpty)
            : TangentRules.SeededHessianVector(method);
        return new Callee(
            method.ContainingType.ToDisplayString(s_typeFormat),
            method.Name,
            reverseName,
            isRule,
            returnType,
            parameters,
            acceptsEmpty,
            tangentName,
            tangentKey,
            tangentAcceptsEmpty,
            hessianVectorName,
            hessianVectorAcceptsEmpty,
            isRule ? null : SavedStateOf(method));
    }

    /// <summary>
    /// The fully qualified <c>MSaved</c> of a [Differentiable] method whose callers keep its internals: it has split mode
    /// (<c>Split = true</c>) and is not marked <c>Recompute = true</c>; its split pair is there (in this compilation no
    /// hand-written <c>MForward</c> or <c>MBackward</c> takes its place, which is SG0026; in a referenced assembly both
    /// methods and the state exist). Null otherwise: callers recompute it.
    /// </summary>
    private static string? SavedStateOf(IMethodSymbol method)
    {
        if (!AttributeArguments.IsSet(method, Types.DifferentiableAttribute, "Split") || AttributeArguments.IsSet(method, Types.DifferentiableAttribute, "Recompute"))
        {
            return null;
        }

        INamedTypeSymbol type = method.ContainingType;
        bool inSource = method.Locations.Any(l => l.IsInSource);
        foreach (string suffix in new[] { "Forward", "Backward" })
        {
            IMethodSymbol[] existing = type.GetMembers(method.Name + suffix).OfType<IMethodSymbol>()
                .Where(m => m.Parameters.Length >= method.Parameters.Length
                    && method.Parameters.Select((p, i) => SymbolEqualityComparer.Default.Equals(p.Type, m.Parameters[i].Type)).All(same => same))
                .ToArray();
            if (inSource ? existing.Length > 0 : existing.Length == 0)
            {
                return null;
            }
        }

        if (!inSource && type.GetTypeMembers(method.Name + "Saved").Length == 0)
        {
            return null;
        }

        return type.ToDisplayString(s_typeFormat) + "." + method.Name + "Saved";
    }

    private static bool AcceptsEmptyAdjoints(IMethodSymbol rule) => AttributeArguments.IsSet(rule, Types.DerivativeOfAttribute, "AcceptsEmptyAdjoints");

    public static string? RuleTargetName(IMethodSymbol method) => AttributeTarget(method, Types.DerivativeOfAttribute);

    /// <summary>The method name a rule attribute (<c>[DerivativeOf("M")]</c>, <c>[TangentOf("M")]</c>) on <paramref name="method"/> gives, or null.</summary>
    public static string? AttributeTarget(IMethodSymbol method, string attributeName)
    {
        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == attributeName
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is string name)
            {
                return name;
            }
        }

        return null;
    }

    private static bool StartsWithParameters(IMethodSymbol rule, IMethodSymbol target)
    {
        if (rule.Parameters.Length < target.Parameters.Length || SymbolEqualityComparer.Default.Equals(rule, target))
        {
            return false;
        }

        for (int i = 0; i < target.Parameters.Length; i++)
        {
            if (!SymbolEqualityComparer.Default.Equals(rule.Parameters[i].Type, target.Parameters[i].Type))
            {
                return false;
            }
        }

        return true;
    }

    private static List<(string Type, RefKind RefKind, ITypeSymbol? Symbol)> ExpectedRuleParameters(IMethodSymbol target)
    {
        var expected = target.Parameters
            .Select(p => (p.Type.ToDisplayString(s_typeFormat), p.RefKind, (ITypeSymbol?)p.Type))
            .ToList();
        foreach (IParameterSymbol parameter in target.Parameters.Where(Types.IsActiveParameter))
        {
            (BufferKind kind, ScalarType? element) = Types.Buffer(parameter.Type);
            if (kind != BufferKind.None)
            {
                expected.Add(($"global::System.Span<{Types.Keyword(element!.Value)}>", RefKind.None, null));
            }
            else
            {
                expected.Add((parameter.Type.ToDisplayString(s_typeFormat), RefKind.Ref, parameter.Type));
            }
        }

        if (!target.ReturnsVoid)
        {
            expected.Add((target.ReturnType.ToDisplayString(s_typeFormat), RefKind.None, target.ReturnType));
        }

        return expected;
    }

    internal static string Minimal(string fullyQualified) =>
        fullyQualified.Replace("global::System.", "").Replace("global::", "");

    internal static string Describe(RefKind refKind, string type) => refKind switch
    {
        RefKind.Ref => "ref " + type,
        RefKind.Out => "out " + type,
        RefKind.In => "in " + type,
        _ => type,
    };
}
