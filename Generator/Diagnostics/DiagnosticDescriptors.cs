using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace SourceGrad.Generator.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. Ids are tracked in AnalyzerReleases.*.md and each has a section in
/// docs/diagnostics.md, which the help link points at.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "SourceGrad";
    private const string HelpBase = "https://github.com/sourcegrad/sourcegrad/blob/main/docs/diagnostics.md#";

    public static readonly DiagnosticDescriptor MethodMustBeStatic = Error(
        "SG0001",
        "A [Differentiable] method must be static",
        "Method '{0}' is marked [Differentiable] but is not static: make it static and pass what it reads as parameters");

    public static readonly DiagnosticDescriptor TypeMustBePartial = Error(
        "SG0002",
        "The type of a [Differentiable] method must be partial",
        "Type '{0}' contains the [Differentiable] method '{1}' but is not partial: add the 'partial' modifier so the gradient can be generated beside it");

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Error(
        "SG0003",
        "A [Differentiable] method must return float, double or void",
        "Method '{0}' returns '{1}': a [Differentiable] method returns float, double or void (write outputs to a Span<T> parameter)");

    public static readonly DiagnosticDescriptor UnsupportedStatement = Error(
        "SG0004",
        "Statement is not supported in a differentiable method",
        "'{0}' is not supported in a differentiable method: {1}");

    public static readonly DiagnosticDescriptor UnsupportedExpression = Error(
        "SG0005",
        "Expression is not supported in a differentiable method",
        "'{0}' is not supported in a differentiable method: {1}");

    public static readonly DiagnosticDescriptor CallHasNoDerivative = Error(
        "SG0006",
        "Called method has no derivative",
        "The call to '{0}' cannot be differentiated: mark '{0}' [Differentiable], or give it a [DerivativeOf(nameof({1}))] rule in its type");

    public static readonly DiagnosticDescriptor RuleSignatureMismatch = Error(
        "SG0007",
        "A [DerivativeOf] rule does not fit its method",
        "The rule '{0}' for '{1}' does not fit: {2}. Expected: void {0}({3}).");

    public static readonly DiagnosticDescriptor AdjointNameCollision = Error(
        "SG0008",
        "A parameter is named like an adjoint",
        "Parameter '{0}' has the name the gradient gives the adjoint of '{1}': rename '{0}'");

    public static readonly DiagnosticDescriptor UnsupportedParameter = Error(
        "SG0009",
        "Parameter kind is not supported",
        "Parameter '{0}' is {1}: a differentiable method takes its parameters by value (spans and arrays are passed by value too)");

    public static readonly DiagnosticDescriptor GenericMethod = Error(
        "SG0010",
        "Generic [Differentiable] methods are not supported",
        "Method '{0}' is generic: write it for float or double (one method for each)");

    public static readonly DiagnosticDescriptor LocalBufferPlacement = Error(
        "SG0011",
        "Local buffer must be declared at the top level of the method",
        "The buffer '{0}' is declared {1}: declare local buffers at the top level of the method body, before any loop, branch or return that could skip them");

    public static readonly DiagnosticDescriptor CallInCondition = Error(
        "SG0012",
        "Call in a position that is evaluated conditionally",
        "The call to '{0}' is {1}: assign its result to a local in a statement of its own first");

    public static readonly DiagnosticDescriptor RuleTargetNotFound = Error(
        "SG0013",
        "[DerivativeOf] names no method",
        "The rule '{0}' is [DerivativeOf(\"{1}\")], but type '{2}' has no static method '{1}' whose parameters the rule starts with");

    public static readonly DiagnosticDescriptor ResultDoesNotDependOnInputs = Warning(
        "SG0014",
        "The result does not depend on any active input",
        "The result of '{0}' does not depend on any active parameter: its gradient is always zero");

    public static readonly DiagnosticDescriptor InputDoesNotAffectResult = Warning(
        "SG0015",
        "An active parameter cannot affect the result",
        "Parameter '{0}' of '{1}' cannot affect the result: its gradient is always zero (mark it [NoGrad] if that is intended)");

    public static readonly DiagnosticDescriptor MethodHasNoBody = Error(
        "SG0016",
        "A [Differentiable] method needs a body",
        "Method '{0}' has no body to differentiate: give it a block or expression body");

    public static readonly DiagnosticDescriptor UnsupportedVariableType = Error(
        "SG0017",
        "Variable type is not supported",
        "'{0}' has type '{1}': a differentiable method's locals are float, double, int, long, bool, or Span<T>/T[] buffers of them");

    public static readonly DiagnosticDescriptor InternalError = Error(
        "SG0018",
        "The generator failed on this method",
        "SourceGrad could not differentiate '{0}' ({1}); the method gets no gradient. Please report this with the method's source.");

    public static readonly DiagnosticDescriptor FileLocalType = Error(
        "SG0019",
        "The type of a [Differentiable] method cannot be file-local",
        "Type '{0}' contains the [Differentiable] method '{1}' but is a 'file' type, which a generated file cannot extend: make it internal instead");

    public static readonly DiagnosticDescriptor CalleeHasErrors = Error(
        "SG0020",
        "Called [Differentiable] method has no gradient",
        "The call to '{0}' cannot be differentiated because '{0}' itself gets no gradient: fix the errors reported on it first");

    public static readonly DiagnosticDescriptor ActiveValueIntoNoGradBuffer = Warning(
        "SG0021",
        "A value with a gradient is written into a [NoGrad] buffer",
        "'{0}' writes a value that depends on active inputs into the [NoGrad] buffer '{1}': whatever reads it back gets no gradient through it (remove [NoGrad] from '{1}', or use a local buffer)");

    public static readonly DiagnosticDescriptor NotAMethod = Error(
        "SG0022",
        "[Differentiable] goes on a method declaration",
        "'{0}' is {1}: only an ordinary static method can be [Differentiable]; move the computation into one");

    public static readonly DiagnosticDescriptor TangentNameCollision = Error(
        "SG0023",
        "A parameter is named like a tangent",
        "Parameter '{0}' has the name the tangent method gives the tangent of '{1}': rename '{0}' (or drop Tangent = true)");

    public static readonly DiagnosticDescriptor CallHasNoTangent = Error(
        "SG0024",
        "Called method has no tangent",
        "'{1}' gets no tangent method because the call to '{0}' has no forward mode: {2}");

    public static readonly DiagnosticDescriptor TangentRuleMismatch = Error(
        "SG0025",
        "A [TangentOf] rule does not fit its method",
        "The rule '{0}' is [TangentOf(\"{1}\")], but {2}");

    public static readonly DiagnosticDescriptor GeneratedNameTaken = Error(
        "SG0026",
        "A method already has the generated method's name",
        "'{0}' already declares '{1}' with the parameters of '{2}' first, so the generated {3} would collide with it: rename '{1}'");

    public static readonly DiagnosticDescriptor HessianVectorNameCollision = Error(
        "SG0027",
        "A parameter is named like a direction or an Hv adjoint",
        "Parameter '{0}' has the name the Hessian-vector product gives the {1} of '{2}': rename '{0}' (or drop HessianVector = true)");

    public static readonly DiagnosticDescriptor HessianVectorNeedsScalarResult = Error(
        "SG0028",
        "A Hessian-vector product needs a float or double result",
        "'{0}' does not return float or double, so it has no Hessian: return the scalar whose second derivative you need (or drop HessianVector = true)");

    public static readonly DiagnosticDescriptor CallHasNoHessianVector = Error(
        "SG0029",
        "Called method has no Hessian-vector product",
        "'{1}' gets no Hessian-vector product because '{0}' comes from another assembly, which emitted no seeded '{0}HessianVector' for it: mark '{0}' [Differentiable(HessianVector = true)] there (or call a method with a [DerivativeOf] rule and [TangentOf] rules instead)");

    public static readonly DiagnosticDescriptor RuleHasNoSecondOrder = Error(
        "SG0030",
        "A rule-backed call needs a tangent rule for the Hessian-vector product",
        "'{1}' gets no Hessian-vector product because the call to '{0}' needs {2}: add {3} (docs/custom-rules.md)");

    public static readonly DiagnosticDescriptor CheckpointNeedsLoop = Error(
        "SG0033",
        "Loop checkpointing needs one top-level for loop to checkpoint",
        "'{0}' asks for loop checkpointing, but {1}: checkpointing applies to a top-level 'for' loop of the method (name it with CheckpointLoop = \"counter\" when there are several), or drop Checkpoint");

    public static readonly DiagnosticDescriptor SnapshotsOutOfRange = Error(
        "SG0034",
        "Snapshots must be at least 1",
        "Snapshots = {0} on '{1}': binomial checkpointing needs at least 1 snapshot (more snapshots, fewer iterations run again)");

    public static readonly DiagnosticDescriptor CheckpointLoopShape = Error(
        "SG0035",
        "The checkpointed loop must count up by 1 to a bound it does not change",
        "The checkpointed loop '{0}' {1}: the schedule needs its number of iterations when it starts, so write it as 'for (int i = start; i < bound; i++)' with a bound and start the loop does not assign");

    public static readonly DiagnosticDescriptor CheckpointLoopExit = Error(
        "SG0036",
        "A jump leaves the checkpointed loop early",
        "'{0}' leaves the checkpointed loop '{1}' before its last iteration: the schedule needs the number of iterations when the loop starts; compute the exit as a bound before the loop, or guard the rest of the body with an 'if'");

    public static readonly DiagnosticDescriptor GradientSavedBytes = Info(
        "SG0037",
        "What a gradient saves for its reverse sweep",
        "The gradient of '{0}' saves {1} for its reverse sweep: {2}");

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = new[]
    {
        MethodMustBeStatic, TypeMustBePartial, UnsupportedReturnType, UnsupportedStatement, UnsupportedExpression,
        CallHasNoDerivative, RuleSignatureMismatch, AdjointNameCollision, UnsupportedParameter, GenericMethod,
        LocalBufferPlacement, CallInCondition, RuleTargetNotFound, ResultDoesNotDependOnInputs,
        InputDoesNotAffectResult, MethodHasNoBody, UnsupportedVariableType, InternalError, FileLocalType, CalleeHasErrors, ActiveValueIntoNoGradBuffer, NotAMethod,
        TangentNameCollision, CallHasNoTangent, TangentRuleMismatch, GeneratedNameTaken,
        HessianVectorNameCollision, HessianVectorNeedsScalarResult, CallHasNoHessianVector, RuleHasNoSecondOrder,
        CheckpointNeedsLoop, SnapshotsOutOfRange, CheckpointLoopShape, CheckpointLoopExit,
        GradientSavedBytes,
    }.ToDictionary(d => d.Id);

    public static IEnumerable<DiagnosticDescriptor> All => s_byId.Values;

    public static DiagnosticDescriptor ById(string id) => s_byId[id];

    public static bool IsError(string id) => ById(id).DefaultSeverity == DiagnosticSeverity.Error;

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        Create(id, title, message, DiagnosticSeverity.Error);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        Create(id, title, message, DiagnosticSeverity.Warning);

    private static DiagnosticDescriptor Info(string id, string title, string message) =>
        Create(id, title, message, DiagnosticSeverity.Info);

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, description: title + ".",
            helpLinkUri: HelpBase + id.ToLowerInvariant());
}
