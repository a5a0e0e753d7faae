using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Differentiation;

/// <summary>
/// The differentiation stage: a recognised method into its adjoint program, with the warnings activity analysis
/// raises (a result that does not depend on the inputs, an input that affects nothing, an active value written into a
/// [NoGrad] buffer). A bug becomes a diagnostic on the method: the generator never throws.
/// </summary>
internal static class GradientDifferentiation
{
    public static DifferentiatedMethod? Differentiate(MethodModel method) => Guarded(method, Build);

    private static DifferentiatedMethod Build(MethodModel method)
    {
        if (CheckpointedLoop.Find(method, out DiagnosticInfo? checkpointError) is null && checkpointError is not null)
        {
            return new DifferentiatedMethod(method, null, EquatableArray<int>.Empty, new[] { checkpointError }.ToEquatableArray());
        }

        AdjointProgram program = ReverseMode.Differentiate(method, out ActivityAnalysis activity);
        return new DifferentiatedMethod(method, program, activity.AdjointParameters.ToEquatableArray(), Warnings(method, activity).ToEquatableArray());
    }

    /// <summary>
    /// The method without loop checkpointing: what the modes other than <c>MGradient</c> differentiate (split mode hands
    /// every save from <c>MForward</c> to <c>MBackward</c>; a Hessian-vector product keeps its saves' tangents beside them).
    /// </summary>
    public static MethodModel StoreAll(MethodModel method) =>
        method.Checkpoint == CheckpointKind.None ? method : method with { Checkpoint = CheckpointKind.None };

    /// <summary>SG0026 at <paramref name="taken"/>: a hand-written method has the name of M + <paramref name="suffix"/>, the generated <paramref name="what"/>.</summary>
    public static DiagnosticInfo NameTaken(MethodModel method, LocationInfo taken, string suffix, string what) =>
        new(DiagnosticDescriptors.GeneratedNameTaken.Id, taken, new[]
        {
            method.ContainingTypes.Count > 0 ? method.ContainingTypes[method.ContainingTypes.Count - 1].Name : method.Name,
            method.Name + suffix, method.Name, what,
        }.ToEquatableArray());

    /// <summary>
    /// A differentiation stage's work on a method without errors (null for one with errors, which recognition
    /// reported), its exception turned into SG0000 on the method: the generator never throws.
    /// </summary>
    public static DifferentiatedMethod? Guarded(MethodModel method, System.Func<MethodModel, DifferentiatedMethod> differentiate)
    {
        if (method.HasErrors)
        {
            return null;
        }

        try
        {
            return differentiate(method);
        }
        catch (System.Exception exception) when (exception is not System.OperationCanceledException)
        {
            return Failed(method, exception);
        }
    }

    /// <summary>The method with the stage's exception as an SG0000 diagnostic and no program.</summary>
    public static DifferentiatedMethod Failed(MethodModel method, System.Exception exception) => new(
        method,
        null,
        EquatableArray<int>.Empty,
        new[]
        {
            new DiagnosticInfo(DiagnosticDescriptors.InternalError.Id, method.Location,
                new[] { method.Name, exception.GetType().Name + ": " + exception.Message }.ToEquatableArray()),
        }.ToEquatableArray());

    private static List<DiagnosticInfo> Warnings(MethodModel method, ActivityAnalysis activity)
    {
        var warnings = new List<DiagnosticInfo>();
        if (method.ReturnType is not null && !activity.ResultDependsOnInputs)
        {
            warnings.Add(new DiagnosticInfo(DiagnosticDescriptors.ResultDoesNotDependOnInputs.Id, method.Location,
                new[] { method.Name }.ToEquatableArray()));
        }

        var statements = new List<Statement>();
        SavePlan.Flatten(method.Body, statements);
        foreach (Assignment assignment in statements.OfType<Assignment>())
        {
            if (assignment.Target is ElementRef { Buffer: var buffer } && method.Variables[buffer].NoGrad
                && activity.IsActive(assignment.Value))
            {
                warnings.Add(new DiagnosticInfo(DiagnosticDescriptors.ActiveValueIntoNoGradBuffer.Id, assignment.Location,
                    new[] { assignment.Source, method.Variables[buffer].Name }.ToEquatableArray()));
            }
        }

        foreach (int parameter in activity.UnaffectingParameters)
        {
            warnings.Add(new DiagnosticInfo(DiagnosticDescriptors.InputDoesNotAffectResult.Id, method.Variables[parameter].Location ?? method.Location,
                new[] { method.Variables[parameter].Name, method.Name }.ToEquatableArray()));
        }

        return warnings;
    }
}
