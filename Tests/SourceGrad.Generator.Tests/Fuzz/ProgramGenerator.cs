using CsCheck;

namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>
/// A CsCheck generator of random [Differentiable] programs in the supported C# (docs/supported-csharp.md).
/// Every value stays bounded by construction (squashing with Tanh/Sin/Atan when a bound grows; Log, Sqrt and
/// Pow only see positive-by-construction arguments; Asin/Acos/Tan only squashed ones), loops run a handful of
/// times, and every index is provably inside its buffer, so each program runs and finite differences of it are
/// well conditioned. Kinks (Abs, Min, branches on values) are generated freely: the checker skips evaluation
/// points where finite differences at two step sizes disagree.
/// The size CsCheck sees is the program's node count, so smaller programs count as simpler.
/// </summary>
internal sealed class ProgramGenerator : Gen<FuzzProgram>
{
    public override FuzzProgram Generate(PCG pcg, Size? min, out Size size)
    {
        FuzzProgram program = Build(new Rng(pcg), "P", 0, 0);
        size = new Size((ulong)program.NodeCount);
        return program;
    }

    /// <summary>Program <paramref name="index"/> of the run with <paramref name="seed"/>: the same every time.</summary>
    public static FuzzProgram Create(ulong seed, long index) =>
        Build(new Rng(Rng.Stream(seed, index)), "P" + index, seed, index);

    private static FuzzProgram Build(Rng rng, string className, ulong seed, long index)
    {
        var helpers = new List<MethodSpec>();
        int helperCount = rng.Weighted(5, 4, 2);
        for (int h = 0; h < helperCount; h++)
        {
            // At most one span helper (void, writes its span) and one reduction (reads its span).
            bool hasSpan = helpers.Any(m => m.ReturnsVoid);
            bool hasReduction = helpers.Any(m => !m.ReturnsVoid && m.Params[0].IsBuffer);
            helpers.Add(rng.Weighted(6, hasSpan ? 0 : 3, hasReduction ? 0 : 3) switch
            {
                0 => new MethodBuilder(rng, helpers).ScalarHelper("H" + h),
                1 => new MethodBuilder(rng, helpers).SpanHelper("S" + h),
                _ => new MethodBuilder(rng, helpers).ReductionHelper("R" + h),
            });
        }

        MethodSpec main = new MethodBuilder(rng, helpers).Main("F");
        return new FuzzProgram(className, main.WithMathFrom(rng), helpers.Select(h => h.WithMathFrom(rng)).ToList(), seed, index)
        {
            IsFloat = rng.Chance(0.25),
        };
    }
}

/// <summary>What is in scope at a point of a method body.</summary>
internal sealed class Scope
{
    /// <summary>Double locals and parameters. Accumulators may grow and are read only through a squashing function.</summary>
    public List<(string Name, bool Accumulator)> Doubles { get; init; } = [];

    public List<(string Name, bool Writable, bool IsArray)> Buffers { get; init; } = [];

    /// <summary>Int expressions that are valid indices into every buffer in scope.</summary>
    public List<string> Indices { get; init; } = [];

    /// <summary>Int locals (loop counters, counts) with a bound on their value.</summary>
    public List<(string Name, int Max)> Ints { get; init; } = [];

    public List<string> Flags { get; init; } = [];

    /// <summary>The length every buffer in scope has ("n", or "b.Length" in a span helper); null when there are no buffers.</summary>
    public string? Length { get; init; }

    /// <summary>The int parameter that counts loops ("m"), if any.</summary>
    public string? Count { get; init; }

    public int LoopDepth { get; init; }

    /// <summary>Whether the innermost loop is a for loop whose counter is not canonical (the generator saves it).</summary>
    public bool InSavedCounterLoop { get; init; }

    public int BranchDepth { get; init; }

    /// <summary>How many times a statement here may run at most (the product of the enclosing loops' trip counts).</summary>
    public int Repeats { get; init; } = 1;

    public Scope Child(int loopDepth = 0, int branchDepth = 0, int repeats = 1, bool? savedCounter = null) => new()
    {
        InSavedCounterLoop = savedCounter ?? InSavedCounterLoop,
        Doubles = [.. Doubles],
        Buffers = [.. Buffers],
        Indices = [.. Indices],
        Ints = [.. Ints],
        Flags = [.. Flags],
        Constants = Constants,
        Length = Length,
        Count = Count,
        LoopDepth = LoopDepth + loopDepth,
        BranchDepth = BranchDepth + branchDepth,
        Repeats = Repeats * repeats,
    };

    public IEnumerable<string> Bounded => Doubles.Where(d => !d.Accumulator).Select(d => d.Name);

    /// <summary>Variables that are read but never assigned.</summary>
    public HashSet<string> Constants { get; init; } = [];

    public IEnumerable<string> Assignable => Bounded.Where(d => !Constants.Contains(d));

    public IEnumerable<string> Accumulators => Doubles.Where(d => d.Accumulator).Select(d => d.Name);

    public IEnumerable<string> WritableBuffers => Buffers.Where(b => b.Writable).Select(b => b.Name);
}

/// <summary>Builds one method: its parameters, body and return.</summary>
internal sealed class MethodBuilder(Rng rng, IReadOnlyList<MethodSpec> helpers)
{
    /// <summary>A bounded variable's magnitude never exceeds this (parameters are drawn from [-1.5, 1.5]).</summary>
    private const double VariableBound = 2;

    /// <summary>An expression whose bound exceeds this is squashed before it is used further.</summary>
    private const double ExpressionCap = 6;

    private int _names;
    private int _budget;
    private bool _returnsVoid;

