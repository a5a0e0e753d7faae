using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

/// <summary>
/// Hessian-vector products, forward over reverse: the gradient's adjoint program (before the passes) in, the same
/// program with every statement preceded by its tangent along the directions out. The tangent of each adjoint is then
/// the derivative of the gradient along the directions, H·v; the tangents of the contract's adjoints are the Hv
/// adjoints. What the forward sweep saves, it saves with its tangent (the tangent just after the value, so a save
/// stack gives the tangent back first), and what the reverse sweep restores, it restores with its tangent. The rules
/// are those of every mode (<see cref="Linearizer"/>); the passes then optimise the combined program like a gradient.
/// One file per construct (HessianVectorMode_*.cs).
/// </summary>
internal sealed partial class HessianVectorMode : ITangentSpace
{
    private readonly MethodModel _method;
    private readonly AdjointProgram _gradient;
    private readonly ProgramActivity _activity;
    private readonly HashSet<int> _directions;
    private readonly StatementIndex _index;
    private readonly List<Local> _locals;
    private readonly List<SaveSlot> _slots;
    private readonly Dictionary<int, int> _tangents = new();
    private readonly Dictionary<int, int> _slotTangents = new();
    private readonly List<Code> _prologue = new();
    private readonly List<Code> _disposals = new();
    private readonly Linearizer _linearizer;
    private readonly bool _seeded;
    private readonly int _seed;
    private readonly Dictionary<string, CallSite> _calls;

    private HessianVectorMode(MethodModel method, AdjointProgram gradient, IEnumerable<int> activeParameters, bool seeded)
    {
        _method = method;
        _gradient = gradient;
        _seeded = seeded;
        _locals = gradient.Locals.ToList();
        _seed = _locals.FindIndex(l => l.Role == LocalRole.Temporary && !l.Numbered && l.Stem == "seed");
        _directions = new HashSet<int>(activeParameters);
        _calls = CallSites(method);
        var given = new HashSet<int>(_directions);
        if (seeded && _seed >= 0)
        {
            // The seeded product's seed is a parameter with a tangent of its own.
            given.Add(_seed);
            _tangents[_seed] = AddLocal(new Local("seedTangent", _locals[_seed].Type, LocalShape.Scalar, LocalRole.Tangent, Numbered: false));
        }

        if (seeded)
        {
            // Its adjoints come in with tangents too (the caller's Hv adjoints): a written span's adjoint is read.
            for (int local = 0; local < _locals.Count; local++)
            {
                if (_locals[local].Role == LocalRole.Adjoint && !_locals[local].Numbered)
                {
                    given.Add(local);
                }
            }
        }

        _activity = ProgramActivity.Run(gradient, given, Writes);
        _index = new StatementIndex(method);
        _slots = gradient.Slots.ToList();
        _linearizer = new Linearizer(this);
    }

    /// <summary>
    /// The Hessian-vector program of the method whose gradient program (before the passes) is <paramref name="gradient"/>;
    /// <paramref name="seeded"/> keeps the seed a parameter, with its tangent <c>seedTangent</c> (the tangent of <c>MGradient</c>).
    /// </summary>
    public static AdjointProgram Differentiate(MethodModel method, AdjointProgram gradient, IEnumerable<int> activeParameters, bool seeded = false) =>
        new HessianVectorMode(method, gradient, activeParameters, seeded).Build();

    private AdjointProgram Build()
    {
        // The product is of the result itself: its adjoint starts at 1, a constant (the seeded product takes it).
        var prologue = new List<Code>();
        if (_seed >= 0 && !_seeded)
        {
            prologue.Add(new Declare(_seed, One(_locals[_seed].Type)));
        }

        prologue.AddRange(Transform(_gradient.Prologue).Items);
        Sequence forward = Transform(_gradient.Forward);
        Sequence betweenSweeps = Transform(_gradient.BetweenSweeps);
        Sequence reverse = Transform(_gradient.Reverse);
        var epilogue = Transform(_gradient.Epilogue).Items.ToList();

        // Directions of written spans are copied where the tangent can change (see TangentLocal), after the declarations.
        prologue.AddRange(_prologue);
        epilogue.AddRange(_disposals);
        return _gradient with
        {
            Locals = _locals.ToEquatableArray(),
            Slots = _slots.ToEquatableArray(),
            Prologue = ToSequence(prologue),
            Forward = forward,
            BetweenSweeps = betweenSweeps,
            Reverse = reverse,
            Epilogue = ToSequence(epilogue),
            Mode = ProgramMode.HessianVector,
        };
    }

