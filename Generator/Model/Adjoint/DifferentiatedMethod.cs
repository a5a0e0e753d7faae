namespace SourceGrad.Generator.Model;

/// <summary>
/// A method with its gradient as a program: what the differentiation stage hands the optimisation stage, and that the
/// emission stage prints. <see cref="Program"/> is null when a stage failed (its diagnostic is in
/// <see cref="Diagnostics"/>); <see cref="AdjointParameters"/> are the parameters that get an adjoint, in order.
/// </summary>
internal sealed record DifferentiatedMethod(
    MethodModel Method,
    AdjointProgram? Program,
    EquatableArray<int> AdjointParameters,
    EquatableArray<DiagnosticInfo> Diagnostics);
