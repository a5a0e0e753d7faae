using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Analysis;

/// <summary>
/// Activity over an adjoint program, for the tangent transformation of the gradient (Hessian-vector products): which
/// locals and saved slots can hold values whose derivative along the directions is not 0. Seeded with the active
/// parameters, it follows every write of the program to a fixed point, the reverse sweep's adjoints included. Span
/// locals that alias one buffer (a span of a pooled buffer, a copy of one span into another) share their activity. An
/// over-approximation only costs a tangent that stays 0.
/// </summary>
internal sealed class ProgramActivity
{
    private readonly AdjointProgram _program;
    private readonly System.Func<Invocation, int, bool> _writes;
    private readonly int[] _alias;
    private readonly HashSet<int> _active = new();
    private readonly HashSet<int> _activeSlots = new();
    private bool _changed;

    private ProgramActivity(AdjointProgram program, System.Func<Invocation, int, bool> writes)
    {
        _program = program;
        _writes = writes;
        _alias = new int[program.Locals.Count];
        for (int i = 0; i < _alias.Length; i++)
        {
            _alias[i] = i;
        }
    }

    /// <param name="program">The program.</param>
    /// <param name="activeLocals">The locals whose tangents are given (the directions).</param>
    /// <param name="writes">
    /// Whether a call writes its argument at a position (a span a callee writes, an adjoint a gradient or rule adds
    /// into): a call with an active argument makes every argument it writes active.
    /// </param>
    public static ProgramActivity Run(AdjointProgram program, IEnumerable<int> activeLocals, System.Func<Invocation, int, bool>? writes = null)
    {
        var activity = new ProgramActivity(program, writes ?? ((_, _) => false));
        Sequence whole = program.Whole();
        CodeWalker.Visit(whole, activity.Unite);
        foreach (int local in activeLocals)
        {
            activity.Activate(local);
        }

        do
        {
            activity._changed = false;
            CodeWalker.Visit(whole, activity.Propagate);
        }
        while (activity._changed);

        return activity;
    }

    /// <summary>Whether the local carries a tangent.</summary>
    public bool HasTangent(int local) => _active.Contains(Root(local));

    /// <summary>Whether the slot's saved value carries a tangent.</summary>
    public bool IsSlotActive(int slot) => _activeSlots.Contains(slot);

    /// <summary>Whether the expression is a float or double that reads a value that carries a tangent (an int made from one has none).</summary>
    public bool IsActive(Expr expr) => expr.Type is ScalarType.Float or ScalarType.Double && ExprWalker.Any(expr, e => e switch
    {
        VariableRef variable => HasTangent(variable.Variable),
        ElementRef element => HasTangent(element.Buffer),
        SpanOf span => HasTangent(span.Buffer),
        Saved saved => IsSlotActive(saved.Slot),
        _ => false,
    });

    /// <summary>The local a span expression (a buffer local, or part of one) is a view of, or −1.</summary>
    public static int BufferOf(Expr expr) => expr switch
    {
        SpanOf span => span.Buffer,
        VariableRef variable => variable.Variable,
        _ => -1,
    };

    private bool IsBufferLocal(int local) => !_program.Locals[local].Shape.IsValue();

    private void Unite(Code code)
    {
        switch (code)
        {
            case Declare { Value: { } value } declare when IsBufferLocal(declare.Local) && BufferOf(value) is int source and >= 0:
                Union(declare.Local, source);
                break;
            case Assign { Target: VariableRef target } assign when IsBufferLocal(target.Variable) && BufferOf(assign.Value) is int source and >= 0:
                Union(target.Variable, source);
                break;
            case CopySpan copy when BufferOf(copy.Source) is int source and >= 0 && BufferOf(copy.Destination) is int destination and >= 0:
                Union(source, destination);
                break;
        }
    }

    private void Propagate(Code code)
    {
        switch (code)
        {
            case Declare { Value: { } value } declare when !IsBufferLocal(declare.Local) && IsActive(value):
                Activate(declare.Local);
                break;
            case Assign assign when !(assign.Target is VariableRef target && IsBufferLocal(target.Variable)) && IsActive(assign.Value):
                Activate(Written(assign.Target));
                break;
            case Accumulate accumulate when IsActive(accumulate.Value):
                Activate(Written(accumulate.Target));
                break;
            case Save save when IsActive(save.Value) && _activeSlots.Add(save.Slot):
                _changed = true;
                break;
        }

        Expr? called = code is Evaluate evaluate ? evaluate.Expression : code is Assign assigned ? assigned.Value : null;
        if (called is Invocation call)
        {
            PropagateCall(call);
        }
    }

    /// <summary>A call with an active argument activates what it writes (a reference's target, a span's buffer).</summary>
    private void PropagateCall(Invocation call)
    {
        if (!call.Arguments.Any(IsActive))
        {
            return;
        }

        for (int i = 0; i < call.Arguments.Count; i++)
        {
            if (_writes(call, i))
            {
                Activate(call.Arguments[i] is RefTo reference ? Written(reference.Target) : BufferOf(call.Arguments[i]));
            }
        }
    }

    /// <summary>The local an assignment's target writes (a variable, or an element's buffer), or −1.</summary>
    public static int Written(Expr target) => target switch
    {
        VariableRef variable => variable.Variable,
        ElementRef element => element.Buffer,
        _ => -1,
    };

    private void Activate(int local)
    {
        if (local >= 0 && _program.Locals[local].Type is ScalarType.Float or ScalarType.Double && _active.Add(Root(local)))
        {
            _changed = true;
        }
    }

    private int Root(int local)
    {
        while (_alias[local] != local)
        {
            _alias[local] = _alias[_alias[local]];
            local = _alias[local];
        }

        return local;
    }

    private void Union(int a, int b)
    {
        int rootA = Root(a);
        int rootB = Root(b);
        if (rootA != rootB)
        {
            _alias[rootB] = rootA;
        }
    }
}
