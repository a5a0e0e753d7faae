using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Emission;

/// <summary>
/// Prints an adjoint program's body as C#, and nothing else: every decision was made by differentiation and the
/// passes. Generated names are given here, in reading order, so they are stable and never collide with the user's.
/// </summary>
internal sealed class ProgramPrinter
{
    private readonly AdjointProgram _program;
    private readonly Names _names;
    private readonly ExpressionPrinter _expressions;
    private readonly Dictionary<int, string> _localNames = new();
    private readonly Dictionary<int, string> _labelNames = new();
    private readonly Dictionary<int, string> _labelStems = new();
    private SourceWriter _writer;

    private ProgramPrinter(MethodModel method, AdjointProgram program, SourceWriter writer)
    {
        _program = program;
        _names = new Names(method, program.Mode);
        _writer = writer;
        _expressions = new ExpressionPrinter(NameOf, local => program.Locals[local].Shape);
        CodeWalker.Visit(new Sequence(new Code[] { program.Prologue, program.Forward, program.BetweenSweeps, program.Reverse, program.Epilogue }.ToEquatableArray()), code =>
        {
            if (code is LabelMark label)
            {
                _labelStems[label.Label] = label.Stem;
            }
        });
    }

    /// <summary>Writes the body of the gradient method at the writer's indentation.</summary>
    public static void Print(MethodModel method, AdjointProgram program, SourceWriter writer) =>
        new ProgramPrinter(method, program, writer).PrintBody();

    /// <summary>A printer of the parts of <paramref name="program"/> with one naming for all (split mode prints two methods from one program).</summary>
    public static ProgramPrinter ForParts(MethodModel method, AdjointProgram program) => new(method, program, new SourceWriter());

    /// <summary>Prints <paramref name="part"/> into <paramref name="writer"/> at its indentation.</summary>
    public void PrintPart(Sequence part, SourceWriter writer, bool endsBlock = true)
    {
        _writer = writer;
        PrintSequence(part, endsBlock);
    }

    /// <summary>An expression as C#.</summary>
    public string PrintExpression(Expr expr) => Print(expr);

    /// <summary>The generated name of a local.</summary>
    public string NameOf(int local)
    {
        if (_localNames.TryGetValue(local, out string? name))
        {
            return name;
        }

        Local variable = _program.Locals[local];
        name = variable.Role switch
        {
            LocalRole.Primal => _names.Of(local),
            LocalRole.Adjoint when !variable.Numbered => variable.Stem,
            LocalRole.Adjoint => _names.Fresh("_d" + Capitalized(variable.Stem)),
            LocalRole.Tangent when !variable.Numbered => variable.Stem,
            LocalRole.Tangent => _names.Fresh("_t" + Capitalized(variable.Stem)),
            LocalRole.AdjointTangent when !variable.Numbered => variable.Stem,
            LocalRole.AdjointTangent => _names.Fresh("_hv" + Capitalized(variable.Stem)),
            _ when !variable.Numbered && variable.Stem == "seed" => "seed",
            _ when !variable.Numbered => _names.Fresh(variable.Stem),
            _ => _names.Numbered(variable.Stem),
        };
        _localNames[local] = name;
        return name;
    }

    private string LabelName(int label)
    {
        if (!_labelNames.TryGetValue(label, out string? name))
        {
            string stem = _labelStems.TryGetValue(label, out string? s) ? s : "_label";
            name = stem == "_reverse" ? _names.Fresh(stem) : _names.Numbered(stem);
            _labelNames[label] = name;
        }

        return name;
    }

    private static string Capitalized(string name)
    {
        string stem = name.TrimStart('_', '@');
        return stem.Length == 0 ? "Value" : char.ToUpperInvariant(stem[0]) + stem.Substring(1);
    }

    private void PrintBody()
    {
        PrintSequence(_program.Prologue);
        if (!_program.Prologue.IsEmpty)
        {
            _writer.BlankLine();
        }

        if (_program.Mode == ProgramMode.Tangent)
        {
            // A tangent program is its one sweep, which returns where the method returns.
            _writer.Line("// One sweep: each statement after its tangent, computed from the values the statement reads.");
            PrintSequence(_program.Forward);
            return;
        }

        _writer.Line("// Forward sweep: the original computation, keeping what the reverse sweep needs.");
        PrintSequence(_program.Forward);
        _writer.BlankLine();
        PrintSequence(_program.BetweenSweeps, endsBlock: _program.Reverse.IsEmpty && _program.Epilogue.IsEmpty && _program.Result is null);
        _writer.Line("// Reverse sweep: adjoints in reverse order, each below the statement it differentiates.");
        PrintSequence(_program.Reverse);
        if (!_program.Epilogue.IsEmpty)
        {
            _writer.BlankLine();
            PrintSequence(_program.Epilogue);
        }

        if (_program.Result is not null)
        {
            _writer.Line($"return {Print(_program.Result)};");
        }
    }

    private void PrintSequence(Sequence sequence, bool endsBlock = true)
    {
        for (int i = 0; i < sequence.Items.Count; i++)
        {
            bool last = endsBlock && i == sequence.Items.Count - 1;
            PrintCode(sequence.Items[i], last);
        }
    }

    private string Print(Expr expr) => _expressions.Print(expr);

    private string TypeOf(int local) => ExpressionPrinter.TypeName(_program.Locals[local]);