    public MethodSpec Main(string name)
    {
        var parameters = new List<Param>();
        int scalars = rng.Between(1, 3);
        for (int k = 0; k < scalars; k++)
        {
            parameters.Add(new Param("x" + k, "double", NoGrad: scalars > 1 && rng.Chance(0.1)));
        }

        string bufferType = rng.Pick(["double[]", "Span<double>", "ReadOnlySpan<double>"]);
        bool bufferNoGrad = bufferType == "ReadOnlySpan<double>" && rng.Chance(0.1);
        parameters.Add(new Param("a", bufferType, bufferNoGrad));
        parameters.Add(new Param("n", "int"));
        parameters.Add(new Param("m", "int"));
        Shuffle(parameters);

        _returnsVoid = bufferType != "ReadOnlySpan<double>" && rng.Chance(0.15);
        var scope = new Scope
        {
            Doubles = parameters.Where(p => p.IsDouble).Select(p => (p.Name, false)).ToList(),
            Buffers = [("a", bufferType != "ReadOnlySpan<double>", bufferType == "double[]")],
            Length = "n",
            Count = "m",
            Constants = KnownBugs.NoGradParameterAssigned ? parameters.Where(p => p.IsDouble && p.NoGrad).Select(p => p.Name).ToHashSet() : [],
        };
        _budget = rng.Between(3, 14);
        Block body = Body(scope, localBuffers: rng.Weighted(4, 3, 1));
        return new MethodSpec(name, _returnsVoid ? "void" : "double", [.. parameters], body);
    }

    /// <summary>double H(double u0, double u1[, double u2]): scalar code with loops of constant length.</summary>
    public MethodSpec ScalarHelper(string name)
    {
        int arity = rng.Between(1, 3);
        Param[] parameters = Enumerable.Range(0, arity).Select(k => new Param("u" + k, "double")).ToArray();
        var scope = new Scope { Doubles = parameters.Select(p => (p.Name, false)).ToList() };
        if (rng.Chance(0.3))
        {
            Expr body = Squash(Double(scope, 3, calls: false), VariableBound);
            return new MethodSpec(name, "double", parameters, new Block([]), body);
        }

        _budget = rng.Between(1, 6);
        return new MethodSpec(name, "double", parameters, Body(scope, localBuffers: 0));
    }

    /// <summary>double R(ReadOnlySpan&lt;double&gt; b, double s): reads its span.</summary>
    public MethodSpec ReductionHelper(string name)
    {
        Param[] parameters = [new Param("b", "ReadOnlySpan<double>"), new Param("s", "double")];
        var scope = new Scope { Doubles = [("s", false)], Buffers = [("b", false, false)], Length = "b.Length" };
        _budget = rng.Between(1, 6);
        return new MethodSpec(name, "double", parameters, Body(scope, localBuffers: 0));
    }

    /// <summary>void S(Span&lt;double&gt; b, double s): updates b in place.</summary>
    public MethodSpec SpanHelper(string name)
    {
        _returnsVoid = true;
        Param[] parameters = [new Param("b", "Span<double>"), new Param("s", "double")];
        var scope = new Scope { Doubles = [("s", false)], Buffers = [("b", true, false)], Length = "b.Length" };
        _budget = rng.Between(1, 6);
        var statements = new List<Stmt> { IndexLoop(scope, forceWrite: true) };
        statements.AddRange(Statements(scope, _budget));
        return new MethodSpec(name, "void", parameters, new Block(statements));
    }

    private Block Body(Scope scope, int localBuffers)
    {
        var statements = new List<Stmt>();

        // Local buffers are declared first, at the top level, as the generator requires.
        for (int k = 0; k < localBuffers && scope.Length is not null; k++)
        {
            string buffer = Fresh("t");
            bool isArray = rng.Chance(0.5);
            statements.Add(LineStmt.Of(isArray
                ? $"double[] {buffer} = new double[{scope.Length}];"
                : $"Span<double> {buffer} = stackalloc double[{scope.Length}];"));
            scope.Buffers.Add((buffer, true, isArray));
            if (rng.Chance(0.8))
            {
                statements.Add(IndexLoop(scope, forceWrite: true, target: buffer));
            }
        }

        int accumulators = _returnsVoid ? rng.Between(0, 1) : rng.Between(1, 2);
        for (int k = 0; k < accumulators; k++)
        {
            string accumulator = FreshLocal("acc");
            statements.Add(LineStmt.Of($"double {accumulator} = {{0}};", rng.Chance(0.5) ? Constant() : Squash(Double(scope, 1, calls: true), VariableBound)));
            scope.Doubles.Add((accumulator, true));
        }

        statements.AddRange(Statements(scope, _budget));
        if (!_returnsVoid)
        {
            statements.Add(Return(scope));
        }
        else if (scope.Accumulators.Any())
        {
            // Make the accumulators reach the output buffer.
            string i = Fresh("i");
            string accumulator = rng.Pick(scope.Accumulators.ToList());
            statements.Add(new LoopStmt(null, $"for (int {i} = 0; {i} < {scope.Length}; {i}++)", [],
                new Block([LineStmt.Of($"a[{i}] += 0.5 * Math.Tanh({accumulator} + a[{i}]);")]), IsDo: false));
        }

        return new Block(statements);
    }

    private List<Stmt> Statements(Scope scope, int count)
    {
        var statements = new List<Stmt>();
        for (int k = 0; k < count && _budget > 0; k++)
        {
            _budget--;
            statements.Add(Statement(scope));
        }

        return statements;
    }

    private Stmt Statement(Scope scope)
    {
        bool inLoop = scope.LoopDepth > 0;
        bool canWriteElement = scope.Indices.Count > 0 && scope.WritableBuffers.Any();
        bool canNest = scope.LoopDepth + scope.BranchDepth < 4;
        int choice = rng.Weighted(
            5,                                          // 0 declare a bounded local
            6,                                          // 1 assign a bounded variable
            scope.Accumulators.Any() ? 6 : 0,           // 2 accumulate
            canWriteElement ? 6 : 0,                    // 3 write a buffer element
            canNest ? 3 : 0,                            // 4 if / else
            canNest && scope.LoopDepth < 3 ? 5 : 0,     // 5 loop
            inLoop ? 3 : 0,                             // 6 break / continue
            2,                                          // 7 early return
            scope.WritableBuffers.Any() ? 2 : 0,        // 8 call that writes a buffer
            scope.Buffers.Count > 1 && scope.WritableBuffers.Any() ? 2 : 0, // 9 runtime kernel
            1);                                         // 10 flag or int local
        return choice switch
        {
            0 => Declare(scope),
            1 => AssignBounded(scope),
            2 => Accumulate(scope),
            3 => WriteElement(scope),
            4 => Branch(scope),
            5 => Loop(scope),
            6 => Jump(scope),
            7 => EarlyReturn(scope),
            8 => BufferCall(scope),
            9 => KernelCall(scope),
            _ => FlagOrInt(scope),
        };
    }

