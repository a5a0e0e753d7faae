namespace SourceGrad.Generator.Model;

// The statements of the adjoint program. Targets and values are expressions of the primal IR (Ir.cs) extended by
// Expressions.cs; variables are ids into AdjointProgram.Locals.

/// <summary>A statement of the adjoint program.</summary>
internal abstract record Code;

/// <summary>Statements in order, printed inline (no braces of their own).</summary>
internal sealed record Sequence(EquatableArray<Code> Items) : Code
{
    public static readonly Sequence Empty = new(EquatableArray<Code>.Empty);

    public bool IsEmpty => Items.Count == 0;
}

/// <summary>Which sweep a block of code belongs to.</summary>
internal enum Sweep
{
    Forward,
    Reverse,
}

/// <summary>
/// The code one primal statement (<see cref="Statement"/>, its id) gives in one sweep. In the reverse sweep it is
/// printed below the statement's source as a comment; in the forward sweep, where the code is the statement itself,
/// the comment is left out. Passes pair a statement's forward and reverse blocks by the id.
/// </summary>
internal sealed record Commented(int Statement, string Source, Sweep Sweep, Sequence Body) : Code;

/// <summary>
/// Code under a comment line that names what it is for (the reverse of a loop or an <c>if</c>, a recomputed value):
/// when a pass empties the body the comment goes too.
/// </summary>
internal sealed record Section(string Title, Sequence Body) : Code;

/// <summary>A comment line (<c>// text</c>).</summary>
internal sealed record Comment(string Text) : Code;

/// <summary>An empty line between parts of the body.</summary>
internal sealed record BlankLine : Code
{
    public static readonly BlankLine Instance = new();
}

/// <summary><c>T local = value;</c> (<c>= default</c> when <see cref="Value"/> is null), in the enclosing scope.</summary>
internal sealed record Declare(int Local, Expr? Value) : Code;

/// <summary>
/// <c>target = value;</c>, or <c>target op= value;</c> with <see cref="Operator"/> one of + − * / (primal compound
/// assignments). Adjoint contributions are <see cref="Accumulate"/>, not this.
/// </summary>
internal sealed record Assign(Expr Target, string Operator, Expr Value) : Code;

/// <summary><c>target += value;</c>: a contribution to an adjoint, kept apart so the passes can tell.</summary>
internal sealed record Accumulate(Expr Target, Expr Value) : Code;

/// <summary><c>if (condition) { then } else { otherwise }</c>.</summary>
internal sealed record If(Expr Condition, Sequence Then, Sequence? Else) : Code;

internal enum LoopForm
{
    /// <summary><c>for (int counter = start; condition; step)</c> or <c>for (; condition; step)</c>.</summary>
    For,
    While,
    Do,
}

/// <summary>
/// A loop. A <see cref="LoopForm.For"/> with <see cref="Counter"/> set declares its counter in the header, starting
/// at <see cref="Start"/>; <see cref="Step"/> is what runs after each iteration. <see cref="Origin"/> is the id of the
/// primal loop this one runs (forward) or reverses (reverse), or −1.
/// </summary>
internal sealed record LoopCode(LoopForm Form, int Counter, Expr? Start, Expr? Condition, Sequence Step, Sequence Body, int Origin, Sweep Sweep)
    : Code;

internal sealed record Break : Code
{
    public static readonly Break Instance = new();
}

internal sealed record Continue : Code
{
    public static readonly Continue Instance = new();
}

/// <summary><c>goto label;</c>; <see cref="Label"/> names a <see cref="LabelMark"/>.</summary>
internal sealed record Goto(int Label) : Code;

/// <summary><c>label:</c>. Labels are numbered per program; the printer names them.</summary>
internal sealed record LabelMark(int Label, string Stem) : Code;

internal sealed record Return(Expr? Value) : Code;

/// <summary>An expression evaluated for its effect: a call.</summary>
internal sealed record Evaluate(Expr Expression) : Code;

/// <summary>The forward sweep keeps <see cref="Value"/> in slot <see cref="Slot"/> (see <see cref="SaveSlot"/>).</summary>
internal sealed record Save(int Slot, Expr Value) : Code;

/// <summary>
/// Where the storage pass allocates the buffers of the slots saved inside the indexed loop nest whose outermost loop
/// is <see cref="RootLoop"/>: just before that loop starts, once its trip counts are known.
/// </summary>
internal sealed record AllocateSaved(int RootLoop) : Code;

internal enum BufferStorage
{
    /// <summary><c>stackalloc T[n]</c>.</summary>
    StackAlloc,

    /// <summary><c>new T[n]</c>.</summary>
    NewArray,

    /// <summary>A <c>PooledBuffer&lt;T&gt;</c>, zeroed, disposed at the end.</summary>
    Pooled,
}

/// <summary>
/// A buffer local: <c>Span&lt;T&gt; local = stackalloc T[length];</c>, <c>T[] local = new T[length];</c>, or a pooled
/// buffer (<c>var local = new PooledBuffer&lt;T&gt;(length);</c>). <see cref="Clear"/> zeroes a stackalloc'd one.
/// </summary>
internal sealed record DeclareBuffer(int Local, Expr Length, BufferStorage Storage, bool Clear = false) : Code;

/// <summary><c>local.Dispose();</c> of a pooled buffer or a stack.</summary>
internal sealed record Dispose(int Local) : Code;

/// <summary><c>source.CopyTo(destination);</c> of two span expressions.</summary>
internal sealed record CopySpan(Expr Source, Expr Destination) : Code;

internal enum RangeOperation
{
    /// <summary>Pushes a span's contents.</summary>
    Push,

    /// <summary>Copies the values <see cref="StackRange.Depth"/> below the top into the span, leaving them.</summary>
    Peek,

    /// <summary>Pops the top values into the span.</summary>
    Pop,
}

/// <summary>A whole buffer pushed to, read from or popped off a save stack (the contents of a buffer a callee writes).</summary>
internal sealed record StackRange(RangeOperation Operation, int Stack, Expr Span, Expr? Depth) : Code;

/// <summary><c>stack.Push(value);</c>, written by the storage pass for a saved value in a loop without a trip count.</summary>
internal sealed record Push(int Stack, Expr Value) : Code;

/// <summary>A vector of <see cref="Width"/> lanes stored into a slice of a buffer, unchecked: the vector loop's condition checks the range.</summary>
internal sealed record StoreVector(LocalShape Width, Expr Vector, Expr Span) : Code;
