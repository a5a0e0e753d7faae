using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Differentiation;

/// <summary>
/// The tangent stage: a recognised method into its forward-mode program, for the methods that asked for one and the
/// [Differentiable] methods they call. Its diagnostics (a parameter named like a tangent, a call without a forward
/// mode) block only the tangent, never the gradient. The generator never throws.
/// </summary>
internal static class TangentDifferentiation
{
    public static DifferentiatedMethod? Differentiate(MethodModel method) => GradientDifferentiation.Guarded(method, Build);

    private static DifferentiatedMethod Build(MethodModel method)
    {
        var diagnostics = new List<DiagnosticInfo>();
        ActivityAnalysis activity = ActivityAnalysis.Run(method);
        CheckNames(method, activity, diagnostics);
        if (method.TangentNameTaken is { } taken)
        {
            diagnostics.Add(GradientDifferentiation.NameTaken(method, taken, "Tangent", "tangent"));
        }

        AdjointProgram? program = diagnostics.Count == 0 ? TangentMode.Differentiate(method, activity, diagnostics) : null;
        return new DifferentiatedMethod(method, program, activity.AdjointParameters.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    /// <summary>Parameters must not take the names of the tangent parameters (<c>tX</c>) or of the <c>out</c> tangent.</summary>
    private static void CheckNames(MethodModel method, ActivityAnalysis activity, List<DiagnosticInfo> diagnostics)
    {
        var tangentNames = activity.AdjointParameters.ToDictionary(p => Recognition.Types.TangentName(method.Variables[p].Name), p => method.Variables[p].Name);
        foreach (int parameter in method.Parameters)
        {
            Variable variable = method.Variables[parameter];
            string? owner = tangentNames.TryGetValue(variable.Name, out string? name) ? name
                : method.ReturnType is not null && variable.Name == "tangent" ? "the result"
                : null;
            if (owner is not null)
            {
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.TangentNameCollision.Id, variable.Location ?? method.Location,
                    new[] { variable.Name, owner }.ToEquatableArray()));
            }
        }
    }
}
