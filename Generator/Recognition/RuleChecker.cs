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
        LocationInfo? location = LocationInfo.From((node as Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax)?.Identifier.GetLocation() ?? node.GetLocation());
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
}
