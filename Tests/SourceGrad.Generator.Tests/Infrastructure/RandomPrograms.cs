using System.Globalization;
using System.Text;
using CsCheck;

namespace SourceGrad.Generator.Tests.Infrastructure;

/// <summary>
/// Random differentiable methods for property tests: straight-line code, overwritten locals and parameters,
/// nested loops with a run-time bound, branches with break, continue and early return, ternaries, Max/Min,
/// a local buffer written and read at computed indices. Programs are trees (so CsCheck can shrink them) whose
/// variable references are resolved by position when they are rendered, so every tree renders to valid C#.
/// Every function is kept bounded or smooth (Exp of a Sin, Sqrt and Log of 1 + a²) so finite differences
/// stay meaningful.
/// </summary>
public static class RandomPrograms
{
    public abstract record Ex;

    /// <summary>A double in scope, chosen by position (modulo how many there are).</summary>
    public sealed record VarEx(int Index) : Ex;

    public sealed record ConstEx(double Value) : Ex;

    /// <summary>The innermost loop counter times a scale, or the scale outside loops.</summary>
    public sealed record CounterEx(double Scale) : Ex;

    /// <summary>An element of the local buffer.</summary>
    public sealed record ElementEx(int Slot) : Ex;

    public sealed record BinEx(string Op, Ex Left, Ex Right) : Ex;

    public sealed record FnEx(string Name, Ex Argument) : Ex;

    public sealed record CondEx(Ex Left, Ex Right, Ex Then, Ex Else) : Ex;

    public abstract record St;

    public sealed record DeclareSt(Ex Value) : St;

    public sealed record AssignSt(int Target, string Op, Ex Value) : St;

    public sealed record StoreSt(int Slot, Ex Value) : St;

    /// <summary><c>if (l &gt; r) { then; jump } else { else }</c>; the jump is "", "break", "continue" or "return".</summary>
    public sealed record IfSt(Ex Left, Ex Right, St[] Then, string Jump, Ex Returned, St[] Else) : St;

    public sealed record LoopSt(St[] Body) : St;

    public sealed record Program(St[] Body, Ex Result);

    private static readonly string[] s_binary = { "+", "-", "*", "/", "Max", "Min" };
    private static readonly string[] s_functions = { "Sin", "Cos", "Tanh", "Atan", "Exp", "Sqrt", "Log" };

    private static Gen<Ex> Expression(int depth)
    {
        Gen<Ex> leaf = Gen.Frequency(
            (4, Gen.Int[0, 7].Select(i => (Ex)new VarEx(i))),
            (2, Gen.Int[-200, 200].Select(v => (Ex)new ConstEx(v / 100.0))),
            (1, Gen.Int[-100, 100].Select(v => (Ex)new CounterEx(v / 100.0))),
            (1, Gen.Int[0, 3].Select(i => (Ex)new ElementEx(i))));
        if (depth == 0)
        {
            return leaf;
        }

        Gen<Ex> inner = Expression(depth - 1);
        return Gen.Frequency(
            (3, leaf),
            (4, Gen.Select(Gen.Int[0, s_binary.Length - 1], inner, inner, (op, l, r) => (Ex)new BinEx(s_binary[op], l, r))),
            (2, Gen.Select(Gen.Int[0, s_functions.Length - 1], inner, (f, a) => (Ex)new FnEx(s_functions[f], a))),
            (1, Gen.Select(inner, inner, inner, inner, (l, r, t, e) => (Ex)new CondEx(l, r, t, e))));
    }

    private static Gen<St[]> Block(int depth, int maximum)
    {
        Gen<Ex> value = Expression(2);
        var simple = new List<(int, IGen<St>)>
        {
            (3, value.Select(v => (St)new DeclareSt(v))),
            (3, Gen.Select(Gen.Int[0, 7], Gen.Int[0, 2], value, (t, op, v) => (St)new AssignSt(t, new[] { "=", "+=", "*=" }[op], v))),
            (1, Gen.Select(Gen.Int[0, 3], value, (slot, v) => (St)new StoreSt(slot, v))),
        };
        if (depth > 0)
        {
            Gen<St[]> nested = Block(depth - 1, 3);
            Gen<Ex> operand = Expression(1);
            Gen<string> jump = Gen.Frequency((2, Gen.Const("")), (2, Gen.Const("break")), (2, Gen.Const("continue")), (1, Gen.Const("return")));
            simple.Add((2, Gen.Select(operand, operand, nested, jump, value, nested,
                (l, r, then, j, returned, otherwise) => (St)new IfSt(l, r, then, j, returned, otherwise))));
            simple.Add((2, nested.Select(body => (St)new LoopSt(body))));
        }

        return Gen.Frequency(simple.ToArray()).Array[1, maximum];
    }

    public static Gen<Program> Programs { get; } = Gen.Select(Block(2, 5), Expression(2), (body, result) => new Program(body, result));

    /// <summary>
    /// Renders a program as <c>public static T {name}(T x, T y, T z, int n)</c>, where T is double, or float
    /// (with MathF and f-suffixed constants) when <paramref name="single"/> is set.
    /// </summary>
    public static string Render(Program program, string name, bool single = false)
    {
        var renderer = new Renderer(single);
        string t = renderer.Type;
        renderer.Line("[Differentiable]");
        renderer.Line($"public static {t} {name}({t} x, {t} y, {t} z, int n)");
        renderer.Line("{");
        renderer.Indent++;
        renderer.Line($"{t}[] buffer = new {t}[4];");
        renderer.Statements(program.Body);
        renderer.Line($"return {renderer.Expression(program.Result)};");
        renderer.Indent--;
        renderer.Line("}");
        return renderer.ToString();
    }