    private Stmt Declare(Scope scope)
    {
        string name = FreshLocal("v");
        Expr value = Squash(Double(scope, rng.Between(1, 3), calls: true), VariableBound);
        scope.Doubles.Add((name, false));
        return LineStmt.Of($"double {name} = {{0}};", value);
    }

    private Stmt AssignBounded(Scope scope)
    {
        if (!scope.Assignable.Any())
        {
            return Declare(scope);
        }

        string target = rng.Pick(scope.Assignable.ToList());
        Expr self = Var(target);
        switch (rng.Next(6))
        {
            case 0:
                // The classic iteration x = x·x + c, scaled to stay bounded.
                return LineStmt.Of($"{target} = {{0}} * {{0}} * 0.25 + {{1}};", self, Const(rng.Pick(["0.3", "-0.5", "0.25", "-0.1"])));
            case 1:
                return LineStmt.Of($"{target} *= {{0}};", Squash(Double(scope, 2, calls: true), 1));
            case 2:
                return LineStmt.Of($"{target} /= {{0}};", Positive(scope, 1, calls: true, atLeast: 1));
            case 3:
                return LineStmt.Of($"{target} = 0.5 * {{0}} + {{1}};", self, Squash(Double(scope, 2, calls: true), 1));
            default:
                return LineStmt.Of($"{target} = {{0}};", Squash(Double(scope, rng.Between(1, 3), calls: true), VariableBound));
        }
    }

    private Stmt Accumulate(Scope scope)
    {
        string target = rng.Pick(scope.Accumulators.ToList());
        // An accumulator may grow by a bounded amount each time; the budget keeps the total moderate.
        double step = Math.Max(0.05, 3.0 / scope.Repeats);
        Expr amount = Scaled(Double(scope, rng.Between(1, 3), calls: true), step);
        return rng.Next(7) switch
        {
            0 => LineStmt.Of($"{target} -= {{0}};", amount),
            1 => LineStmt.Of($"{target} *= {{0}};", Squash(Double(scope, 2, calls: true), 1)),
            2 => LineStmt.Of($"{target} /= {{0}};", Positive(scope, 1, calls: true, atLeast: 1)),
            3 => LineStmt.Of($"{target} = {target} * {{0}} + {{1}};", Squash(Double(scope, 1, calls: false), 1), amount),
            4 when scope.Repeats <= 4 => LineStmt.Of($"{target}++;"),
            _ => LineStmt.Of($"{target} += {{0}};", amount),
        };
    }

    private Stmt WriteElement(Scope scope)
    {
        string buffer = rng.Pick(scope.WritableBuffers.ToList());
        string index = rng.Pick(scope.Indices);
        Expr element = Expr.Leaf($"{buffer}[{index}]", ValueKind.Double, VariableBound);
        Expr other = Double(scope, rng.Between(1, 2), calls: true);
        return rng.Next(6) switch
        {
            // a[i] = f(a[i], ...): the overwritten element feeds its new value.
            0 => LineStmt.Of($"{buffer}[{index}] = {{0}};", Squash(Binary(element, other), VariableBound)),
            1 => LineStmt.Of($"{buffer}[{index}] = {{0}};", Squash(Expr.Call("Math.Sin({0})", 1, Binary(element, other)), VariableBound)),
            2 => LineStmt.Of($"{buffer}[{index}] *= {{0}};", Squash(other, 1)),
            3 => LineStmt.Of($"{buffer}[{index}] += {{0}};", Scaled(Squash(other, 1), Math.Max(0.05, 1.0 / scope.Repeats))),
            4 => LineStmt.Of($"{buffer}[{index}] = 0.5 * {{0}} - {{1}};", element, Squash(other, 1)),
            _ => LineStmt.Of($"{buffer}[{index}] = {{0}};", Squash(Double(scope, rng.Between(1, 3), calls: true), VariableBound)),
        };
    }

    private Stmt Branch(Scope scope)
    {
        Expr condition = Condition(scope, 2);
        Block then = new(Statements(scope.Child(branchDepth: 1), rng.Between(1, 3)));
        Block? otherwise = rng.Chance(0.4) ? new Block(Statements(scope.Child(branchDepth: 1), rng.Between(1, 3))) : null;
        return new IfStmt(condition, then, otherwise);
    }

    private Stmt Loop(Scope scope) =>
        scope.Length is not null && rng.Chance(0.6) ? IndexLoop(scope, forceWrite: false) : CountLoop(scope);

