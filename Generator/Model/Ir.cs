using System;

namespace SourceGrad.Generator.Model;

// The differentiation IR: a checked, equatable statement tree that recognition builds from the method body
// and that analysis, differentiation and emission read. It holds no Roslyn objects, so the incremental
// pipeline can cache it and compare it by value.

/// <summary>The value types the IR knows. Only <see cref="Float"/> and <see cref="Double"/> carry gradients.</summary>
internal enum ScalarType
{
    Float,
    Double,
    Int,
    Long,
    Bool,

    /// <summary>Any other type: allowed for parameters the body does not compute with.</summary>
    Other,
}

internal enum VariableKind
{
    Parameter,
    Local,

    /// <summary>The counter of a canonical <c>for</c> loop: scoped to the loop, recomputed in the reverse sweep.</summary>
    LoopCounter,

    /// <summary>A local the generator introduces to hold a call's result.</summary>
    CallResult,
}

internal enum BufferKind
{
    None,
    Span,
    ReadOnlySpan,
    Array,
}

/// <summary>
/// A parameter or local. <see cref="Type"/> is the element type for buffers. <see cref="TypeCode"/> is the C#
/// type as written in the signature (parameters only).
/// </summary>
internal sealed record Variable(
    string Name,
    ScalarType Type,
    VariableKind Kind,
    BufferKind Buffer,
    bool NoGrad,
    string TypeCode,
    int DeclaringLoopDepth,
    LocationInfo? Location = null)
{
    public bool IsBuffer => Buffer != BufferKind.None;

    public bool IsDifferentiableType => Type is ScalarType.Float or ScalarType.Double;
}

internal abstract record Expr(ScalarType Type);

/// <summary>A constant, already formatted as C#.</summary>
internal sealed record Literal(ScalarType Type, string Code) : Expr(Type);

internal sealed record VariableRef(ScalarType Type, int Variable) : Expr(Type);

internal sealed record ElementRef(ScalarType Type, int Buffer, Expr Index) : Expr(Type);

internal sealed record LengthOf(int Buffer) : Expr(ScalarType.Int);

internal sealed record Unary(ScalarType Type, string Operator, Expr Operand) : Expr(Type);

internal sealed record Binary(ScalarType Type, string Operator, Expr Left, Expr Right) : Expr(Type);

/// <summary><c>c ? a : b</c>. <see cref="Id"/> names the slot where the forward sweep records the condition.</summary>
internal sealed record Conditional(ScalarType Type, int Id, Expr Condition, Expr WhenTrue, Expr WhenFalse) : Expr(Type);

internal sealed record Conversion(ScalarType Type, Expr Operand) : Expr(Type);

/// <summary>A <c>Math</c>/<c>MathF</c> function; <see cref="Name"/> is its name (Exp, Pow, ...).</summary>
internal sealed record Intrinsic(ScalarType Type, string Name, EquatableArray<Expr> Arguments) : Expr(Type);

/// <summary>A value with no gradient that the generated code reads as written (a static readonly field).</summary>
internal sealed record Opaque(ScalarType Type, string Code) : Expr(Type);

internal enum JumpKind
{
    Break,
    Continue,
    Return,
}

internal enum LoopKind
{
    For,
    While,
    Do,
}

/// <summary>A statement; <see cref="Id"/> numbers statements in source order (jump ids are exit codes).</summary>
internal abstract record Statement(int Id, string Source, LocationInfo? Location);

internal sealed record Block(int Id, EquatableArray<Statement> Statements) : Statement(Id, "", null);

internal sealed record Declaration(int Id, string Source, LocationInfo? Location, int Variable, Expr? Initializer)
    : Statement(Id, Source, Location);

/// <summary>A local buffer: <c>stackalloc T[n]</c> or <c>new T[n]</c>, declared at the top level of the body.</summary>
internal sealed record BufferDeclaration(int Id, string Source, LocationInfo? Location, int Variable, Expr Length, bool StackAlloc)
    : Statement(Id, Source, Location);

/// <summary><c>target op= value</c>; <see cref="Operator"/> is "" for plain assignment, else + - * /.</summary>
internal sealed record Assignment(int Id, string Source, LocationInfo? Location, Expr Target, string Operator, Expr Value)
    : Statement(Id, Source, Location);

internal sealed record CallStatement(int Id, string Source, LocationInfo? Location, Callee Callee, EquatableArray<Argument> Arguments, int ResultVariable)
    : Statement(Id, Source, Location);

internal sealed record IfStatement(int Id, string Source, LocationInfo? Location, Expr Condition, Block Then, Block? Else)
    : Statement(Id, Source, Location);

