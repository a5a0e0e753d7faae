namespace SourceGrad.Generator.Model;

// The adjoint IR: the gradient as a program. Differentiation builds it from the primal IR (Ir.cs), the
// optimisation passes rewrite it, and the printer writes it as C#; nothing else writes code. Like the primal
// IR it is a tree of equatable records that holds nothing from the compilation, so each stage of the pipeline
// caches by value.
//
// Variables are numbered: the primal method's variables keep their ids (0 … n−1) and the generated ones
// (adjoints, temporaries, saved values, flags) follow. Names are given only by the printer, so a pass can add
// and remove locals freely and the generated names stay stable and gap-free.

/// <summary>What a generated variable is for; the printer derives its name from this and its stem.</summary>
internal enum LocalRole
{
    /// <summary>A variable of the primal method (a parameter, local, loop counter or call result).</summary>
    Primal,

    /// <summary>The adjoint of the primal variable <see cref="Local.Of"/>.</summary>
    Adjoint,

    /// <summary>A value the generated code computes once and reads again.</summary>
    Temporary,

    /// <summary>The tangent of the primal variable <see cref="Local.Of"/> (forward mode).</summary>
    Tangent,

    /// <summary>The tangent of an adjoint (Hessian-vector products): <see cref="Local.Stem"/> is the adjoint's primal variable's.</summary>
    AdjointTangent,

    /// <summary>A buffer, or its span, of the values the storage pass saves by iteration (stacks are told by their shape).</summary>
    Saved,
}

/// <summary>Which derivative a program computes.</summary>
internal enum ProgramMode
{
    /// <summary>Reverse mode: a forward sweep, then the reverse sweep; returns the primal result.</summary>
    Gradient,

    /// <summary>Forward mode: one sweep, each statement's tangent just before the statement; returns where the method returns.</summary>
    Tangent,

    /// <summary>
    /// Forward over reverse: the gradient program with every statement preceded by its tangent along the directions,
    /// so the adjoints' tangents are the Hessian times the directions. Its parts are the gradient's.
    /// </summary>
    HessianVector,
}

/// <summary>How a variable is stored.</summary>
internal enum LocalShape
{
    Scalar,
    Span,
    ReadOnlySpan,
    Array,

    /// <summary>A <c>SourceGrad.Internal.PooledBuffer&lt;T&gt;</c>: a zeroed buffer from the array pool.</summary>
    PooledBuffer,

    /// <summary>A <c>SourceGrad.Internal.SaveStack&lt;T&gt;</c>: saved values in LIFO order.</summary>
    SaveStack,

    /// <summary>A <c>Vector512&lt;T&gt;</c>.</summary>
    Vector512,

    /// <summary>
    /// A <c>Vector256&lt;T&gt;</c>: where Vector512 is not accelerated (AVX2), the width of a loop that rotates lanes,
    /// which <c>Vector&lt;T&gt;</c> cannot.
    /// </summary>
    Vector256,

    /// <summary>A <c>System.Numerics.Vector&lt;T&gt;</c> (the machine's preferred width).</summary>
    Vector,

    /// <summary>A <c>SourceGrad.Checkpointing.Revolve</c>: the schedule of a checkpointed loop.</summary>
    CheckpointSchedule,

    /// <summary>A callee's split-mode saved state (<c>CSaved</c>), its type named by <see cref="Local.TypeName"/>.</summary>
    CalleeState,

    /// <summary>A <c>SourceGrad.Internal.StateStack&lt;CSaved&gt;</c>: a callee's saved states, one per call in a loop, in LIFO order.</summary>
    CalleeStateStack,
}

/// <summary>What the shapes have in common.</summary>
internal static class LocalShapes
{
    /// <summary>Whether a variable of <paramref name="shape"/> is one value (a scalar or a vector's lanes), not storage of many.</summary>
    public static bool IsValue(this LocalShape shape) =>
        shape is LocalShape.Scalar or LocalShape.Vector or LocalShape.Vector512 or LocalShape.Vector256;
}

