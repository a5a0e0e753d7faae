namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>
/// One generated program: a partial class with the method under test (<see cref="Main"/>) and the
/// [Differentiable] helpers it calls, plus a harness class that calls the method and its gradient through
/// arrays, so the checker can invoke every program with the same delegate types.
/// The main method's parameters are some doubles, at most one buffer (of length n) and the ints n and m.
/// </summary>
internal sealed record FuzzProgram(string ClassName, MethodSpec Main, IReadOnlyList<MethodSpec> Helpers, ulong Seed, long Index)
{
    /// <summary>Hand-written members added to the class (regression cases use them for helpers).</summary>
    public string ExtraMembers { get; init; } = "";

    /// <summary>The smallest n (the buffer's length) the program is evaluated at.</summary>
    public int MinimumLength { get; init; }

    public const string Namespace = "Fuzz";

    public IEnumerable<MethodSpec> Methods => Helpers.Append(Main);

    public Param[] Scalars => Main.Params.Where(p => p.IsDouble).ToArray();

    public Param? Buffer => Main.Params.FirstOrDefault(p => p.IsBuffer);

    public string HarnessName => ClassName + "Harness";

    public string FileName => ClassName + ".cs";

    /// <summary>How to regenerate this program alone.</summary>
    public string Origin => $"seed {Seed}, program {Index}";

    public int NodeCount => Methods.Sum(m => Count(m.Body) + (m.ExpressionBody?.Nodes().Count() ?? 0));

    /// <summary>The program as a file: its class only (what a failure report shows).</summary>
    public string ClassSource()
    {
        var writer = new CodeWriter();
        writer.Line($"public static partial class {ClassName}");
        writer.Line("{");
        writer.Indent++;
        writer.Line("private const double Half = 0.5;");
        writer.Line("private static readonly double Scale = 0.75;");
        writer.Line("private static readonly float Quarter = 0.25f;");
        foreach (string line in ExtraMembers.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            writer.Line(line);
        }

        foreach (MethodSpec method in Methods)
        {
            writer.Line("");
            method.Print(writer);
        }

        writer.Indent--;
        writer.Line("}");
        return writer.ToString();
    }

    /// <summary>The whole file: usings, namespace, the class and the harness.</summary>
    public string FileSource() =>
        $"using System;\nusing SourceGrad;\n\nnamespace {Namespace};\n\n{ClassSource()}\n{HarnessSource()}";

    /// <summary>
    /// Primal(double[] s, double[] a, int n, int m) and Gradient(s, a, n, m, double[] dS, double[] dA, double seed):
    /// s holds the double parameters in order, a the buffer, dS and dA the adjoints (read in, written back).
    /// </summary>
    private string HarnessSource()
    {
        var primalArgs = new List<string>();
        var adjointArgs = new List<string>();
        var load = new List<string>();
        var store = new List<string>();
        int scalar = 0;
        foreach (Param p in Main.Params)
        {
            if (p.IsDouble)
            {
                primalArgs.Add($"s[{scalar}]");
                if (!p.NoGrad)
                {
                    load.Add($"double d{scalar} = dS[{scalar}];");
                    store.Add($"dS[{scalar}] = d{scalar};");
                    adjointArgs.Add($"ref d{scalar}");
                }

                scalar++;
            }
            else if (p.IsBuffer)
            {
                primalArgs.Add("a");
                if (!p.NoGrad)
                {
                    adjointArgs.Add("dA");
                }
            }
            else
            {
                primalArgs.Add(p.Name);
            }
        }

        string call = $"{ClassName}.{Main.Name}({string.Join(", ", primalArgs)})";
        string gradientArgs = string.Join(", ", primalArgs.Concat(adjointArgs).Concat(Main.ReturnsVoid ? [] : ["seed"]));
        string gradientCall = $"{ClassName}.{Main.Name}Gradient({gradientArgs})";
        var writer = new CodeWriter();
        writer.Line($"public static class {HarnessName}");
        writer.Line("{");
        writer.Indent++;
        writer.Line("public static double Primal(double[] s, double[] a, int n, int m)");
        writer.Line("{");
        writer.Indent++;
        if (Main.ReturnsVoid)
        {
            writer.Line(call + ";");
            writer.Line("return 0;");
        }
        else
        {
            writer.Line("return " + call + ";");
        }

        writer.Indent--;
        writer.Line("}");
        writer.Line("");
        writer.Line("public static double Gradient(double[] s, double[] a, int n, int m, double[] dS, double[] dA, double seed)");
        writer.Line("{");
        writer.Indent++;
        load.ForEach(writer.Line);
        writer.Line(Main.ReturnsVoid ? gradientCall + ";" : $"double result = {gradientCall};");
        store.ForEach(writer.Line);
        writer.Line(Main.ReturnsVoid ? "return 0;" : "return result;");
        writer.Indent--;
        writer.Line("}");
        writer.Indent--;
        writer.Line("}");
        return writer.ToString();
    }

    private static int Count(Block block) => block.Statements.Sum(Count);

    private static int Count(Stmt statement) => statement switch
    {
        LineStmt line => 1 + line.Args.Sum(a => a.Nodes().Count()),
        IfStmt branch => 1 + branch.Condition.Nodes().Count() + Count(branch.Then) + (branch.Else is null ? 0 : Count(branch.Else)),
        LoopStmt loop => 1 + loop.HeaderArgs.Sum(a => a.Nodes().Count()) + Count(loop.Body),
        _ => 1,
    };
}

/// <summary>Code every batch compiles once: hand-written derivative rules and a [Differentiable] method in another type.</summary>
internal static class FuzzLibrary
{
    public const string FileName = "FuzzLib.cs";

    public const string Source = """
        using System;
        using SourceGrad;

        namespace Fuzz;

        public static partial class FuzzLib
        {
            public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

            [DerivativeOf(nameof(Softplus))]
            public static void SoftplusPullback(double x, ref double dX, double dReturn) => dX += dReturn / (1 + Math.Exp(-x));

            /// <summary>y = y/2 + t·x, element-wise, in place.</summary>
            public static void Blend(Span<double> y, ReadOnlySpan<double> x, double t)
            {
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = 0.5 * y[i] + t * x[i];
                }
            }

            [DerivativeOf(nameof(Blend))]
            public static void BlendPullback(Span<double> y, ReadOnlySpan<double> x, double t, Span<double> dY, Span<double> dX, ref double dT)
            {
                for (int i = 0; i < y.Length; i++)
                {
                    dX[i] += dY[i] * t;
                    dT += dY[i] * x[i];
                    dY[i] *= 0.5;
                }
            }

            [Differentiable]
            public static double Bump(double x, double y) => Math.Exp(-x * x) * Math.Sin(y) + 0.25 * x * y;
        }
        """;
}
