using System.Collections.Generic;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Analysis;

/// <summary>
/// Facts about the statement tree that later stages look up: each statement's enclosing loops, how often each
/// variable is assigned, which buffers are written, and the expressions' variable reads.
/// </summary>
internal sealed class StatementIndex
{
    private readonly Dictionary<int, IReadOnlyList<Loop>> _enclosingLoops = new();
    private readonly Dictionary<int, int> _assignmentCounts = new();
    private readonly HashSet<int> _writtenBuffers = new();
    private readonly Dictionary<int, int> _lastId = new();
    private readonly Dictionary<int, Statement> _definitions = new();

    public StatementIndex(MethodModel method)
    {
        Method = method;
        Visit(method.Body, new List<Loop>());
    }

    public MethodModel Method { get; }

    public IReadOnlyList<Loop> EnclosingLoops(Statement statement) =>
        _enclosingLoops.TryGetValue(statement.Id, out IReadOnlyList<Loop>? loops) ? loops : System.Array.Empty<Loop>();

    public bool IsInLoop(Statement statement) => EnclosingLoops(statement).Count > 0;

    /// <summary>The largest statement id inside <paramref name="statement"/> (its own id when it has no children).</summary>
    public int LastId(Statement statement) => _lastId.TryGetValue(statement.Id, out int last) ? last : statement.Id;

    public int AssignmentCount(int variable) => _assignmentCounts.TryGetValue(variable, out int count) ? count : 0;

    public bool IsWrittenBuffer(int buffer) => _writtenBuffers.Contains(buffer);

    public Variable Variable(int id) => Method.Variables[id];

    /// <summary>The declaration of a local, or the call whose result a generator-made local holds.</summary>
    public Statement? DefiningStatement(int variable) => _definitions.TryGetValue(variable, out Statement? s) ? s : null;

    private int Visit(Statement statement, List<Loop> loops)
    {
        _enclosingLoops[statement.Id] = loops.ToArray();
        int last = statement.Id;
        switch (statement)
        {
            case Block block:
                foreach (Statement child in block.Statements)
                {
                    last = System.Math.Max(last, Visit(child, loops));
                }

                break;
            case Declaration declaration:
                Count(declaration.Variable);
                _definitions[declaration.Variable] = declaration;
                break;
            case Assignment { Target: VariableRef variable }:
                Count(variable.Variable);
                break;
            case Assignment { Target: ElementRef element }:
                _writtenBuffers.Add(element.Buffer);
                break;
            case CallStatement call:
                if (call.ResultVariable >= 0)
                {
                    Count(call.ResultVariable);
                    _definitions[call.ResultVariable] = call;
                }

                for (int i = 0; i < call.Arguments.Count; i++)
                {
                    if (call.Arguments[i].IsBuffer && call.Callee.Parameters[i].IsWritten)
                    {
                        _writtenBuffers.Add(call.Arguments[i].Buffer);
                    }
                }

                break;
            case IfStatement conditional:
                last = System.Math.Max(last, Visit(conditional.Then, loops));
                if (conditional.Else is not null)
                {
                    last = System.Math.Max(last, Visit(conditional.Else, loops));
                }

                break;
            case Loop loop:
            {
                last = System.Math.Max(last, Visit(loop.Initializer, loops));
                var inner = new List<Loop>(loops) { loop };
                last = System.Math.Max(last, Visit(loop.Body, inner));
                last = System.Math.Max(last, Visit(loop.Increment, inner));
                break;
            }
        }

        _lastId[statement.Id] = last;
        return last;
    }

    private void Count(int variable) =>
        _assignmentCounts[variable] = AssignmentCount(variable) + 1;

    /// <summary>Every variable an expression reads (including indices and lengths).</summary>
    public static void Reads(Expr expr, HashSet<int> into)
    {
        switch (expr)
        {
            case VariableRef v:
                into.Add(v.Variable);
                break;
            case ElementRef e:
                into.Add(e.Buffer);
                Reads(e.Index, into);
                break;
            case LengthOf:
                // A buffer's length never changes: reading it depends on no saved state.
                break;
            case Unary u:
                Reads(u.Operand, into);
                break;
            case Binary b:
                Reads(b.Left, into);
                Reads(b.Right, into);
                break;
            case Conditional c:
                Reads(c.Condition, into);
                Reads(c.WhenTrue, into);
                Reads(c.WhenFalse, into);
                break;
            case Conversion c:
                Reads(c.Operand, into);
                break;
            case Intrinsic i:
                foreach (Expr argument in i.Arguments)
                {
                    Reads(argument, into);
                }

                break;
        }
    }

    /// <summary>The variables whose values flow into a float or double result (not through indices or conditions).</summary>
    public static void DifferentiableReads(Expr expr, HashSet<int> into)
    {
        if (expr.Type is not (ScalarType.Float or ScalarType.Double))
        {
            return;
        }

        switch (expr)
        {
            case VariableRef v:
                into.Add(v.Variable);
                break;
            case ElementRef e:
                into.Add(e.Buffer);
                break;
            case Unary u:
                DifferentiableReads(u.Operand, into);
                break;
            case Binary b:
                DifferentiableReads(b.Left, into);
                DifferentiableReads(b.Right, into);
                break;
            case Conditional c:
                DifferentiableReads(c.WhenTrue, into);
                DifferentiableReads(c.WhenFalse, into);
                break;
            case Conversion c:
                DifferentiableReads(c.Operand, into);
                break;
            case Intrinsic i:
                foreach (Expr argument in i.Arguments)
                {
                    DifferentiableReads(argument, into);
                }

                break;
        }
    }
}