    private void PrintCode(Code code, bool lastInBlock)
    {
        switch (code)
        {
            case Sequence sequence:
                PrintSequence(sequence, lastInBlock);
                break;
            case Commented commented:
                if (commented.Sweep == Sweep.Reverse && commented.Source.Length > 0)
                {
                    _writer.Line("// " + commented.Source);
                }

                PrintSequence(commented.Body, lastInBlock);
                break;
            case Section section:
                _writer.Line("// " + section.Title);
                PrintSequence(section.Body, lastInBlock);
                break;
            case Comment comment:
                _writer.Line("// " + comment.Text);
                break;
            case BlankLine:
                _writer.BlankLine();
                break;
            case Declare declare:
                _writer.Line($"{TypeOf(declare.Local)} {NameOf(declare.Local)} = {(declare.Value is null ? "default" : Print(declare.Value))};");
                break;
            case Assign assign:
                _writer.Line(Statement(assign) + ";");
                break;
            case Accumulate accumulate:
                _writer.Line($"{Print(accumulate.Target)} += {Print(accumulate.Value)};");
                break;
            case If conditional:
                PrintIf(conditional, "if");
                break;
            case LoopCode loop:
                PrintLoop(loop);
                break;
            case Break:
                _writer.Line("break;");
                break;
            case Continue:
                _writer.Line("continue;");
                break;
            case Goto jump:
                _writer.Line($"goto {LabelName(jump.Label)};");
                break;
            case LabelMark label:
                // A label must label a statement: at the end of a block it labels an empty one.
                _writer.Label(LabelName(label.Label) + ":" + (lastInBlock ? " ;" : ""));
                break;
            case Return ret:
                _writer.Line(ret.Value is null ? "return;" : $"return {Print(ret.Value)};");
                break;
            case Evaluate evaluate:
                _writer.Line(Print(evaluate.Expression) + ";");
                break;
            case DeclareBuffer buffer:
                PrintBuffer(buffer);
                break;
            case Dispose dispose:
                _writer.Line($"{NameOf(dispose.Local)}.Dispose();");
                break;
            case CopySpan copy:
                _writer.Line($"{Print(copy.Source)}.CopyTo({Print(copy.Destination)});");
                break;
            case StackRange range:
                string operation = range.Operation switch { RangeOperation.Push => "PushRange", RangeOperation.Peek => "PeekRange", _ => "PopRange" };
                _writer.Line($"{NameOf(range.Stack)}.{operation}({Print(range.Span)}{(range.Depth is null ? "" : ", " + Print(range.Depth))});");
                break;
            case Push push:
                _writer.Line($"{NameOf(push.Stack)}.Push({Print(push.Value)});");
                break;
            case StoreVector store:
                _writer.Line($"{ExpressionPrinter.VectorClass(store.Width)}.StoreUnsafe({Print(store.Vector)}, {_expressions.PrintLanes(store.Span)});");
                break;
            default:
                throw new System.InvalidOperationException($"the printer has no form for {code.GetType().Name} (a pass should have lowered it)");
        }
    }

    /// <summary>An assignment without its semicolon (also the form of a loop's step: <c>i++</c>).</summary>
    private string Statement(Assign assign)
    {
        string target = Print(assign.Target);
        if (assign.Operator is "+" or "-" && assign.Value is Literal { Code: "1" })
        {
            return target + (assign.Operator == "+" ? "++" : "--");
        }

        return $"{target} {assign.Operator}= {Print(assign.Value)}";
    }

    /// <summary><c>if … else if … else</c>: an else holding only another if continues the chain.</summary>
    private void PrintIf(If conditional, string keyword)
    {
        Block($"{keyword} ({Print(conditional.Condition)})", conditional.Then);
        if (conditional.Else is { Items.Count: 1 } otherwise && otherwise.Items[0] is If next)
        {
            PrintIf(next, "else if");
        }
        else if (conditional.Else is not null)
        {
            Block("else", conditional.Else);
        }
    }

    private void PrintLoop(LoopCode loop)
    {
        string condition = loop.Condition is null ? "" : Print(loop.Condition);
        switch (loop.Form)
        {
            case LoopForm.Do:
                _writer.Line("do");
                _writer.Line("{");
                _writer.Indent();
                PrintSequence(loop.Body);
                _writer.Unindent();
                _writer.Line($"}} while ({condition});");
                return;
            case LoopForm.While:
                Block($"while ({condition})", loop.Body);
                return;
        }

        string initializer = loop.Counter >= 0 ? $"int {NameOf(loop.Counter)} = {Print(loop.Start!)}" : "";
        string step = string.Join(", ", loop.Step.Items.Cast<Assign>().Select(Statement));
        string header = initializer.Length == 0 && condition.Length == 0 && step.Length == 0 ? "for (;;)" : $"for ({initializer}; {condition}; {step})";
        Block(header, loop.Body);
    }

    private void PrintBuffer(DeclareBuffer buffer)
    {
        Local local = _program.Locals[buffer.Local];
        string name = NameOf(buffer.Local);
        string element = ExpressionPrinter.TypeName(local.Type);
        string length = Print(buffer.Length);
        switch (buffer.Storage)
        {
            case BufferStorage.StackAlloc:
                _writer.Line($"global::System.Span<{element}> {name} = stackalloc {element}[{length}];");
                if (buffer.Clear)
                {
                    _writer.Line($"{name}.Clear();");
                }

                break;
            case BufferStorage.NewArray:
                _writer.Line($"{element}[] {name} = new {element}[{length}];");
                break;
            default:
                string type = ExpressionPrinter.TypeName(local.Type, LocalShape.PooledBuffer);
                _writer.Line($"{type} {name} = new {type}({length});");
                break;
        }
    }

    private void Block(string header, Sequence body)
    {
        _writer.Line(header);
        _writer.Line("{");
        _writer.Indent();
        PrintSequence(body);
        _writer.Unindent();
        _writer.Line("}");
    }
}
