using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace SourceGrad.Generator.Recognition;

/// <summary>
/// Forward mode at calls: the generated <c>MTangent</c> of a [Differentiable] callee, or a hand-written [TangentOf]
/// rule, and the check of a rule's signature against the contract (docs/contract.md).
/// </summary>
internal static class TangentRules
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>
    /// The name of the callee's forward mode, or null when it has none; <paramref name="key"/> is set when the
    /// generator emits it for this compilation (a [Differentiable] method declared in source).
    /// </summary>
    public static string? Find(IMethodSymbol method, out string? key, out bool acceptsEmpty)
    {
        key = null;
        acceptsEmpty = false;
        if (Types.HasAttribute(method, Types.DifferentiableAttribute))
        {
            if (method.Locations.Any(l => l.IsInSource))
            {
                key = Types.MethodKey(method);
                return method.Name + "Tangent";
            }

            // From a referenced assembly: its tangent exists only when its attribute asked for one.
            return RequestsTangent(method) ? method.Name + "Tangent" : null;
        }

        return FindRule(method, out acceptsEmpty);
    }

    /// <summary>The name of the [TangentOf] rule of <paramref name="method"/> (a method or a [DerivativeOf] rule), or null.</summary>
    public static string? FindRule(IMethodSymbol method, out bool acceptsEmpty)
    {
        acceptsEmpty = false;
        foreach (IMethodSymbol candidate in method.ContainingType.GetMembers().OfType<IMethodSymbol>())
        {
            if (TargetName(candidate) == method.Name && Mismatch(candidate, method) is null)
            {
                acceptsEmpty = AcceptsEmptyTangents(candidate);
                return candidate.Name;
            }
        }

        return null;
    }

    /// <summary>
    /// The name of the seeded Hessian-vector product of a [Differentiable] method (the tangent of its gradient, see
    /// docs/contract.md), or null: the generator emits it for a method declared in source when a Hessian-vector product
    /// calls it; from a referenced assembly it exists only when that assembly's generator emitted it.
    /// </summary>
    public static string? SeededHessianVector(IMethodSymbol method)
    {
        if (!Types.HasAttribute(method, Types.DifferentiableAttribute))
        {
            return null;
        }

        string name = method.Name + "HessianVector";
        if (method.Locations.Any(l => l.IsInSource))
        {
            return name;
        }

        int active = method.Parameters.Count(Types.IsActiveParameter);
        int expected = method.Parameters.Length + 3 * active + (method.ReturnsVoid ? 0 : 2);
        return method.ContainingType.GetMembers(name).OfType<IMethodSymbol>().Any(m => m.IsStatic && m.Parameters.Length == expected
            && m.Parameters.Take(method.Parameters.Length).Select(p => p.Type).SequenceEqual(method.Parameters.Select(p => p.Type), SymbolEqualityComparer.Default))
            ? name
            : null;
    }

    /// <summary>The name a [TangentOf] attribute on <paramref name="method"/> gives, or null.</summary>
    public static string? TargetName(IMethodSymbol method) => CalleeResolver.AttributeTarget(method, Types.TangentOfAttribute);

    /// <summary>Why <paramref name="rule"/> is not a tangent of <paramref name="target"/>, or null when it is.</summary>
    public static string? Mismatch(IMethodSymbol rule, IMethodSymbol target)
    {
        if (!rule.IsStatic)
        {
            return "it must be static";
        }

        if (!SymbolEqualityComparer.Default.Equals(rule.ReturnType, target.ReturnType))
        {
            return $"it must return '{target.ReturnType.ToDisplayString()}', what '{target.Name}' returns";
        }

        List<(string[] Types, RefKind RefKind)> expected = ExpectedParameters(target);
        if (rule.Parameters.Length != expected.Count)
        {
            return $"it has {rule.Parameters.Length} parameters where {expected.Count} are expected";
        }

        for (int i = 0; i < expected.Count; i++)
        {
            IParameterSymbol actual = rule.Parameters[i];
            if (!expected[i].Types.Contains(actual.Type.ToDisplayString(s_typeFormat)) || actual.RefKind != expected[i].RefKind)
            {
                return $"parameter {i + 1} ('{actual.Name}') is '{CalleeResolver.Describe(actual.RefKind, actual.Type.ToDisplayString())}' where '{CalleeResolver.Describe(expected[i].RefKind, CalleeResolver.Minimal(expected[i].Types[0]))}' is expected";
            }
        }

        return null;
    }

    /// <summary>The expected signature, for messages.</summary>
    public static string ExpectedSignature(IMethodSymbol target)
    {
        List<(string[] Types, RefKind RefKind)> expected = ExpectedParameters(target);
        var names = target.Parameters.Select(p => p.Name).ToList();
        names.AddRange(target.Parameters.Where(Types.IsActiveParameter).Select(p => Types.TangentName(p.Name)));
        if (!target.ReturnsVoid)
        {
            names.Add("tangent");
        }

        return target.ReturnType.ToDisplayString() + " " + target.Name + "Tangent("
            + string.Join(", ", expected.Select((e, i) => CalleeResolver.Describe(e.RefKind, CalleeResolver.Minimal(e.Types[0])) + " " + names[i])) + ")";
    }

    /// <summary>Whether the rule treats an empty input tangent as zero (<c>[TangentOf(…, AcceptsEmptyTangents = true)]</c>).</summary>
    private static bool AcceptsEmptyTangents(IMethodSymbol rule) => AttributeArguments.IsSet(rule, Types.TangentOfAttribute, "AcceptsEmptyTangents");

    private static bool RequestsTangent(IMethodSymbol method) => AttributeArguments.IsSet(method, Types.DifferentiableAttribute, "Tangent");

    /// <summary>
    /// The method's parameters; a tangent per active parameter (by value for a scalar; <c>ReadOnlySpan</c> for a
    /// read-only span; <c>Span</c> or <c>ReadOnlySpan</c> for a span or array, which the rule may or may not write);
    /// <c>out R tangent</c> when it returns a value.
    /// </summary>
    private static List<(string[] Types, RefKind RefKind)> ExpectedParameters(IMethodSymbol target)
    {
        var expected = target.Parameters.Select(p => (new[] { p.Type.ToDisplayString(s_typeFormat) }, p.RefKind)).ToList();
        foreach (IParameterSymbol parameter in target.Parameters.Where(Types.IsActiveParameter))
        {
            (Model.BufferKind kind, Model.ScalarType? element) = Types.Buffer(parameter.Type);
            string keyword = kind == Model.BufferKind.None ? "" : Types.Keyword(element!.Value);
            expected.Add(kind switch
            {
                // A ref parameter (a rule's scalar adjoint) is read and written: its tangent is too.
                Model.BufferKind.None => (new[] { parameter.Type.ToDisplayString(s_typeFormat) }, parameter.RefKind == RefKind.Ref ? RefKind.Ref : RefKind.None),
                Model.BufferKind.ReadOnlySpan => (new[] { $"global::System.ReadOnlySpan<{keyword}>" }, RefKind.None),
                _ => (new[] { $"global::System.Span<{keyword}>", $"global::System.ReadOnlySpan<{keyword}>" }, RefKind.None),
            });
        }

        if (!target.ReturnsVoid)
        {
            expected.Add((new[] { target.ReturnType.ToDisplayString(s_typeFormat) }, RefKind.Out));
        }

        return expected;
    }
}
