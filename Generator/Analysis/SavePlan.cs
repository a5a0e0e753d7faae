using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Analysis;

/// <summary>
/// To-be-recorded analysis. The reverse sweep processes each statement with every variable holding the value it
/// had just before that statement ran; an overwrite must therefore be undone in the reverse sweep, but only
/// when some statement that can run earlier reads the overwritten variable in the reverse sweep. Such
/// overwrites save the old value; locals in loops whose value is a function of values that never change are
/// recomputed instead of saved.
/// </summary>
internal sealed class SavePlan
{
    private readonly HashSet<int> _savedStatements = new();
    private readonly HashSet<(int Statement, int Buffer)> _savedBuffers = new();
    private readonly HashSet<int> _recomputed = new();
    private readonly HashSet<int> _valueKeepable = new();
    private readonly HashSet<int> _withReverseWork = new();
    private readonly HashSet<int> _finalCopies = new();
    private readonly HashSet<int> _stable = new();

    /// <summary>The plan of the first pass: nothing saved, every statement visited.</summary>
    public static SavePlan Exploratory { get; } = new() { IsExploratory = true };

    public bool IsExploratory { get; private init; }

    /// <summary>Whether the assignment (or call result, or declaration in a loop) saves the value it overwrites.</summary>
    public bool SavesTarget(Statement statement) => _savedStatements.Contains(statement.Id);

    /// <summary>Whether a call saves the contents of a buffer it writes.</summary>
    public bool SavesBuffer(Statement statement, int buffer) => _savedBuffers.Contains((statement.Id, buffer));

    /// <summary>
    /// Whether a declaration inside a loop may keep its own value for the reverse sweep instead of the value it overwrites:
    /// a local assigned only there, at the top level of its loop's body before any jump, so every iteration assigns it
    /// before anything reads it. Its value is then saved after it is computed and put back at the top of the reverse
    /// iteration, which leaves the iterations independent (the undo of the previous iteration's value is not needed).
    /// Only where saved values are indexed by iteration: on a stack the load would come out of order.
    /// </summary>
    public bool CanKeepByValue(Declaration declaration) => _valueKeepable.Contains(declaration.Id);

    /// <summary>Whether a declaration inside a loop is recomputed at the top of its reverse iteration.</summary>
    public bool IsRecomputed(Declaration declaration) => _recomputed.Contains(declaration.Id);

    /// <summary>Whether the statement (or anything in it) has work in the reverse sweep.</summary>
    public bool HasReverseWork(Statement statement) => IsExploratory || _withReverseWork.Contains(statement.Id);

    /// <summary>
    /// Whether an expression has the same value wherever the reverse sweep evaluates it as in the forward sweep:
    /// it reads only parameters and locals assigned once outside loops, buffer lengths and unwritten buffers,
    /// loop counters, and recomputed locals.
    /// </summary>
    public bool IsStable(Expr expr)
    {
        if (IsExploratory)
        {
            return false;
        }

        var reads = new HashSet<int>();
        StatementIndex.Reads(expr, reads);
        return !ContainsConditional(expr) && reads.All(_stable.Contains) && !ReadsElements(expr);
    }

    /// <summary>Buffer parameters whose final contents are put back after the reverse sweep restored them.</summary>
    public IReadOnlyCollection<int> FinalCopies => _finalCopies;