    // ---- Statements --------------------------------------------------------------------------------

    private Sequence Transform(Sequence sequence)
    {
        var code = new List<Code>();
        foreach (Code item in sequence.Items)
        {
            Transform(item, code);
        }

        return ToSequence(code);
    }

    /// <summary>Writes a statement of the gradient program, preceded by its tangent, into <paramref name="code"/>.</summary>
    private void Transform(Code statement, List<Code> code)
    {
        switch (statement)
        {
            case Sequence sequence:
                code.Add(Transform(sequence));
                break;
            case Commented commented:
                code.Add(commented with { Body = Transform(commented.Body) });
                break;
            case Section section:
                code.Add(section with { Body = Transform(section.Body) });
                break;
            case If conditional:
                code.Add(conditional with { Then = Transform(conditional.Then), Else = conditional.Else is null ? null : Transform(conditional.Else) });
                break;
            case LoopCode loop:
                code.Add(loop with { Step = Transform(loop.Step), Body = Transform(loop.Body) });
                break;
            case Declare declare:
                TransformDeclare(declare, code);
                break;
            case Evaluate { Expression: Invocation invocation } when SiteOf(invocation) is CallSite site:
                TransformCall(site, invocation, null, code);
                break;
            case Assign { Operator: "", Value: Invocation invocation } assign when SiteOf(invocation) is CallSite site:
                TransformCall(site, invocation, assign.Target, code);
                break;
            case Assign assign:
                TransformAssign(assign, code);
                break;
            case Accumulate accumulate:
                TransformAccumulate(accumulate, code);
                break;
            case Save save:
                TransformSave(save, code);
                break;
            case DeclareBuffer buffer:
                TransformBuffer(buffer, code);
                break;
            case Dispose dispose:
                TransformDispose(dispose, code);
                break;
            case CopySpan copy:
                TransformCopy(copy, code);
                break;
            case Evaluate { Expression: Invocation invocation } evaluate when !invocation.Arguments.Any(_activity.IsActive)
                || invocation.Method == "global::SourceGrad.NonFiniteGradients.Check":
                code.Add(evaluate);
                break;
            case StackRange range:
                TransformStackRange(range, code);
                break;
            case Evaluate or Push or StoreVector:
                // Every call of the gradient program is a call site; these come only from the passes.
                throw new System.InvalidOperationException("no Hessian-vector product for " + statement.GetType().Name);
            default:
                // Jumps, labels, comments, returns and storage markers: control and layout, the same for the tangents.
                code.Add(statement);
                break;
        }
    }

    // ---- Locals --------------------------------------------------------------------------------------

    private int AddLocal(Local local)
    {
        _locals.Add(local);
        return _locals.Count - 1;
    }

    private bool HasTangent(int local) => local >= 0 && _activity.HasTangent(local);

    /// <summary>
    /// The tangent of a local of the gradient program: the contract's direction <c>vX</c> for an active parameter (a
    /// pooled copy of it when the method writes the span), the contract's <c>hvX</c> for the contract's adjoint
    /// <c>dX</c>, else a local beside it, of its shape.
    /// </summary>
    private int TangentLocal(int local)
    {
        if (_tangents.TryGetValue(local, out int tangent))
        {
            return tangent;
        }

        Local of = _locals[local];
        string primalName = of.Of >= 0 ? _method.Variables[of.Of].Name : of.Stem;
        if (of.Role == LocalRole.Primal && _method.Variables[local].Kind == VariableKind.Parameter)
        {
            tangent = ParameterTangent(local, of);
        }
        else if (of.Role == LocalRole.Adjoint && !of.Numbered)
        {
            tangent = AddLocal(new Local(Recognition.Types.HessianVectorName(primalName), of.Type, of.Shape, LocalRole.AdjointTangent, of.Of, Numbered: false));
        }
        else
        {
            LocalShape shape = of.Shape is LocalShape.Array or LocalShape.ReadOnlySpan ? LocalShape.Span : of.Shape;
            tangent = AddLocal(new Local(of.Stem, of.Type, shape, of.Role == LocalRole.Adjoint ? LocalRole.AdjointTangent : LocalRole.Tangent, of.Of));
        }

        _tangents[local] = tangent;
        return tangent;
    }