    private sealed class Renderer
    {
        private readonly StringBuilder _text = new();
        private readonly List<string> _doubles = new() { "x", "y", "z" };
        private readonly List<string> _counters = new();
        private readonly string _math;
        private readonly string _suffix;
        private int _locals;

        public Renderer(bool single)
        {
            Type = single ? "float" : "double";
            _math = single ? "MathF" : "Math";
            _suffix = single ? "f" : "";
        }

        /// <summary>The C# type of every real value: double or float.</summary>
        public string Type { get; }

        public int Indent { get; set; }

        public void Line(string line) => _text.Append(' ', 4 * Indent).Append(line).Append('\n');

        public override string ToString() => _text.ToString();

        public void Statements(IEnumerable<St> statements)
        {
            int scope = _doubles.Count;
            foreach (St statement in statements)
            {
                Statement(statement);
            }

            _doubles.RemoveRange(scope, _doubles.Count - scope);
        }

        private void Statement(St statement)
        {
            switch (statement)
            {
                case DeclareSt declare:
                    {
                        string value = Expression(declare.Value);
                        string name = "v" + _locals++.ToString(CultureInfo.InvariantCulture);
                        Line($"{Type} {name} = {value};");
                        _doubles.Add(name);
                        break;
                    }

                case AssignSt assign:
                    {
                        string target = _doubles[assign.Target % _doubles.Count];
                        string value = Expression(assign.Value);

                        // x = x would be a warning (CS1717) in the user's own code; make it a real update.
                        Line(assign.Op == "=" && value == target ? $"{target} *= {Constant(0.5)};" : $"{target} {assign.Op} {value};");
                        break;
                    }

                case StoreSt store:
                    string index = _counters.Count > 0 ? $"({_counters[^1]} + {store.Slot}) % 4" : store.Slot.ToString(CultureInfo.InvariantCulture);
                    Line($"buffer[{index}] = {Expression(store.Value)};");
                    break;
                case IfSt branch:
                    Line($"if ({Comparison(branch.Left, branch.Right)})");
                    Block(() =>
                    {
                        Statements(branch.Then);
                        string jump = branch.Jump is "break" or "continue" && _counters.Count == 0 ? "" : branch.Jump;
                        if (jump == "return")
                        {
                            Line($"return {Expression(branch.Returned)};");
                        }
                        else if (jump.Length > 0)
                        {
                            Line(jump + ";");
                        }
                    });
                    Line("else");
                    Block(() => Statements(branch.Else));
                    break;
                case LoopSt loop:
                    string counter = "i" + _counters.Count.ToString(CultureInfo.InvariantCulture);
                    Line($"for (int {counter} = 0; {counter} < n; {counter}++)");
                    _counters.Add(counter);
                    Block(() => Statements(loop.Body));
                    _counters.RemoveAt(_counters.Count - 1);
                    break;
            }
        }

        private void Block(Action body)
        {
            Line("{");
            Indent++;
            body();
            Indent--;
            Line("}");
        }

        public string Expression(Ex expression) => expression switch
        {
            VarEx v => _doubles[v.Index % _doubles.Count],
            ConstEx c => Constant(c.Value),
            CounterEx c => _counters.Count > 0 ? $"({_counters[^1]} * {Constant(c.Scale)})" : Constant(c.Scale),
            ElementEx e => $"buffer[{e.Slot}]",
            BinEx { Op: "/" } b => $"({Expression(b.Left)} / ({Constant(1.5)} + {_math}.Sin({Expression(b.Right)})))",
            BinEx { Op: "Max" or "Min" } b => MinMax(b),
            BinEx b => $"({Expression(b.Left)} {b.Op} {Expression(b.Right)})",
            FnEx { Name: "Exp" } f => $"{_math}.Exp({_math}.Sin({Expression(f.Argument)}))",
            FnEx { Name: "Sqrt" or "Log" } f => Smooth(f.Name, Expression(f.Argument)),
            FnEx f => $"{_math}.{f.Name}({Expression(f.Argument)})",
            CondEx c => $"({Comparison(c.Left, c.Right)} ? {Expression(c.Then)} : {Expression(c.Else)})",
            _ => throw new ArgumentOutOfRangeException(nameof(expression), expression, "Not an expression."),
        };

        private string MinMax(BinEx b)
        {
            (string l, string r) = Distinct(b.Left, b.Right);
            return $"{_math}.{b.Op}({l}, {r})";
        }

        private string Comparison(Ex left, Ex right)
        {
            (string l, string r) = Distinct(left, right);
            return $"{l} > {r}";
        }

        /// <summary>
        /// Both operands, the second shifted when they render alike: comparing a value with itself is a warning
        /// (CS1718) in the user's code, and Max(a, a) is a known generator bug with a test of its own.
        /// </summary>
        private (string Left, string Right) Distinct(Ex left, Ex right)
        {
            string l = Expression(left);
            string r = Expression(right);
            return (l, l == r ? $"({r} + {Constant(0.5)})" : r);
        }

        private string Smooth(string function, string argument) => $"{_math}.{function}(1 + {argument} * {argument})";

        private string Constant(double value) =>
            value < 0
                ? "(" + value.ToString("0.0#", CultureInfo.InvariantCulture) + _suffix + ")"
                : value.ToString("0.0#", CultureInfo.InvariantCulture) + _suffix;
    }
}