    /// <summary>A loop whose counter indexes the buffers (all of length <see cref="Scope.Length"/>).</summary>
    private Stmt IndexLoop(Scope scope, bool forceWrite, string? target = null)
    {
        string n = scope.Length!;
        string i = Fresh("i");
        string? outer = scope.Ints.Where(v => scope.Indices.Contains(v.Name)).Select(v => v.Name).LastOrDefault();
        string lengthOf = rng.Pick(scope.Buffers).Name + ".Length";
        var indices = new List<string> { i, $"{n} - 1 - {i}", $"{i} / 2" };
        string? setup = null;
        string header;
        var bodyStart = new List<Stmt>();
        switch (rng.Next(outer is null ? 9 : 12))
        {
            case 0:
                header = $"for (int {i} = {n} - 1; {i} >= 0; {i}--)";
                break;
            case 1:
                header = $"for (int {i} = 0; {i} < {n}; {i} += 2)";
                break;
            case 2:
                header = $"for (int {i} = 1; {i} < {n}; {i}++)";
                indices.Add($"{i} - 1");
                break;
            case 3:
                setup = $"int {i} = {n};";
                header = $"while ({i} > 0)";
                bodyStart.Add(LineStmt.Of($"{i}--;"));
                break;
            case 4:
                header = $"for (int {i} = 0; {i} <= {n} - 1; {i}++)";
                indices.Add($"({i} + 1) % {n}");
                break;
            case 5:
                // Not canonical: the counter is stepped by an assignment, so the generator saves it.
                header = $"for (int {i} = 0; {i} < {lengthOf}; {i} = {i} + 1)";
                break;
            case 6:
                header = $"for (int {i} = {n} - 1; {i} > -1; {i} -= 3)";
                break;
            case 9:
                header = $"for (int {i} = 0; {i} < {outer}; {i}++)";
                break;
            case 10:
                header = $"for (int {i} = {outer}; {i} < {n}; {i}++)";
                break;
            case 11:
                header = $"for (int {i} = {outer} + 1; {i} < {n}; {i}++)";
                break;
            default:
                header = $"for (int {i} = 0; {i} < {(rng.Chance(0.5) ? n : lengthOf)}; {i}++)";
                indices.Add($"({i} + 1) % {n}");
                break;
        }

        Scope inner = scope.Child(loopDepth: 1, repeats: 5, savedCounter: header.Contains($"{i} = {i} + 1", StringComparison.Ordinal));
        inner.Ints.Add((i, 5));
        inner.Indices.AddRange(indices);
        var body = new List<Stmt>(bodyStart);
        if (forceWrite)
        {
            string buffer = target ?? rng.Pick(scope.WritableBuffers.ToList());
            Expr value = Squash(Double(inner, rng.Between(1, 3), calls: true), VariableBound);
            body.Add(rng.Chance(0.7)
                ? LineStmt.Of($"{buffer}[{i}] = {{0}};", value)
                : LineStmt.Of($"{buffer}[{i}] += {{0}};", Scaled(value, 0.2)));
        }
        else
        {
            body.AddRange(Statements(inner, rng.Between(1, 4)));
        }

        return new LoopStmt(setup, header, [], new Block(body), IsDo: false);
    }

    /// <summary>A loop that runs a few times; its counter is a number, not an index.</summary>
    private Stmt CountLoop(Scope scope)
    {
        string t = Fresh("k");
        string count = scope.Count is not null && rng.Chance(0.6) ? scope.Count : rng.Between(1, 3).ToString();
        string? setup = null;
        string header;
        bool isDo = false;
        var bodyStart = new List<Stmt>();
        Expr[] headerArgs = [];
        switch (rng.Next(6))
        {
            case 0:
                setup = $"int {t} = 0;";
                header = $"while ({t} < {count})";
                isDo = true;
                bodyStart.Add(LineStmt.Of($"{t}++;"));
                break;
            case 1:
                setup = $"int {t} = 0;";
                header = $"while ({t} < {count})";
                bodyStart.Add(LineStmt.Of($"{t}++;"));
                break;
            case 2 when scope.Bounded.Any():
                // The trip count depends on a value: a jump in the function the checker steps around.
                header = $"for (int {t} = 0; {t} < 4 && {{0}} > {rng.Pick(["-0.8", "0.2", "-1.2"])}; {t}++)";
                headerArgs = [Var(rng.Pick(scope.Bounded.ToList()))];
                break;
            case 3:
                header = $"for (int {t} = {count}; {t} > 0; {t}--)";
                break;
            case 4 when rng.Chance(0.3):
                header = $"for (long {t} = 0; {t} < {count}; {t}++)";
                break;
            default:
                header = $"for (int {t} = 0; {t} < {count}; {t}++)";
                break;
        }

        Scope inner = scope.Child(loopDepth: 1, repeats: 4, savedCounter: false);
        inner.Ints.Add((t, 4));
        var body = new List<Stmt>(bodyStart);
        body.AddRange(Statements(inner, rng.Between(1, 4)));
        return new LoopStmt(setup, header, headerArgs, new Block(body), isDo);
    }

    private Stmt Jump(Scope scope)
    {
        bool mayContinue = !(KnownBugs.ContinueInLoopWithSavedCounter && scope.InSavedCounterLoop);
        string jump = rng.Chance(0.5) || !mayContinue ? "break;" : "continue;";
        return new IfStmt(Condition(scope, 1), new Block([LineStmt.Of(jump)]), null);
    }

    private Stmt EarlyReturn(Scope scope) =>
        new IfStmt(Condition(scope, 1), new Block([Return(scope)]), null);

    private Stmt Return(Scope scope)
    {
        if (_returnsVoid)
        {
            return LineStmt.Of("return;");
        }

        // Accumulators may be read directly here: nothing amplifies them afterwards.
        Expr value = Squash(Double(scope, rng.Between(1, 3), calls: true), ExpressionCap);
        foreach (string accumulator in scope.Accumulators.Where(_ => rng.Chance(0.7)))
        {
            value = Expr.Op("{0} + {1}", ValueKind.Double, double.PositiveInfinity, Var(accumulator), value);
        }

        return LineStmt.Of("return {0};", value);
    }

    /// <summary>A call that writes a buffer: FuzzLib.Blend (a hand-written rule) or this class's span helper, maybe on a slice.</summary>
    private Stmt BufferCall(Scope scope)
    {
        (string target, _, bool isArray) = rng.Pick(scope.Buffers.Where(b => b.Writable).ToList());
        MethodSpec? spanHelper = helpers.FirstOrDefault(h => h.ReturnsVoid);
        List<string> sources = scope.Buffers.Select(b => b.Name).Where(b => b != target).ToList();
        Scope argumentScope = scope;
        if (KnownBugs.ArgumentReadsTheSpanTheCallWrites)
        {
            argumentScope = scope.Child();
            argumentScope.Buffers.RemoveAll(b => b.Name == target);
        }

        Expr scalar = Squash(Double(argumentScope, 1, calls: false), 1);
        if (sources.Count > 0 && (spanHelper is null || rng.Chance(0.5)))
        {
            return LineStmt.Of($"FuzzLib.Blend({target}, {rng.Pick(sources)}, {{0}});", scalar);
        }

        if (spanHelper is null)
        {
            return AssignBounded(scope);
        }

        return LineStmt.Of($"{spanHelper.Name}({Slice(scope, target, isArray)}, {{0}});", scalar);
    }