    public static SavePlan Create(
        StatementIndex index,
        IReadOnlyDictionary<int, HashSet<int>> scalarReads,
        IReadOnlyDictionary<int, List<(int Buffer, Expr Index)>> elementReads,
        IReadOnlyCollection<int> ownReverseWork,
        bool keepsCallStates = false)
    {
        var plan = new SavePlan();
        var statements = new List<Statement>();
        Flatten(index.Method.Body, statements);
        var reverseReads = new ReverseReadSet(scalarReads, elementReads);
        var allReads = new HashSet<int>(scalarReads.Values.SelectMany(r => r).Concat(elementReads.Values.SelectMany(r => r.Select(e => e.Buffer))));

        plan.FindRecomputed(index, statements, allReads);

        foreach (Statement statement in statements)
        {
            switch (statement)
            {
                case Declaration declaration when index.IsInLoop(declaration) && !plan._recomputed.Contains(declaration.Id):
                    if (ReadBefore(index, statements, reverseReads, declaration, declaration.Variable, inclusive: true))
                    {
                        plan._savedStatements.Add(declaration.Id);
                    }

                    break;
                case Assignment assignment:
                {
                    int target = assignment.Target is VariableRef v ? v.Variable : ((ElementRef)assignment.Target).Buffer;
                    if (ReadBefore(index, statements, reverseReads, assignment, target, inclusive: true))
                    {
                        plan._savedStatements.Add(assignment.Id);
                    }

                    break;
                }

                case CallStatement call:
                    if (call.ResultVariable >= 0 && ReadBefore(index, statements, reverseReads, call, call.ResultVariable, inclusive: false))
                    {
                        plan._savedStatements.Add(call.Id);
                    }

                    for (int i = 0; i < call.Arguments.Count; i++)
                    {
                        Argument argument = call.Arguments[i];
                        if (!argument.IsBuffer || !call.Callee.Parameters[i].IsWritten
                            || !index.Variable(argument.Buffer).IsDifferentiableType)
                        {
                            continue;
                        }

                        // A generated gradient re-runs its method from the arguments' initial contents, so those are
                        // always kept; a rule, or a callee's backward pass given the state its forward pass kept, sees
                        // the contents after the call, so they are kept only when read earlier.
                        bool afterCall = call.Callee.IsRule || (keepsCallStates && call.Callee.SavedState is not null);
                        if (!afterCall || ReadBefore(index, statements, reverseReads, call, argument.Buffer, inclusive: false))
                        {
                            plan._savedBuffers.Add((call.Id, argument.Buffer));
                        }
                    }

                    break;
            }
        }

        foreach ((int statement, int buffer) in plan._savedBuffers)
        {
            if (index.Variable(buffer).Kind == VariableKind.Parameter)
            {
                plan._finalCopies.Add(buffer);
            }
        }

        foreach (Assignment assignment in statements.OfType<Assignment>())
        {
            if (assignment.Target is ElementRef element && plan._savedStatements.Contains(assignment.Id)
                && index.Variable(element.Buffer).Kind == VariableKind.Parameter)
            {
                plan._finalCopies.Add(element.Buffer);
            }
        }

        plan.MarkReverseWork(index.Method.Body, ownReverseWork);
        return plan;
    }

    private bool MarkReverseWork(Statement statement, IReadOnlyCollection<int> ownReverseWork)
    {
        bool work = ownReverseWork.Contains(statement.Id)
            || _savedStatements.Contains(statement.Id)
            || _savedBuffers.Any(s => s.Statement == statement.Id);
        switch (statement)
        {
            case Block block:
                foreach (Statement child in block.Statements)
                {
                    work |= MarkReverseWork(child, ownReverseWork);
                }

                break;
            case IfStatement conditional:
                work |= MarkReverseWork(conditional.Then, ownReverseWork);
                if (conditional.Else is not null)
                {
                    work |= MarkReverseWork(conditional.Else, ownReverseWork);
                }

                break;
            case Loop loop:
                work |= MarkReverseWork(loop.Initializer, ownReverseWork);
                work |= MarkReverseWork(loop.Body, ownReverseWork);
                work |= MarkReverseWork(loop.Increment, ownReverseWork);
                break;
        }

        if (work)
        {
            _withReverseWork.Add(statement.Id);
        }

        return work;
    }

