namespace SourceGrad.Generator.Model;

// Expressions the adjoint program needs beyond the primal IR's (Ir.cs). Variables are ids into
// AdjointProgram.Locals, as in VariableRef.

/// <summary>
/// A buffer local as a span: the whole of it (<see cref="Start"/> null), or the part from <see cref="Start"/>
/// (of <see cref="Length"/> elements when set). An array becomes a span, a pooled buffer its <c>Span</c>.
/// </summary>
internal sealed record SpanOf(ScalarType Type, int Buffer, Expr? Start, Expr? Length) : Expr(Type);

/// <summary>A call of a static method by its fully qualified name; <see cref="Expr.Type"/> is Other for void.</summary>
/// <remarks>
/// <see cref="IsPure"/>: the callee only computes its result (no effects, nothing allocated that must be returned), so a
/// call whose result nothing reads may go (DeadCode); any other call stays for its effects.
/// </remarks>
internal sealed record Invocation(ScalarType Type, string Method, EquatableArray<Expr> Arguments, bool IsPure = false) : Expr(Type);

/// <summary>An argument passed by reference: <c>ref target</c>.</summary>
internal sealed record RefTo(Expr Target) : Expr(Target.Type);

/// <summary>An argument passed as <c>out target</c>, or <c>out _</c> when <see cref="Target"/> is null.</summary>
internal sealed record OutTo(ScalarType Type, Expr? Target) : Expr(Type);

/// <summary><c>default</c> of a type (a span argument nobody reads the gradient of).</summary>
internal sealed record DefaultValue(ScalarType Type) : Expr(Type);

/// <summary>The value slot <see cref="Slot"/> kept (see <see cref="Save"/>): read once, where the reverse sweep needs it.</summary>
internal sealed record Saved(ScalarType Type, int Slot) : Expr(Type);

/// <summary><c>stack.Pop()</c>.</summary>
internal sealed record Popped(ScalarType Type, int Stack) : Expr(Type);

/// <summary>A vector of <see cref="Width"/> lanes loaded from a slice of a buffer, unchecked: the vector loop's condition checks the range.</summary>
internal sealed record LoadVector(ScalarType Type, LocalShape Width, Expr Span) : Expr(Type);

/// <summary>A vector of <see cref="Width"/> lanes, all <see cref="Value"/>.</summary>
internal sealed record Broadcast(ScalarType Type, LocalShape Width, Expr Value) : Expr(Type);

/// <summary>The sum of a vector's lanes.</summary>
internal sealed record SumLanes(ScalarType Type, LocalShape Width, Expr Vector) : Expr(Type);

/// <summary>The number of lanes of a vector of <see cref="Width"/> (<c>Vector512&lt;T&gt;.Count</c>).</summary>
internal sealed record LaneCount(ScalarType Element, LocalShape Width) : Expr(ScalarType.Int);

/// <summary>Whether vectors of <see cref="Width"/> are accelerated on this machine (a JIT-time constant).</summary>
internal sealed record Accelerated(LocalShape Width) : Expr(ScalarType.Bool);

/// <summary>The generated code of an expression as a string literal (names what a diagnostic check looked at).</summary>
internal sealed record Quoted(Expr Expression) : Expr(ScalarType.Other);

/// <summary><c>new PooledBuffer&lt;T&gt;(length)</c>: a zeroed buffer from the array pool.</summary>
internal sealed record NewPooledBuffer(ScalarType Type, Expr Length) : Expr(Type);

/// <summary>
/// A static method of the vector API of <see cref="Width"/> (<c>Vector512.Shuffle(…)</c>, <c>Vector512.ConditionalSelect(…)</c>):
/// the operations on lanes beyond arithmetic.
/// </summary>
internal sealed record VectorCall(ScalarType Type, LocalShape Width, string Method, EquatableArray<Expr> Arguments) : Expr(Type);

/// <summary>
/// A member of a local of a runtime type, as written: <c>_schedule.From</c>, or a call when <see cref="Member"/> ends
/// with its argument list (<c>_schedule.Next()</c>).
/// </summary>
internal sealed record MemberOf(ScalarType Type, int Local, string Member) : Expr(Type);

/// <summary>The vector 0, 1, 2, … of lane numbers (<c>Vector512&lt;long&gt;.Indices</c>).</summary>
internal sealed record LaneIndices(ScalarType Type, LocalShape Width) : Expr(Type);