    /// <summary>A buffer as a call argument: whole, or its first or second half.</summary>
    private string Slice(Scope scope, string buffer, bool isArray)
    {
        string half = $"{scope.Length} / 2";
        string slice = isArray ? "AsSpan" : "Slice";
        return rng.Next(3) switch
        {
            0 => $"{buffer}.{slice}({half}, {scope.Length} - {half})",
            1 => $"{buffer}.{slice}(0, {half})",
            _ => buffer,
        };
    }

    private Expr BufferArgument(Scope scope)
    {
        (string name, _, bool isArray) = rng.Pick(scope.Buffers);
        return Expr.Leaf(Slice(scope, name, isArray), ValueKind.Buffer, 0);
    }

    /// <summary>A runtime kernel with a [DerivativeOf] rule, from one buffer into another (never the same one).</summary>
    private Stmt KernelCall(Scope scope)
    {
        string target = rng.Pick(scope.WritableBuffers.ToList());
        string source = rng.Pick(scope.Buffers.Select(b => b.Name).Where(b => b != target).ToList());
        return rng.Next(4) switch
        {
            0 => LineStmt.Of($"Activations.Sigmoid({source}, {target});"),
            1 => LineStmt.Of($"Activations.Relu({source}, {target});"),
            2 => LineStmt.Of($"Linalg.AddBias({target}, {source}, 1, {scope.Length});"),
            _ => LineStmt.Of($"Activations.Tanh({source}, {target});"),
        };
    }

    private Stmt FlagOrInt(Scope scope)
    {
        if (rng.Chance(0.5) || scope.Ints.Count == 0)
        {
            string flag = Fresh("f");
            Expr condition = Condition(scope, 1);
            scope.Flags.Add(flag);
            return LineStmt.Of($"bool {flag} = {{0}};", condition);
        }

        (string name, int max) = rng.Pick(scope.Ints);
        string local = Fresh("q");
        scope.Ints.Add((local, 2));
        return LineStmt.Of($"int {local} = (int)({name} % 3);");
    }

    /// <summary>A double expression of about the given depth.</summary>
    private Expr Double(Scope scope, int depth, bool calls)
    {
        if (depth <= 0 || rng.Chance(0.2))
        {
            return Leaf(scope);
        }

        int d = depth - 1;
        bool helperCall = calls && CallableHelpers(scope).Any();
        Expr result = rng.Weighted(
            6, 4, 6, 2, 2,                 // + - * / unary minus
            2,                             // ?:
            8,                             // smooth unary functions
            4,                             // logarithms, roots and powers
            2,                             // inverse trig on squashed arguments, Tan, Atan2
            3,                             // Abs, Min, Max, Clamp, FMA
            1,                             // piecewise constant functions
            helperCall ? 3 : 0,            // call a helper in this class
            calls ? 2 : 0) switch          // call FuzzLib (a rule, or a method of another type)
        {
            0 => Expr.Op("{0} + {1}", ValueKind.Double, 0, Double(scope, d, calls), Double(scope, d, calls)).Bounded(),
            1 => Expr.Op("{0} - {1}", ValueKind.Double, 0, Double(scope, d, calls), Double(scope, d, calls)).Bounded(),
            2 => Product(Double(scope, d, calls), Double(scope, d, calls)),
            3 => Quotient(Double(scope, d, calls), Positive(scope, d, calls, atLeast: 0.5)),
            4 => Expr.Op("-{0}", ValueKind.Double, 0, Double(scope, d, calls)).Bounded(),
            5 => Expr.Op("{0} ? {1} : {2}", ValueKind.Double, 0, Condition(scope, 1), Double(scope, d, false), Double(scope, d, false)).Bounded(),
            6 => SmoothUnary(scope, d, calls),
            7 => LogRootPower(scope, d, calls),
            8 => InverseTrig(scope, d, calls),
            9 => Kinked(scope, d, calls),
            10 => Steps(scope, d, calls),
            11 => HelperCall(scope, d),
            _ => LibraryCall(scope, d),
        };
        return result.Bound > ExpressionCap ? Squash(result, 1) : result;
    }