    /// <summary>
    /// Whether some statement that can run before <paramref name="statement"/> (earlier in the source, or anywhere
    /// in a loop around it) reads <paramref name="variable"/> in the reverse sweep.
    /// </summary>
    private static bool ReadBefore(
        StatementIndex index,
        List<Statement> statements,
        ReverseReadSet reverseReads,
        Statement statement,
        int variable,
        bool inclusive)
    {
        Expr? writtenIndex = statement is Assignment { Target: ElementRef element } && element.Buffer == variable ? element.Index : null;
        IReadOnlyList<Loop> loops = index.EnclosingLoops(statement);

        // A local re-declared in each iteration of a loop is put back by its declaration's own save, which runs
        // in the reverse sweep between this iteration and the previous one: earlier iterations of such loops
        // cannot see what this statement overwrites.
        if (index.DefiningStatement(variable) is Statement definition && definition.Id != statement.Id)
        {
            IReadOnlyList<Loop> definitionLoops = index.EnclosingLoops(definition);
            loops = loops.Where(l => !definitionLoops.Contains(l)).ToArray();
        }

        foreach (Statement other in statements)
        {
            if (!reverseReads.Reads(other.Id, variable))
            {
                continue;
            }

            bool before = inclusive ? other.Id <= statement.Id : other.Id < statement.Id;
            if (before)
            {
                return true;
            }

            // A later statement in a shared loop runs before this one in an earlier iteration, unless the loop's
            // counter is the very index written here and the later statement reads only that element: then
            // earlier iterations touched other elements.
            foreach (Loop loop in loops)
            {
                bool shared = other.Id >= loop.Id && other.Id <= index.LastId(loop);
                bool disjoint = writtenIndex is VariableRef counter
                    && loop.Counter?.Variable == counter.Variable
                    && reverseReads.ReadsOnlyElement(other.Id, variable, writtenIndex);
                if (shared && !disjoint)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>What each statement's adjoint reads in the reverse sweep: scalars, and buffer elements by index.</summary>
    private sealed class ReverseReadSet
    {
        private readonly IReadOnlyDictionary<int, HashSet<int>> _scalars;
        private readonly IReadOnlyDictionary<int, List<(int Buffer, Expr Index)>> _elements;

        public ReverseReadSet(IReadOnlyDictionary<int, HashSet<int>> scalars, IReadOnlyDictionary<int, List<(int Buffer, Expr Index)>> elements)
        {
            _scalars = scalars;
            _elements = elements;
        }

        public bool Reads(int statement, int variable) =>
            (_scalars.TryGetValue(statement, out HashSet<int>? scalars) && scalars.Contains(variable))
            || (_elements.TryGetValue(statement, out List<(int Buffer, Expr Index)>? elements) && elements.Any(e => e.Buffer == variable));

        /// <summary>Whether the statement reads the buffer only element-wise, and only at <paramref name="elementIndex"/>.</summary>
        public bool ReadsOnlyElement(int statement, int buffer, Expr elementIndex) =>
            !(_scalars.TryGetValue(statement, out HashSet<int>? scalars) && scalars.Contains(buffer))
            && (!_elements.TryGetValue(statement, out List<(int Buffer, Expr Index)>? elements)
                || elements.Where(e => e.Buffer == buffer).All(e => e.Index.Equals(elementIndex)));
    }

    private void FindRecomputed(StatementIndex index, List<Statement> statements, HashSet<int> allReads)
    {
        HashSet<int> stable = _stable;
        for (int id = 0; id < index.Method.Variables.Count; id++)
        {
            Variable variable = index.Variable(id);
            bool isStable = variable.Kind switch
            {
                VariableKind.Parameter => variable.IsBuffer ? !index.IsWrittenBuffer(id) : index.AssignmentCount(id) == 0,
                VariableKind.LoopCounter => true,
                VariableKind.Local when variable.IsBuffer => !index.IsWrittenBuffer(id),
                VariableKind.Local => index.AssignmentCount(id) == 1 && variable.DeclaringLoopDepth == 0,
                _ => false,
            };
            if (isStable)
            {
                stable.Add(id);
            }
        }

        foreach (Loop loop in statements.OfType<Loop>())
        {
            bool jumpSeen = false;
            foreach (Statement statement in loop.Body.Statements)
            {
                if (statement is Declaration { Initializer: { } initializer } declaration
                    && !jumpSeen
                    && allReads.Contains(declaration.Variable)
                    && index.AssignmentCount(declaration.Variable) == 1
                    && !ContainsConditional(initializer))
                {
                    var reads = new HashSet<int>();
                    StatementIndex.Reads(initializer, reads);
                    if (reads.All(stable.Contains))
                    {
                        _recomputed.Add(declaration.Id);
                        stable.Add(declaration.Variable);
                    }
                }

                if (statement is Declaration { Initializer: not null } kept && !jumpSeen && index.AssignmentCount(kept.Variable) == 1
                    && !_recomputed.Contains(kept.Id))
                {
                    _valueKeepable.Add(kept.Id);
                }

                jumpSeen |= ContainsJump(statement);
            }
        }
    }

    private static bool ContainsConditional(Expr expr) => expr switch
    {
        Conditional => true,
        Unary u => ContainsConditional(u.Operand),
        Binary b => ContainsConditional(b.Left) || ContainsConditional(b.Right),
        Conversion c => ContainsConditional(c.Operand),
        Intrinsic i => i.Arguments.Any(ContainsConditional),
        ElementRef e => ContainsConditional(e.Index),
        _ => false,
    };

    private bool ReadsElements(Expr expr) => expr switch
    {
        ElementRef e => !_stable.Contains(e.Buffer) || ReadsElements(e.Index),
        Unary u => ReadsElements(u.Operand),
        Binary b => ReadsElements(b.Left) || ReadsElements(b.Right),
        Conversion c => ReadsElements(c.Operand),
        Intrinsic i => i.Arguments.Any(ReadsElements),
        _ => false,
    };

    private static bool ContainsJump(Statement statement) => statement switch
    {
        Jump => true,
        Block block => block.Statements.Any(ContainsJump),
        IfStatement conditional => ContainsJump(conditional.Then) || (conditional.Else is not null && ContainsJump(conditional.Else)),
        Loop loop => ContainsJump(loop.Body),
        _ => false,
    };

    public static void Flatten(Statement statement, List<Statement> into)
    {
        into.Add(statement);
        switch (statement)
        {
            case Block block:
                foreach (Statement child in block.Statements)
                {
                    Flatten(child, into);
                }

                break;
            case IfStatement conditional:
                Flatten(conditional.Then, into);
                if (conditional.Else is not null)
                {
                    Flatten(conditional.Else, into);
                }

                break;
            case Loop loop:
                Flatten(loop.Initializer, into);
                Flatten(loop.Body, into);
                Flatten(loop.Increment, into);
                break;
        }
    }
}