/// <summary>
/// A variable of the adjoint program. <see cref="Type"/> is the element type of buffers and vectors; <see cref="Stem"/>
/// is the name or the stem a generated name is numbered from (<c>_t</c> → <c>_t1</c>); <see cref="Of"/> is the primal
/// variable an adjoint belongs to (else −1); <see cref="Numbered"/> says whether the stem takes a number;
/// <see cref="TypeName"/> is the fully qualified struct of a <see cref="LocalShape.CalleeState"/> or
/// <see cref="LocalShape.CalleeStateStack"/> (else null), and <see cref="Callee"/> the method whose state it keeps.
/// </summary>
internal sealed record Local(string Stem, ScalarType Type, LocalShape Shape, LocalRole Role, int Of = -1, bool Numbered = true, string? TypeName = null,
    string? Callee = null)
{
    public bool IsBuffer => Shape is LocalShape.Span or LocalShape.ReadOnlySpan or LocalShape.Array;
}

/// <summary>
/// A value the forward sweep keeps (<see cref="Save"/>) and the reverse sweep takes back (<see cref="Saved"/>).
/// <see cref="Loops"/> are the ids of the primal loops around the save, outermost first: where the value is kept
/// (a local, a buffer indexed by iteration, a stack) is decided by the storage pass from them.
/// </summary>
internal sealed record SaveSlot(int Id, ScalarType Type, EquatableArray<int> Loops);

/// <summary>
/// A primal loop as the storage pass sees it. An indexed loop's trip count is known on entry: its saved values live in
/// buffers indexed by <see cref="Iteration"/> (the iteration's position in the nest of indexed loops, computed from
/// the counters), sized by the product of the nest's <see cref="TripCount"/>s before the outermost indexed loop
/// <see cref="Root"/> starts (where the forward sweep has an <see cref="AllocateSaved"/> marker).
/// </summary>
internal sealed record LoopRecord(int Id, bool Indexed, Expr? Iteration, Expr? TripCount, int Root);

/// <summary>
/// The derivative of one method as a program (<see cref="Mode"/> says which; a tangent program has only a prologue and
/// a forward part, and returns from inside it). The gradient of one method as a program: its variables, saved values and loops, and its body in parts —
/// declarations, the forward sweep, what runs between the sweeps (the target of early returns), the reverse sweep,
/// the epilogue (adjoints handed to the caller, storage returned), and the value returned (null for void).
/// <see cref="CheckpointedLoop"/> is the primal loop MGradient checkpoints (−1 for none): the passes leave its forward
/// and reverse loops as they are (direction, vectors), so <c>LoopCheckpointing</c> finds them and keeps their order.
/// </summary>
internal sealed record AdjointProgram(
    EquatableArray<Local> Locals,
    EquatableArray<SaveSlot> Slots,
    EquatableArray<LoopRecord> Loops,
    Sequence Prologue,
    Sequence Forward,
    Sequence BetweenSweeps,
    Sequence Reverse,
    Sequence Epilogue,
    Expr? Result,
    ProgramMode Mode = ProgramMode.Gradient,
    int CheckpointedLoop = -1)
{
    public Local this[int local] => Locals[local];
}

internal static class AdjointProgramParts
{
    /// <summary>Every part of the body in order, as one sequence (for analyses that look at the whole program).</summary>
    public static Sequence Whole(this AdjointProgram program) => new(new Code[]
    {
        program.Prologue, program.Forward, program.BetweenSweeps, program.Reverse, program.Epilogue,
        new Return(program.Result),
    }.ToEquatableArray());

    /// <summary>Whether <paramref name="loop"/> runs or reverses the loop MGradient checkpoints (which the passes leave as it is).</summary>
    public static bool IsCheckpointed(this LoopCode loop, AdjointProgram program) =>
        program.CheckpointedLoop >= 0 && loop.Origin == program.CheckpointedLoop;

    /// <summary>The program with <paramref name="map"/> applied to each part of its body.</summary>
    public static AdjointProgram MapParts(this AdjointProgram program, System.Func<Sequence, Sequence> map)
    {
        Sequence prologue = map(program.Prologue);
        Sequence forward = map(program.Forward);
        Sequence betweenSweeps = map(program.BetweenSweeps);
        Sequence reverse = map(program.Reverse);
        Sequence epilogue = map(program.Epilogue);
        bool same = ReferenceEquals(prologue, program.Prologue) && ReferenceEquals(forward, program.Forward)
            && ReferenceEquals(betweenSweeps, program.BetweenSweeps) && ReferenceEquals(reverse, program.Reverse)
            && ReferenceEquals(epilogue, program.Epilogue);
        return same ? program : program with
        {
            Prologue = prologue, Forward = forward, BetweenSweeps = betweenSweeps, Reverse = reverse, Epilogue = epilogue,
        };
    }
}
