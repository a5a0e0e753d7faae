using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

/// <summary>
/// The Hessian-vector stage: a method marked <c>HessianVector = true</c> into its forward-over-reverse program, and a
/// method a Hessian-vector product calls into its seeded one (the tangent of <c>MGradient</c>, seed and all). Its
/// diagnostics (a result that is not a scalar, a parameter named like a direction or an Hv adjoint, a call without a
/// second-order mode, a hand-written method with the generated name) block only the product, never the gradient or the
/// tangent. The generator never throws. A method with both gets two programs rather than its product calling the seeded
/// one with seed 1 and seed tangent 0: known at generation, the seed tangent's terms drop out of the product's code
/// instead of being multiplied by zero at run time.
/// </summary>
internal static class HessianVectorDifferentiation
{
    public static DifferentiatedMethod? Differentiate(MethodModel method) => GradientDifferentiation.Guarded(method, m => Build(m, seeded: false));

    /// <summary>
    /// The seeded product of a method a Hessian-vector product calls. Its diagnostics are those of the product, so a
    /// method that asked for one reports them there, once.
    /// </summary>
    public static DifferentiatedMethod? DifferentiateSeeded(MethodModel method) => GradientDifferentiation.Guarded(method, m =>
    {
        DifferentiatedMethod differentiated = Build(m, seeded: true);
        return m.HessianVector ? differentiated with { Diagnostics = EquatableArray<DiagnosticInfo>.Empty } : differentiated;
    });

    private static DifferentiatedMethod Build(MethodModel method, bool seeded)
    {
        var diagnostics = new List<DiagnosticInfo>();
        if (!seeded && method.ReturnType is not (ScalarType.Float or ScalarType.Double))
        {
            diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.HessianVectorNeedsScalarResult.Id, method.Location,
                new[] { method.Name }.ToEquatableArray()));
            return new DifferentiatedMethod(method, null, EquatableArray<int>.Empty, diagnostics.ToEquatableArray());
        }

        if (!seeded && method.HessianVectorNameTaken is { } taken)
        {
            diagnostics.Add(GradientDifferentiation.NameTaken(method, taken, "HessianVector", "Hessian-vector product"));
        }

        AdjointProgram gradient = ReverseMode.Differentiate(GradientDifferentiation.StoreAll(method), out ActivityAnalysis activity, keepCallStates: false);
        CheckNames(method, activity, diagnostics, seeded);
        foreach (CallStatement call in AllStatements(method.Body).OfType<CallStatement>())
        {
            bool active = (call.ResultVariable >= 0 && activity.HasAdjoint(call.ResultVariable)) || call.Arguments.Select((a, i) => (a, i)).Any(p =>
                call.Callee.Parameters[p.i].IsActive && (p.a.IsBuffer ? activity.HasAdjoint(p.a.Buffer) : activity.IsActive(p.a.Scalar!)));
            if (active)
            {
                CheckCall(method, call, diagnostics);
            }
        }

        AdjointProgram? program = diagnostics.Count == 0 ? HessianVectorMode.Differentiate(method, gradient, activity.AdjointParameters, seeded) : null;
        return new DifferentiatedMethod(method, program, activity.AdjointParameters.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    /// <summary>
    /// A call needs the callee's forward mode (where the gradient calls the callee) and the tangent of its reverse (where
    /// the gradient calls <c>MGradient</c> or the [DerivativeOf] rule). A [Differentiable] callee of this compilation gets
    /// both generated; one from another assembly has them when its generator emitted them; a rule needs two [TangentOf]
    /// rules, one of the method and one of the rule itself (docs/custom-rules.md).
    /// </summary>
    private static void CheckCall(MethodModel method, CallStatement call, List<DiagnosticInfo> diagnostics)
    {
        Callee callee = call.Callee;
        if (!callee.IsRule)
        {
            if (callee.TangentName is null || callee.HessianVectorName is null)
            {
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.CallHasNoHessianVector.Id, call.Location ?? method.Location,
                    new[] { callee.Name, method.Name }.ToEquatableArray()));
            }

            return;
        }

        string? missing = callee.TangentName is null ? callee.Name : callee.HessianVectorName is null ? callee.ReverseName : null;
        if (missing is not null)
        {
            string what = missing == callee.Name
                ? $"the forward mode of '{callee.Name}'"
                : $"the tangent of its rule '{callee.ReverseName}' (its second-order rule)";
            diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.RuleHasNoSecondOrder.Id, call.Location ?? method.Location,
                new[] { callee.Name, method.Name, what, $"a [TangentOf(nameof({missing}))] rule beside it" }.ToEquatableArray()));
        }
    }

    /// <summary>
    /// Parameters must not take the names of the directions (<c>vX</c>) or of the Hv adjoints (<c>hvX</c>), nor, in the
    /// seeded product, <c>seedTangent</c>.
    /// </summary>
    private static void CheckNames(MethodModel method, ActivityAnalysis activity, List<DiagnosticInfo> diagnostics, bool seeded)
    {
        var generated = new Dictionary<string, (string Kind, string Of)>();
        if (seeded && method.ReturnType is not null)
        {
            generated["seedTangent"] = ("tangent", "seed");
        }

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
