using System.Collections.Immutable;
using System.Linq;
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

        IncrementalValuesProvider<DifferentiatedMethod?> optimized = methods
            .Select(static (method, _) => GradientDifferentiation.Differentiate(method))
            .WithTrackingName(StepNames.Differentiation)
            .Select(static (method, _) => PassPipeline.Optimize(method))
            .WithTrackingName(StepNames.Optimization);
        IncrementalValuesProvider<DifferentiatedMethod?> checkpointed = optimized
            .Select(static (method, _) => LoopCheckpointing.Apply(method))
            .WithTrackingName(StepNames.Checkpointing);
        IncrementalValuesProvider<GeneratedGradient?> gradients = checkpointed
            .Select(static (method, _) => GradientEmitter.Emit(method))
            .WithTrackingName(StepNames.Emission);

        // The saved-bytes report (SG0037), apart from the gradient's file so moving a method re-emits no source; of the
        // program MGradient is printed from (checkpointed or not), so it says what its doc comment says.
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> savedBytes = checkpointed
            .Select(static (method, _) => GradientEmitter.ReportSavedBytes(method))
            .WithTrackingName(StepNames.SavedBytes);

        // Forward mode for the methods that ask for it and every [Differentiable] method of this compilation they call
        // (or a Hessian-vector product calls).
        IncrementalValueProvider<System.Collections.Immutable.ImmutableArray<TangentClosure.Node>> closureNodes = methods
            .Select(static (method, _) => TangentClosure.Node.Of(method))
            .Collect();
        IncrementalValueProvider<EquatableArray<string>> tangentKeys = closureNodes
            .Select(static (nodes, _) => TangentClosure.Keys(nodes))
            .WithTrackingName(StepNames.TangentSelection);
        IncrementalValuesProvider<GeneratedGradient?> tangents = methods
            .Combine(tangentKeys)
            .Where(static pair => pair.Right.Contains(pair.Left.Key))
            .Select(static (pair, _) => TangentDifferentiation.Differentiate(pair.Left))
            .WithTrackingName(StepNames.TangentDifferentiation)
            .Select(static (method, _) => PassPipeline.Optimize(method))
            .WithTrackingName(StepNames.TangentOptimization)
            .Select(static (method, _) => GradientEmitter.EmitTangent(method))
            .WithTrackingName(StepNames.TangentEmission);

        // Hessian-vector products (forward over reverse) for the methods that ask for them.
        IncrementalValuesProvider<GeneratedGradient?> hessianVectors = methods
            .Where(static method => method.HessianVector)
            .Select(static (method, _) => HessianVectorDifferentiation.Differentiate(method))
            .WithTrackingName(StepNames.HessianVectorDifferentiation)
            .Select(static (method, _) => PassPipeline.Optimize(method))
            .WithTrackingName(StepNames.HessianVectorOptimization)
            .Select(static (method, _) => GradientEmitter.EmitHessianVector(method))
            .WithTrackingName(StepNames.HessianVectorEmission);

        // The seeded Hessian-vector products (the tangents of the gradients) of every method a Hessian-vector product calls.
        IncrementalValueProvider<EquatableArray<string>> seededKeys = closureNodes
            .Select(static (nodes, _) => TangentClosure.HessianVectorKeys(nodes))
            .WithTrackingName(StepNames.HessianVectorSelection);
        IncrementalValuesProvider<GeneratedGradient?> seededHessianVectors = methods
            .Combine(seededKeys)
            .Where(static pair => pair.Right.Contains(pair.Left.Key))
            .Select(static (pair, _) => HessianVectorDifferentiation.DifferentiateSeeded(pair.Left))
            .WithTrackingName(StepNames.SeededHessianVectorDifferentiation)
            .Select(static (method, _) => PassPipeline.Optimize(method))
            .WithTrackingName(StepNames.SeededHessianVectorOptimization)
            .Select(static (method, _) => GradientEmitter.EmitSeededHessianVector(method))
            .WithTrackingName(StepNames.SeededHessianVectorEmission);

        // Split mode: the optimised gradient program cut between its sweeps into MForward and MBackward.
        // A checkpointed method's split is cut from its store-all program, differentiated on its own.
        IncrementalValuesProvider<GeneratedGradient?> splits = optimized
            .Where(static method => method is { Method.Split: true, Method.Checkpoint: CheckpointKind.None })
            .Select(static (method, _) => SplitMode.Split(method))
            .WithTrackingName(StepNames.Split)
            .Select(static (method, _) => SplitEmitter.Emit(method))
            .WithTrackingName(StepNames.SplitEmission);
        IncrementalValuesProvider<GeneratedGradient?> storeAllSplits = methods
            .Where(static method => method.Split && method.Checkpoint != CheckpointKind.None)
            .Select(static (method, _) => PassPipeline.Optimize(GradientDifferentiation.Differentiate(GradientDifferentiation.StoreAll(method))))
            .WithTrackingName(StepNames.StoreAllOptimization)
            .Select(static (method, _) => SplitMode.Split(method))
            .WithTrackingName(StepNames.StoreAllSplit)
            .Select(static (method, _) => SplitEmitter.Emit(method))
            .WithTrackingName(StepNames.StoreAllSplitEmission);

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> ruleDiagnostics =
            CheckedRules(context, Types.DerivativeOfAttribute, RuleChecker.Check, StepNames.RuleCheck);
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> tangentRuleDiagnostics =
            CheckedRules(context, Types.TangentOfAttribute, RuleChecker.CheckTangent, StepNames.TangentRuleCheck);

        context.RegisterSourceOutput(methods.Select(static (m, _) => m.Diagnostics).WithTrackingName(StepNames.Diagnostics), ReportDiagnostics);
        context.RegisterSourceOutput(ruleDiagnostics, ReportDiagnostics);
        context.RegisterSourceOutput(savedBytes, ReportDiagnostics);
        context.RegisterSourceOutput(tangentRuleDiagnostics, ReportDiagnostics);
        context.RegisterSourceOutput(gradients, AddOutput);
        context.RegisterSourceOutput(tangents, AddOutput);
        context.RegisterSourceOutput(hessianVectors, AddOutput);
        context.RegisterSourceOutput(seededHessianVectors, AddOutput);
        context.RegisterSourceOutput(splits, AddOutput);
        context.RegisterSourceOutput(storeAllSplits, AddOutput);
    }

    /// <summary>The diagnostics of every method carrying the rule attribute <paramref name="attribute"/>, checked where it is declared.</summary>
    private static IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> CheckedRules(IncrementalGeneratorInitializationContext context,
        string attribute, System.Func<IMethodSymbol, SyntaxNode, EquatableArray<DiagnosticInfo>> check, string stepName) =>
        context.SyntaxProvider
            .ForAttributeWithMetadataName(
                attribute,
                static (node, _) => node is MethodDeclarationSyntax,
                (syntaxContext, _) => check((IMethodSymbol)syntaxContext.TargetSymbol, syntaxContext.TargetNode))
            .WithTrackingName(stepName);

    private static void AddOutput(SourceProductionContext production, GeneratedGradient? generated)
    {
        if (generated is null)
        {
            return;
        }

        if (generated.Source.Length > 0)
        {
            production.AddSource(generated.HintName, generated.Source);
        }

        ReportDiagnostics(production, generated.Diagnostics);
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
    public const string Checkpointing = nameof(Checkpointing);
    public const string Emission = nameof(Emission);
    public const string SavedBytes = nameof(SavedBytes);
    public const string Diagnostics = nameof(Diagnostics);
    public const string RuleCheck = nameof(RuleCheck);
    public const string TangentSelection = nameof(TangentSelection);
    public const string TangentDifferentiation = nameof(TangentDifferentiation);
    public const string TangentOptimization = nameof(TangentOptimization);
    public const string TangentEmission = nameof(TangentEmission);
    public const string TangentRuleCheck = nameof(TangentRuleCheck);
    public const string HessianVectorDifferentiation = nameof(HessianVectorDifferentiation);
    public const string HessianVectorOptimization = nameof(HessianVectorOptimization);
    public const string HessianVectorEmission = nameof(HessianVectorEmission);
    public const string HessianVectorSelection = nameof(HessianVectorSelection);
    public const string SeededHessianVectorDifferentiation = nameof(SeededHessianVectorDifferentiation);
    public const string SeededHessianVectorOptimization = nameof(SeededHessianVectorOptimization);
    public const string SeededHessianVectorEmission = nameof(SeededHessianVectorEmission);
    public const string Split = nameof(Split);
    public const string SplitEmission = nameof(SplitEmission);
    public const string StoreAllOptimization = nameof(StoreAllOptimization);
    public const string StoreAllSplit = nameof(StoreAllSplit);
    public const string StoreAllSplitEmission = nameof(StoreAllSplitEmission);
}