    /// <summary>A parameter's tangent: its direction, or a buffer initialised from it (or zeroed, for a [NoGrad] one).</summary>
    private int ParameterTangent(int parameter, Local of)
    {
        Variable variable = _method.Variables[parameter];
        bool direction = _directions.Contains(parameter);
        if (!variable.IsBuffer)
        {
            if (direction)
            {
                return AddLocal(new Local(Recognition.Types.DirectionName(variable.Name), of.Type, LocalShape.Scalar, LocalRole.Tangent, parameter, Numbered: false));
            }

            int zero = AddLocal(new Local(variable.Name, of.Type, LocalShape.Scalar, LocalRole.Tangent, parameter));
            _prologue.Add(new Declare(zero, Zero(of.Type)));
            return zero;
        }

        int given = direction
            ? AddLocal(new Local(Recognition.Types.DirectionName(variable.Name), of.Type, LocalShape.ReadOnlySpan, LocalRole.Tangent, parameter, Numbered: false))
            : -1;
        if (direction && !_index.IsWrittenBuffer(parameter))
        {
            return given;
        }

        // The method writes the span, so its tangent changes too: a pooled copy of the direction (zeros without one).
        int pooled = AddLocal(new Local(variable.Name + "Buffer", of.Type, LocalShape.PooledBuffer, LocalRole.Tangent, parameter));
        int span = AddLocal(new Local(variable.Name, of.Type, LocalShape.Span, LocalRole.Tangent, parameter));
        _prologue.Add(new DeclareBuffer(pooled, new LengthOf(parameter), BufferStorage.Pooled));
        _prologue.Add(new Declare(span, new SpanOf(of.Type, pooled, null, null)));
        if (given >= 0)
        {
            _prologue.Add(new CopySpan(new VariableRef(of.Type, given), new SpanOf(of.Type, span, null, null)));
        }

        _disposals.Add(new Dispose(pooled));
        return span;
    }

    private VariableRef Ref(int local) => new(_locals[local].Type, local);

    /// <summary>The tangent of a slot: a slot beside it, in the same loops.</summary>
    private int SlotTangent(int slot)
    {
        if (!_slotTangents.TryGetValue(slot, out int tangent))
        {
            tangent = _slots.Count;
            _slots.Add(_slots[slot] with { Id = tangent });
            _slotTangents[slot] = tangent;
        }

        return tangent;
    }

    private static Literal One(ScalarType type) => Recognition.MethodRecognizer.Constant(type, type == ScalarType.Float ? 1f : (object)1d);

    // ---- Linearisation -------------------------------------------------------------------------------

    bool ITangentSpace.IsActive(Expr expr) => _activity.IsActive(expr);

    Expr? ITangentSpace.TangentOfLeaf(Expr leaf) => leaf switch
    {
        VariableRef variable when HasTangent(variable.Variable) => Ref(TangentLocal(variable.Variable)),
        ElementRef element when HasTangent(element.Buffer) => element with { Buffer = TangentLocal(element.Buffer) },
        _ => null,
    };

    VariableRef ITangentSpace.Temp(Expr value, List<Code> code, string stem)
    {
        int local = AddLocal(new Local(stem, value.Type, LocalShape.Scalar, LocalRole.Temporary));
        code.Add(new Declare(local, value));
        return Ref(local);
    }

    /// <summary>
    /// An expression and its tangent (null when it is 0), its shared values hoisted into <paramref name="code"/>. Only
    /// arithmetic on variables and elements has a tangent here: an active value of any other kind is a bug, not a 0.
    /// </summary>
    private (Expr Primal, Expr? Tangent) Linearize(Expr expr, List<Code> code)
    {
        if (ExprWalker.Any(expr, e => (e is Saved or Invocation or Popped or SpanOf or LoadVector or RefTo) && _activity.IsActive(e)))
        {
            throw new System.InvalidOperationException("no tangent for the active value " + expr);
        }

        return _linearizer.Linearize(expr, code);
    }
}
