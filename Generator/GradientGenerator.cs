using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SourceGrad.Generator.Differentiation;
using SourceGrad.Generator.Emission;
using SourceGrad.Generator.Model;
using SourceGrad.Generator.Passes;
using SourceGrad.Generator.Recognition;

namespace SourceGrad.Generator;

/// <summary>
/// The SourceGrad generator. Discovery finds [Differentiable] methods; recognition turns each into the
/// equatable primal IR; differentiation turns that into the adjoint program, the passes optimise it, and emission
/// prints it. Diagnostics and sources are separate
/// outputs, and every stage is tracked so tests can check what stays cached.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class GradientGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<MethodModel> methods = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                Types.DifferentiableAttribute,
                static (_, _) => true,
                static (syntaxContext, cancellationToken) => MethodRecognizer.Recognize(
                    syntaxContext.TargetNode,
                    syntaxContext.TargetSymbol,
                    syntaxContext.SemanticModel,
                    cancellationToken))
            .Where(static method => method is not null)
            .Select(static (method, _) => method!)
            .WithTrackingName(StepNames.Recognition);

        IncrementalValuesProvider<GeneratedGradient?> gradients = methods
            .Select(static (method, _) => GradientDifferentiation.Differentiate(method))
            .WithTrackingName(StepNames.Differentiation)
            .Select(static (method, _) => PassPipeline.Optimize(method))
            .WithTrackingName(StepNames.Optimization)
            .Select(static (method, _) => GradientEmitter.Emit(method))
            .WithTrackingName(StepNames.Emission);

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> ruleDiagnostics = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                Types.DerivativeOfAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                static (syntaxContext, _) => RuleChecker.Check((IMethodSymbol)syntaxContext.TargetSymbol, syntaxContext.TargetNode))
            .WithTrackingName(StepNames.RuleCheck);

        context.RegisterSourceOutput(methods.Select(static (m, _) => m.Diagnostics).WithTrackingName(StepNames.Diagnostics), ReportDiagnostics);
        context.RegisterSourceOutput(ruleDiagnostics, ReportDiagnostics);
        context.RegisterSourceOutput(gradients, static (production, gradient) =>
        {
            if (gradient is null)
            {
                return;
            }

            if (gradient.Source.Length > 0)
            {
                production.AddSource(gradient.HintName, gradient.Source);
            }

            ReportDiagnostics(production, gradient.Diagnostics);
        });
    }

    private static void ReportDiagnostics(SourceProductionContext production, EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (DiagnosticInfo diagnostic in diagnostics)
        {
            production.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }
}

/// <summary>The names of the tracked pipeline stages.</summary>
public static class StepNames
{
    public const string Recognition = nameof(Recognition);
    public const string Differentiation = nameof(Differentiation);
    public const string Optimization = nameof(Optimization);
    public const string Emission = nameof(Emission);
    public const string Diagnostics = nameof(Diagnostics);
    public const string RuleCheck = nameof(RuleCheck);
}
