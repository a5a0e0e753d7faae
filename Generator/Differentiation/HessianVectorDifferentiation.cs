using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

/// <summary>
/// The Hessian-vector stage: a method marked <c>HessianVector = true</c> into its forward-over-reverse program. Its
/// diagnostics (a result that is not a scalar, a parameter named like a direction or an Hv adjoint, a call, a
/// hand-written method with the generated name) block only the product, never the gradient or the tangent. The
/// generator never throws.
/// </summary>
internal static class HessianVectorDifferentiation
{
    public static DifferentiatedMethod? Differentiate(MethodModel method) => GradientDifferentiation.Guarded(method, Build);

    private static DifferentiatedMethod Build(MethodModel method)
    {
        var diagnostics = new List<DiagnosticInfo>();
        if (method.ReturnType is not (ScalarType.Float or ScalarType.Double))
        {
            diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.HessianVectorNeedsScalarResult.Id, method.Location,
                new[] { method.Name }.ToEquatableArray()));
            return new DifferentiatedMethod(method, null, EquatableArray<int>.Empty, diagnostics.ToEquatableArray());
        }

        foreach (CallStatement call in AllStatements(method.Body).OfType<CallStatement>())
        {
            diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.CallHasNoHessianVector.Id, call.Location ?? method.Location,
                new[] { call.Callee.Name, method.Name }.ToEquatableArray()));
        }

        if (method.HessianVectorNameTaken is { } taken)
        {
            diagnostics.Add(GradientDifferentiation.NameTaken(method, taken, "HessianVector", "Hessian-vector product"));
        }

        AdjointProgram gradient = ReverseMode.Differentiate(GradientDifferentiation.StoreAll(method), out ActivityAnalysis activity);
        CheckNames(method, activity, diagnostics);
        AdjointProgram? program = diagnostics.Count == 0 ? HessianVectorMode.Differentiate(method, gradient, activity.AdjointParameters) : null;
        return new DifferentiatedMethod(method, program, activity.AdjointParameters.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    /// <summary>Parameters must not take the names of the directions (<c>vX</c>) or of the Hv adjoints (<c>hvX</c>).</summary>
    private static void CheckNames(MethodModel method, ActivityAnalysis activity, List<DiagnosticInfo> diagnostics)
    {
        var generated = new Dictionary<string, (string Kind, string Of)>();
        foreach (int parameter in activity.AdjointParameters)
        {
            string name = method.Variables[parameter].Name;
            generated[Recognition.Types.DirectionName(name)] = ("direction", name);
            generated[Recognition.Types.HessianVectorName(name)] = ("Hv adjoint", name);
        }

        foreach (int parameter in method.Parameters)
        {
            Variable variable = method.Variables[parameter];
            if (generated.TryGetValue(variable.Name, out (string Kind, string Of) owner))
            {
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.HessianVectorNameCollision.Id, variable.Location ?? method.Location,
                    new[] { variable.Name, owner.Kind, owner.Of }.ToEquatableArray()));
            }
        }
    }
}