/// <summary>
/// A loop. A canonical <c>for</c> (one int counter, a constant step, the counter not assigned in the body)
/// has <see cref="Counter"/> set: its reverse sweep recomputes the counter instead of saving it.
/// </summary>
internal sealed record Loop(
    int Id,
    string Source,
    LocationInfo? Location,
    LoopKind Kind,
    Block Initializer,
    Expr? Condition,
    Block Increment,
    Block Body,
    CanonicalCounter? Counter)
    : Statement(Id, Source, Location);

internal sealed record CanonicalCounter(int Variable, Expr Start, int Step);

internal sealed record Jump(int Id, string Source, LocationInfo? Location, JumpKind Kind, Expr? Value)
    : Statement(Id, Source, Location);

/// <summary>A parameter of a called method, as the gradient call needs it.</summary>
internal sealed record CalleeParameter(string Name, ScalarType Type, bool IsBuffer, bool IsWritten, bool IsActive);

/// <summary>
/// A called method with a derivative: a [Differentiable] method (its reverse is <c>MGradient</c>) or a method
/// with a [DerivativeOf] rule (its reverse is the rule). <see cref="TangentName"/> is its forward mode (its generated
/// <c>MTangent</c> or its [TangentOf] rule), or null when it has none; <see cref="TangentKey"/> is set when that
/// tangent is a [Differentiable] method of this compilation, whose <c>MTangent</c> the generator must emit.
/// <see cref="HessianVectorName"/> is the tangent of its reverse, which a Hessian-vector product calls where the gradient
/// calls the reverse: the seeded <c>MHessianVector</c> overload of a [Differentiable] method, or the [TangentOf] rule
/// of its [DerivativeOf] rule; null when it has none. <see cref="SavedState"/> is set when a calling gradient keeps the
/// callee's internals: a [Differentiable(Split = true)] method not marked <c>Recompute = true</c>, whose
/// <c>MForward</c> the caller's forward sweep calls and whose <c>MBackward</c> its reverse sweep calls with the state kept
/// (the fully qualified name of <c>MSaved</c>); null when the reverse sweep calls <see cref="ReverseName"/>.
/// </summary>
internal sealed record Callee(
    string ContainingType,
    string Name,
    string ReverseName,
    bool IsRule,
    ScalarType? ReturnType,
    EquatableArray<CalleeParameter> Parameters,
    bool AcceptsEmptyAdjoints,
    string? TangentName = null,
    string? TangentKey = null,
    bool TangentAcceptsEmpty = false,
    string? HessianVectorName = null,
    bool HessianVectorAcceptsEmpty = false,
    string? SavedState = null);

/// <summary>An argument: a scalar expression, or a buffer (optionally sliced).</summary>
internal sealed record Argument(Expr? Scalar, int Buffer, Expr? SliceStart, Expr? SliceLength)
{
    public bool IsBuffer => Scalar is null;
}

/// <summary>How <c>MGradient</c> checkpoints the method's outer loop ([Differentiable(Checkpoint = …)], the runtime's <c>CheckpointMode</c>).</summary>
internal enum CheckpointKind
{
    None = 0,
    Binomial = 1,
    SqrtN = 2,
}

internal sealed record ContainingType(string Keyword, string Name);

/// <summary>
/// Everything the later stages need about one [Differentiable] method. <see cref="Tangent"/> says the user asked for
/// its forward mode; <see cref="Key"/> names it among the methods (see <c>Types.MethodKey</c>), so calls can find it;
/// <see cref="TangentNameTaken"/> is where a hand-written method already has the name and parameters its tangent would;
/// <see cref="HessianVector"/> and <see cref="HessianVectorNameTaken"/> say the same of its Hessian-vector product.
/// </summary>
internal sealed record MethodModel(
    string HintName,
    string? Namespace,
    EquatableArray<ContainingType> ContainingTypes,
    string Accessibility,
    string Name,
    ScalarType? ReturnType,
    EquatableArray<int> Parameters,
    EquatableArray<Variable> Variables,
    Block Body,
    int StatementCount,
    EquatableArray<DiagnosticInfo> Diagnostics,
    LocationInfo? Location,
    bool CheckFinite = false,
    bool Vectorize = true,
    bool Tangent = false,
    string Key = "",
    LocationInfo? TangentNameTaken = null,
    bool HessianVector = false,
    LocationInfo? HessianVectorNameTaken = null,
    bool Split = false,
    LocationInfo? SplitNameTaken = null,
    CheckpointKind Checkpoint = CheckpointKind.None,
    int Snapshots = 32,
    string? CheckpointLoop = null)
{
    public bool HasErrors
    {
        get
        {
            foreach (DiagnosticInfo diagnostic in Diagnostics)
            {
                if (SourceGrad.Generator.Diagnostics.DiagnosticDescriptors.IsError(diagnostic.Id))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