    private Expr Leaf(Scope scope)
    {
        List<string> bounded = scope.Bounded.ToList();
        List<string> accumulators = scope.Accumulators.ToList();
        bool elements = scope.Indices.Count > 0 && scope.Buffers.Count > 0;
        switch (rng.Weighted(bounded.Count > 0 ? 8 : 0, accumulators.Count > 0 ? 2 : 0, elements ? 6 : 0, 3, scope.Ints.Count > 0 ? 2 : 0, 1))
        {
            case 0:
                return Var(rng.Pick(bounded));
            case 1:
                return Expr.Call(rng.Pick(["Math.Tanh({0})", "Math.Sin({0})", "Math.Atan({0})"]), 1.6, Var(rng.Pick(accumulators)));
            case 2:
                return Expr.Leaf($"{rng.Pick(scope.Buffers).Name}[{rng.Pick(scope.Indices)}]", ValueKind.Double, VariableBound);
            case 3:
                return Constant();
            case 4:
            {
                string counter = rng.Pick(scope.Ints).Name;
                return rng.Next(5) switch
                {
                    0 => Expr.Op($"{counter} * 0.25", ValueKind.Double, 1.25),
                    1 => Expr.Op($"(double)(float)({counter} + 1) * 0.1", ValueKind.Double, 0.6),
                    2 => Expr.Call($"(double)MathF.Sin(0.5f * {counter})", 1),
                    3 => Expr.Op($"{counter} * 0.3f", ValueKind.Double, 1.5),
                    _ => Expr.Op($"0.5 * {counter}", ValueKind.Double, 2.5),
                };
            }

            default:
                if (!KnownBugs.FieldsNamedLikeGeneratedNames && rng.Chance(0.3))
                {
                    (string field, string value) = rng.Pick(FuzzProgram.ClashingFields);
                    return Expr.Leaf(field, ValueKind.Double, double.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
                }

                return rng.Next(4) switch
                {
                    0 => Expr.Leaf("Scale", ValueKind.Double, 0.75),
                    1 => Expr.Leaf("Quarter", ValueKind.Double, 0.25),
                    2 => Expr.Leaf("Half", ValueKind.Double, 0.5),
                    _ => Expr.Op("Math.PI * 0.25", ValueKind.Double, 0.8),
                };
        }
    }

    // No int literals: Math.Floor(2) and friends would be ambiguous between their double and decimal overloads.
    private Expr Constant() => Const(rng.Pick(["0.5", "1.25", "-0.75", "2.0", "0.3", "0.5f", "1e-1", "-1d", "1.5", "0.0"]));

    private static Expr Const(string text)
    {
        double value = double.Parse(text.TrimEnd('f', 'd'), System.Globalization.CultureInfo.InvariantCulture);
        // Negative literals are parenthesised inside operators ("x - (-0.75)", never "--0.75").
        return new Expr(text, ValueKind.Double, Math.Abs(value), text.StartsWith('-'), []);
    }

    private static Expr Var(string name) => Expr.Leaf(name, ValueKind.Double, VariableBound);

    private Expr Product(Expr left, Expr right)
    {
        if (left.Bound * right.Bound > ExpressionCap)
        {
            right = Squash(right, 1);
        }

        return Expr.Op("{0} * {1}", ValueKind.Double, 0, left, right).Bounded();
    }

    private static Expr Quotient(Expr numerator, Expr denominator) =>
        Expr.Op("{0} / {1}", ValueKind.Double, numerator.Bound / denominator.Lower, numerator, denominator);

    /// <summary>e with |e| ≤ bound: e itself when it already is, else a squashing function of it.</summary>
    private Expr Squash(Expr e, double bound)
    {
        if (e.Bound <= bound)
        {
            return e;
        }

        Expr squashed = rng.Next(4) switch
        {
            0 => Expr.Call("Math.Sin({0})", 1, e),
            1 => Expr.Call("Math.Atan({0})", 1.6, e),
            2 => Expr.Op("{0} / (1 + {0} * {0})", ValueKind.Double, 0.5, e),
            _ => Expr.Call("Math.Tanh({0})", 1, e),
        };
        return squashed.Bound <= bound ? squashed : Expr.Op($"{Format(bound / squashed.Bound)} * {{0}}", ValueKind.Double, bound, squashed);
    }

    /// <summary>e scaled so that its magnitude is at most <paramref name="bound"/>.</summary>
    private Expr Scaled(Expr e, double bound)
    {
        e = Squash(e, ExpressionCap);
        return e.Bound <= bound ? e : Expr.Op($"{Format(bound / e.Bound)} * {{0}}", ValueKind.Double, bound, e);
    }

    private static string Format(double value) => Math.Round(value, 4).ToString("0.0###", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A value with a positive lower bound (at least <paramref name="atLeast"/>), for Log, Sqrt, Pow and division.</summary>
    private Expr Positive(Scope scope, int depth, bool calls, double atLeast)
    {
        Expr e = Double(scope, Math.Max(0, depth), calls);
        Expr s = Squash(e, VariableBound);
        Expr positive = rng.Next(6) switch
        {
            0 => Expr.Op("1 + {0} * {0}", ValueKind.Double, 1 + s.Bound * s.Bound, s).WithLower(1),
            1 => Expr.Op("1.5 + Math.Sin({0})", ValueKind.Double, 2.5, e).WithLower(0.5),
            2 => Expr.Op("2 + Math.Tanh({0})", ValueKind.Double, 3, e).WithLower(1),
            3 => Expr.Call("Math.Exp(Math.Sin({0}))", Math.E, e).WithLower(1 / Math.E),
            4 => Expr.Call("Math.Cosh({0})", Math.Cosh(s.Bound), s).WithLower(1),
            _ => Expr.Op($"{Format(s.Bound + 0.5)} + {{0}}", ValueKind.Double, 2 * s.Bound + 0.5, s).WithLower(0.5),
        };
        return positive.Lower >= atLeast ? positive : Expr.Op("1 + {0}", ValueKind.Double, positive.Bound + 1, positive).WithLower(positive.Lower + 1);
    }

    private Expr SmoothUnary(Scope scope, int depth, bool calls)
    {
        Expr e = Double(scope, depth, calls);
        Expr small = Squash(e, 2);
        return rng.Next(8) switch
        {
            0 => Expr.Call("Math.Sin({0})", 1, e),
            1 => Expr.Call("Math.Cos({0})", 1, e),
            2 => Expr.Call("Math.Tanh({0})", 1, e),
            3 => Expr.Call("Math.Atan({0})", 1.6, e),
            4 => Expr.Call("Math.Exp({0})", Math.Exp(small.Bound), small),
            5 => Expr.Call("Math.Sinh({0})", Math.Sinh(small.Bound), small),
            6 => Expr.Call("Math.Cosh({0})", Math.Cosh(small.Bound), small),
            _ => Expr.Call("Math.Exp(-{0} * {0})", 1, e),
        };
    }

    private Expr LogRootPower(Scope scope, int depth, bool calls)
    {
        Expr p = Positive(scope, depth, calls, atLeast: 0.3);
        Expr e = Double(scope, depth, calls);
        double logBound = Math.Max(Math.Abs(Math.Log(p.Lower)), Math.Log(p.Bound)) + 0.1;
        switch (rng.Next(11))
        {
            case 0:
                return Expr.Call("Math.Log({0})", logBound, p);
            case 1:
                return Expr.Call("Math.Log2({0})", logBound * 1.5, p);
            case 2:
                return Expr.Call("Math.Log10({0})", logBound, p);
            case 3 when rng.Chance(0.5):
                return Expr.Call("Math.Log({0}, 2.5)", logBound * 1.2, p);
            case 3:
                // An active base, kept at least 2 so its logarithm is away from 0.
                return Expr.Call("Math.Log({0}, 2.5 + Math.Sin({1}))", logBound * 1.5 / Math.Log(1.5), p, e);
            case 4:
                return Expr.Call("Math.Sqrt({0})", Math.Sqrt(p.Bound), p);
            case 5:
                return Expr.Call("Math.Cbrt({0})", Math.Cbrt(p.Bound), p);
            case 6:
            {
                string exponent = rng.Pick(["2.3", "-0.7", "0.5", "1.5", "3"]);
                double power = double.Parse(exponent, System.Globalization.CultureInfo.InvariantCulture);
                double bound = Math.Max(Math.Pow(p.Bound, power), Math.Pow(p.Lower, power));
                return Squash(Expr.Call($"Math.Pow({{0}}, {exponent})", bound, p), ExpressionCap);
            }

            case 7:
            {
                Expr exponent = Squash(e, 1.5);
                double bound = Math.Max(Math.Pow(p.Bound, exponent.Bound), Math.Pow(p.Lower, -exponent.Bound));
                return Squash(Expr.Call("Math.Pow({0}, {1})", bound, p, exponent), ExpressionCap);
            }

            case 8:
            {
                // An integer power of a value of either sign.
                Expr s = Squash(e, 1.5);
                return rng.Chance(0.5)
                    ? Expr.Call("Math.Pow({0}, 2)", s.Bound * s.Bound, s)
                    : Expr.Call("Math.Pow({0}, 3)", s.Bound * s.Bound * s.Bound, s);
            }

            case 9:
                return Expr.Call("Math.Pow(1.7, {0})", Math.Pow(1.7, Squash(e, 2).Bound), Squash(e, 2));
            default:
            {
                Expr s = Squash(e, 2);
                return Expr.Call("Math.Log(1 + {0} * {0})", Math.Log(1 + s.Bound * s.Bound), s);
            }
        }
    }

    private Expr InverseTrig(Scope scope, int depth, bool calls)
    {
        Expr e = Double(scope, depth, calls);
        return rng.Next(5) switch
        {
            0 => Expr.Call("Math.Asin(0.9 * Math.Tanh({0}))", 1.2, e),
            1 => Expr.Call("Math.Acos(0.8 * Math.Sin({0}))", 2.3, e),
            2 => Expr.Call("Math.Tan(1.2 * Math.Tanh({0}))", 2.6, e),
            3 => Expr.Call("Math.Atan2({0}, {1})", Math.PI, e, Positive(scope, depth, calls, atLeast: 0.3)),
            _ => Expr.Call("Math.Atan2({0}, {1})", Math.PI, Positive(scope, depth, calls, atLeast: 0.3), e),
        };
    }

    private Expr Kinked(Scope scope, int depth, bool calls)
    {
        Expr a = Double(scope, depth, calls);
        Expr b = Double(scope, depth, calls);
        return rng.Next(6) switch
        {
            0 => Expr.Call("Math.Abs({0})", a.Bound, a),
            1 => Expr.Call("Math.Min({0}, {1})", Math.Max(a.Bound, b.Bound), a, b),
            2 => Expr.Call("Math.Max({0}, {1})", Math.Max(a.Bound, b.Bound), a, b),
            3 when rng.Chance(0.5) => Expr.Call("Math.Clamp({0}, -0.5, 0.75)", 0.75, a),
            3 => Expr.Call("Math.Clamp({0}, -1 + 0.5 * Math.Tanh({1}), 1 + 0.5 * Math.Sin({1}))", 1.5, a, b),
            5 => Expr.Op("{0} % 0.7", ValueKind.Double, 0.7, a),
            _ => Squash(Expr.Call("Math.FusedMultiplyAdd({0}, {1}, {2})", a.Bound * b.Bound + 1, a, b, Squash(Double(scope, depth, calls), 1)), ExpressionCap),
        };
    }

    private Expr Steps(Scope scope, int depth, bool calls)
    {
        Expr a = Double(scope, depth, calls);
        Expr jump = rng.Next(6) switch
        {
            0 => Expr.Op("Math.Sign({0}) * 0.25", ValueKind.Double, 0.25, a),
            1 => Expr.Op("0.1 * Math.Floor({0})", ValueKind.Double, 0.1 * (a.Bound + 1), a),
            2 => Expr.Op("0.1 * Math.Ceiling({0})", ValueKind.Double, 0.1 * (a.Bound + 1), a),
            3 => Expr.Op("0.1 * Math.Round({0})", ValueKind.Double, 0.1 * (a.Bound + 1), a),
            4 when rng.Chance(0.5) => Expr.Op("0.1 * (int)(2 * {0})", ValueKind.Double, 0.2 * a.Bound + 0.1, a),
            _ => Expr.Op("0.1 * Math.Truncate({0})", ValueKind.Double, 0.1 * a.Bound, a),
        };
        return Expr.Op("{0} + {1}", ValueKind.Double, 0, Double(scope, depth, calls), jump).Bounded();
    }

    /// <summary>The helpers an expression here can call: those returning a number (a reduction needs a buffer in scope).</summary>
    private IEnumerable<MethodSpec> CallableHelpers(Scope scope) =>
        helpers.Where(h => !h.ReturnsVoid && (scope.Buffers.Count > 0 || !h.Params[0].IsBuffer));

    private Expr HelperCall(Scope scope, int depth)
    {
        MethodSpec helper = rng.Pick(CallableHelpers(scope).ToList());
        Expr[] args = helper.Params
            .Select(p => p.IsBuffer ? BufferArgument(scope) : Squash(Double(scope, Math.Min(depth, 1), calls: false), VariableBound))
            .ToArray();
        string holes = string.Join(", ", Enumerable.Range(0, args.Length).Select(k => "{" + k + "}"));
        return Expr.Call($"{helper.Name}({holes})", ExpressionCap, args);
    }

    private Expr LibraryCall(Scope scope, int depth)
    {
        if (scope.Buffers.Count > 0 && rng.Chance(0.3))
        {
            // Runtime reductions; Mean only where n > 0 (inside a loop over the buffers). Not
            // Losses.MeanSquaredError: its target is [NoGrad], so by design no gradient flows into it.
            string buffer = rng.Pick(scope.Buffers).Name;
            return scope.Indices.Count > 0 && rng.Chance(0.4)
                ? Expr.Call($"Reductions.Mean({buffer})", VariableBound)
                : Squash(Expr.Call($"Reductions.Sum({buffer})", 10 * VariableBound), VariableBound);
        }

        Expr a = Squash(Double(scope, Math.Min(depth, 1), calls: false), VariableBound);
        return rng.Chance(0.5)
            ? Expr.Call("FuzzLib.Softplus({0})", a.Bound + 1, a)
            : Expr.Call("FuzzLib.Bump({0}, {1})", 0.25 * a.Bound * VariableBound + 1, a, Squash(Double(scope, Math.Min(depth, 1), calls: false), VariableBound));
    }

    private static Expr Binary(Expr left, Expr right) => Expr.Op("{0} * {1}", ValueKind.Double, left.Bound * right.Bound, left, right);

    private Expr Condition(Scope scope, int depth)
    {
        int choice = rng.Weighted(6, scope.Ints.Count > 0 ? 3 : 0, scope.Flags.Count > 0 ? 2 : 0, depth > 0 ? 2 : 0, depth > 0 ? 1 : 0, 1);
        switch (choice)
        {
            case 0:
            {
                Expr value = Double(scope, 1, calls: false);
                string op = rng.Pick([">", "<", ">=", "<="]);
                return rng.Chance(0.3)
                    ? Expr.Op($"{{0}} {op} {{1}}", ValueKind.Bool, 0, value, Double(scope, 1, calls: false))
                    : Expr.Op($"{{0}} {op} {rng.Pick(["0", "0.3", "-0.4", "1"])}", ValueKind.Bool, 0, value);
            }

            case 1:
            {
                string counter = rng.Pick(scope.Ints).Name;
                string text = rng.Next(4) switch
                {
                    0 => $"{counter} % 2 == 0",
                    1 => $"{counter} > 1",
                    2 => $"{counter} == {rng.Pick(scope.Ints).Name}",
                    _ => scope.Length is null ? $"{counter} != 2" : $"{counter} < {scope.Length} - 2",
                };
                return Expr.Op(text, ValueKind.Bool, 0);
            }

            case 2:
                return Expr.Leaf(rng.Pick(scope.Flags), ValueKind.Bool, 0);
            case 3:
                return Expr.Op(rng.Chance(0.5) ? "{0} && {1}" : "{0} || {1}", ValueKind.Bool, 0, Condition(scope, depth - 1), Condition(scope, depth - 1));
            case 4:
                return Expr.Op("!({0})", ValueKind.Bool, 0, Condition(scope, depth - 1));
            default:
                // A float comparison: the cast is harmless because the derivative does not flow through it.
                return Expr.Op("(float){0} > 0.25f", ValueKind.Bool, 0, Double(scope, 1, calls: false));
        }
    }

    private string Fresh(string prefix) => prefix + ++_names;

    /// <summary>Names the generator uses for its own temporaries, labels and adjoints: user locals may have them too.</summary>
    private static readonly string[] s_generatorLikeNames =
    [
        "_v1", "_d1", "_t1", "_d2", "_result1", "_trips1", "_k1", "_exit1", "_savedDoubles", "_savedInts", "_choice1",
        "_scratch1", "_unused1", "_dArg1", "_next1", "_dAcc1", "_value", "value", "dX0", "dA", "_dX0",
    ];

    private readonly HashSet<string> _usedNames = [];

    /// <summary>A fresh double local's name: usually v1, v2, ...; sometimes one the generator might use itself.</summary>
    private string FreshLocal(string prefix)
    {
        string? clash = s_generatorLikeNames.FirstOrDefault(n => !_usedNames.Contains(n) && rng.Chance(0.04));
        string name = clash ?? Fresh(prefix);
        _usedNames.Add(name);
        return name;
    }

    private void Shuffle<T>(List<T> items)
    {
        for (int k = items.Count - 1; k > 0; k--)
        {
            int j = rng.Next(k + 1);
            (items[k], items[j]) = (items[j], items[k]);
        }
    }
}

internal static class ExprBounds
{
    private static readonly System.Text.RegularExpressions.Regex s_mathCall = new(@"\bMath\.(?!PI\b|E\b)(?=[A-Z])");

    /// <summary>
    /// The method with some Math.F calls written double.F instead (the generator accepts both), decided per
    /// template, so a program mixes the two spellings.
    /// </summary>
    public static MethodSpec WithMathFrom(this MethodSpec method, Rng rng)
    {
        string Respell(string template) => rng.Chance(0.15) ? s_mathCall.Replace(template, "double.") : template;
        return method with
        {
            Body = Ast.Map(method.Body, Respell),
            ExpressionBody = method.ExpressionBody is null ? null : Ast.Map(method.ExpressionBody, Respell),
        };
    }

    /// <summary>Fills in the bound of a sum, difference, product, negation or choice from its arguments.</summary>
    public static Expr Bounded(this Expr e)
    {
        double bound = e.Template switch
        {
            "{0} * {1}" => e.Args[0].Bound * e.Args[1].Bound,
            "-{0}" => e.Args[0].Bound,
            "{0} ? {1} : {2}" => Math.Max(e.Args[1].Bound, e.Args[2].Bound),
            _ => e.Args.Where(a => a.Kind == ValueKind.Double).Sum(a => a.Bound),
        };
        return e with { Bound = bound };
    }
}
