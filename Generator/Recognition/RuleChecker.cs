using Microsoft.CodeAnalysis;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary>Checks every [DerivativeOf] rule against the method it names, where the rule is declared.</summary>
internal static class RuleChecker
{
    public static EquatableArray<DiagnosticInfo> Check(IMethodSymbol rule, SyntaxNode node)
    {
        string? target = CalleeResolver.RuleTargetName(rule);
        LocationInfo? location = Location(node);
        if (target is null)
        {
            return EquatableArray<DiagnosticInfo>.Empty;
        }

        IMethodSymbol? method = CalleeResolver.FindRuleTarget(rule, target);
        if (method is null)
        {
            return new[]
            {
                new DiagnosticInfo(DiagnosticDescriptors.RuleTargetNotFound.Id, location,
                    new[] { rule.Name, target, rule.ContainingType.Name }.ToEquatableArray()),
            }.ToEquatableArray();
        }

        string? mismatch = CalleeResolver.RuleMismatch(rule, method);
        return mismatch is null
            ? EquatableArray<DiagnosticInfo>.Empty
            : new[]
            {
                new DiagnosticInfo(DiagnosticDescriptors.RuleSignatureMismatch.Id, location,
                    new[] { rule.Name, method.Name, mismatch, CalleeResolver.ExpectedRuleSignature(method) }.ToEquatableArray()),
            }.ToEquatableArray();
    }

    /// <summary>Checks a [TangentOf] rule against the method it names.</summary>
    public static EquatableArray<DiagnosticInfo> CheckTangent(IMethodSymbol rule, SyntaxNode node)
    {
        string? target = TangentRules.TargetName(rule);
        if (target is null)
        {
            return EquatableArray<DiagnosticInfo>.Empty;
        }

        IMethodSymbol? method = CalleeResolver.FindRuleTarget(rule, target);
        string? problem = method is null
            ? $"type '{rule.ContainingType.Name}' has no static method '{target}' whose parameters the rule starts with"
            : TangentRules.Mismatch(rule, method) is { } mismatch
                ? $"it does not fit: {mismatch}. Expected: {TangentRules.ExpectedSignature(method)}"
                : null;
        return problem is null
            ? EquatableArray<DiagnosticInfo>.Empty
            : new[]
            {
                new DiagnosticInfo(DiagnosticDescriptors.TangentRuleMismatch.Id, Location(node),
                    new[] { rule.Name, target, problem }.ToEquatableArray()),
            }.ToEquatableArray();
    }

    private static LocationInfo? Location(SyntaxNode node) =>
        LocationInfo.From((node as Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax)?.Identifier.GetLocation() ?? node.GetLocation());
}
