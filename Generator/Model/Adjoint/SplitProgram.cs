namespace SourceGrad.Generator.Model;

/// <summary>
/// A gradient program cut at the boundary between its sweeps, for split mode (<c>[Differentiable(Split = true)]</c>).
/// <c>MForward</c> is <see cref="ForwardDeclarations"/>, <see cref="ForwardSweep"/> (the forward sweep and what runs
/// between the sweeps), then <see cref="Store"/> (what it keeps in the saved state) before it returns
/// <see cref="Result"/>. <c>MBackward</c> is <see cref="Load"/> (the kept locals taken back, the locals only the reverse
/// sweep uses declared as the gradient declares them), <see cref="Reverse"/> and <see cref="Epilogue"/>.
/// <see cref="Fields"/> are the kept locals, in order: the saved state's fields; <see cref="Storage"/> are those holding
/// pooled storage, which the state's <c>Dispose</c> returns. <see cref="Saved"/> is the local standing for the saved-state
/// parameter (<c>saved</c>). Locals are <see cref="Program"/>'s, with those split mode adds.
/// </summary>
internal sealed record SplitProgram(
    AdjointProgram Program,
    int Saved,
    EquatableArray<int> Fields,
    EquatableArray<int> Storage,
    Sequence ForwardDeclarations,
    Sequence ForwardSweep,
    Sequence Store,
    Expr? Result,
    Sequence Load,
    Sequence Reverse,
    Sequence Epilogue);

/// <summary>The field of the saved state (the local <see cref="State"/>) that keeps the local <see cref="Local"/>: <c>saved._x</c>.</summary>
internal sealed record SavedField(ScalarType Type, int State, int Local) : Expr(Type);

/// <summary>A method with its split program (null when the split failed: its diagnostic is in <see cref="Diagnostics"/>).</summary>
internal sealed record SplitMethod(MethodModel Method, SplitProgram? Program, EquatableArray<int> AdjointParameters, EquatableArray<DiagnosticInfo> Diagnostics);
