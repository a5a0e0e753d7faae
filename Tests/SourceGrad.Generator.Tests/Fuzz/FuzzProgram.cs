namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>
/// One generated program: a partial class with the method under test (<see cref="Main"/>) and the
/// [Differentiable] helpers it calls, plus a harness class that calls the method and its gradient through
/// arrays of doubles, so the checker can invoke every program with the same delegate types.
/// The main method's parameters are some scalars, at most one buffer (of length n) and the ints n and m.
/// The methods are kept in double; a float program (<see cref="IsFloat"/>) is printed converted to float,
/// next to its double original (the reference, without [Differentiable]) whose finite differences it is
/// checked against.
/// </summary>
internal sealed record FuzzProgram(string ClassName, MethodSpec Main, IReadOnlyList<MethodSpec> Helpers, ulong Seed, long Index)
{
    public const string Namespace = "Fuzz";

    /// <summary>Fields every class has whose names the generator also uses in a gradient.</summary>
    public static readonly (string Name, string Value)[] ClashingFields = [("seed", "0.625"), ("dX1", "0.375"), ("_v2", "1.25"), ("_t2", "0.5")];

    /// <summary>Hand-written members added to the class (regression cases use them for helpers).</summary>
    public string ExtraMembers { get; init; } = "";

    /// <summary>The smallest n (the buffer's length) the program is evaluated at.</summary>
    public int MinimumLength { get; init; }

    /// <summary>Whether the class declares <see cref="ClashingFields"/> (hand-written regression cases declare their own).</summary>
    public bool HasClashingFields { get; init; } = true;

    /// <summary>Whether the program computes in float (printed converted from its double methods).</summary>
    public bool IsFloat { get; init; }

    public IEnumerable<MethodSpec> Methods => Helpers.Append(Main);

    public Param[] Scalars => Main.Params.Where(p => p.IsDouble).ToArray();

    public Param? Buffer => Main.Params.FirstOrDefault(p => p.IsBuffer);

    public string HarnessName => ClassName + "Harness";

    /// <summary>The double original of a float program.</summary>
    public string ReferenceName => ClassName + "Reference";

    public string ReferenceHarnessName => ReferenceName + "Harness";

    public string FileName => ClassName + ".cs";

    /// <summary>How to regenerate this program alone.</summary>
    public string Origin => $"seed {Seed}, program {Index}";

    /// <summary>
    /// Whether the main method gets a Hessian-vector product: it returns a value. Its calls (helpers, the library's rules
    /// with their second-order rules, the runtime's kernels) run their callees' tangents and seeded products.
    /// </summary>
    public bool HasHessianVector => !Main.ReturnsVoid;

    /// <summary>The main method's checkpointed twins (binomial and √N), when one of its top-level loops can be checkpointed.</summary>
    public IReadOnlyList<CheckpointTwin> CheckpointTwins => CheckpointTwin.Of(Main, Index);

    public int NodeCount => Methods.Sum(m => Count(m.Body) + (m.ExpressionBody?.Nodes().Count() ?? 0));

    /// <summary>The program's class (what a failure report shows).</summary>
    public string ClassSource() => ClassSource(ClassName, IsFloat, differentiable: true);

    /// <summary>The class's source: as generated, converted to float, or (for a float program's reference) in double with float literals.</summary>
    private string ClassSource(string name, bool asFloat, bool differentiable)
    {
        string real = asFloat ? "float" : "double";
        string suffix = asFloat ? "f" : "";
        var writer = new CodeWriter();
        writer.Line($"public static partial class {name}");
        writer.Line("{");
        writer.Indent++;
        writer.Line($"private const {real} Half = 0.5{suffix};");
        writer.Line($"private static readonly {real} Scale = 0.75{suffix};");
        writer.Line("private static readonly float Quarter = 0.25f;");
        if (HasClashingFields && !KnownBugs.FieldsNamedLikeGeneratedNames)
        {
            // Named like the gradient's seed, an adjoint parameter (of x1) and its temporaries.
            foreach ((string field, string value) in ClashingFields)
            {
                writer.Line($"private static readonly {real} {field} = {value}{suffix};");
            }
        }

        foreach (string line in ExtraMembers.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            writer.Line(line);
        }

        foreach (MethodSpec method in Methods)
        {
            writer.Line("");
            MethodSpec printed = asFloat ? FloatPrograms.Convert(method) : IsFloat ? FloatPrograms.Reference(method) : method;
            // The main method asks for its tangent; the helpers it calls get theirs generated with it.
            printed.Print(writer, differentiable, tangent: differentiable && ReferenceEquals(method, Main),
                hessianVector: differentiable && ReferenceEquals(method, Main) && HasHessianVector,
                split: differentiable && ReferenceEquals(method, Main));
            if (differentiable && ReferenceEquals(method, Main))
            {
                foreach (CheckpointTwin twin in CheckpointTwins)
                {
                    writer.Line("");
                    (printed with { Name = twin.Name }).Print(writer, checkpoint: twin.Options);
                }
            }
        }

        writer.Indent--;
        writer.Line("}");
        return writer.ToString();
    }

    /// <summary>The whole file: usings, namespace, the class and its harness (and for a float program its reference).</summary>
    public string FileSource()
    {
        string file = $"using System;\nusing SourceGrad;\n\nnamespace {Namespace};\n\n{ClassSource()}\n{HarnessSource(ClassName, HarnessName, IsFloat, withGradient: true)}";
        return IsFloat
            ? file + $"\n{ClassSource(ReferenceName, asFloat: false, differentiable: false)}\n{HarnessSource(ReferenceName, ReferenceHarnessName, asFloat: false, withGradient: false)}"
            : file;
    }

    /// <summary>
    /// Primal(double[] s, double[] a, int n, int m) and Gradient(s, a, n, m, double[] dS, double[] dA, double seed):
    /// s holds the scalar parameters in order, a the buffer, dS and dA the adjoints (read in, written back); a
    /// float program's values are converted on the way in and out.
    /// </summary>
    private string HarnessSource(string className, string harnessName, bool asFloat, bool withGradient)
    {
        string real = asFloat ? "float" : "double";
        string toReal = asFloat ? "(float)" : "";
        string buffer = asFloat ? "af" : "a";
        var primalArgs = new List<string>();
        var adjointArgs = new List<string>();
        var tangentArgs = new List<string>();
        var load = new List<string>();
        var store = new List<string>();
        int scalar = 0;
        foreach (Param p in Main.Params)
        {
            if (p.IsDouble)
            {
                primalArgs.Add($"{toReal}s[{scalar}]");
                if (!p.NoGrad)
                {
                    load.Add($"{real} d{scalar} = {toReal}dS[{scalar}];");
                    store.Add($"dS[{scalar}] = d{scalar};");
                    adjointArgs.Add($"ref d{scalar}");
                    tangentArgs.Add($"{toReal}tS[{scalar}]");
                }

                scalar++;
            }
            else if (p.IsBuffer)
            {
                primalArgs.Add(buffer);
                if (!p.NoGrad)
                {
                    adjointArgs.Add(asFloat ? "dAf" : "dA");
                    tangentArgs.Add(asFloat ? "tAf" : "tA");
                }
            }
            else
            {
                primalArgs.Add(p.Name);
            }
        }

        string call = $"{className}.{Main.Name}({string.Join(", ", primalArgs)})";
        var writer = new CodeWriter();
        writer.Line($"public static class {harnessName}");
        writer.Line("{");
        writer.Indent++;
        writer.Line("public static double Primal(double[] s, double[] a, int n, int m)");
        writer.Line("{");
        writer.Indent++;
        if (asFloat)
        {
            writer.Line("float[] af = Array.ConvertAll(a, v => (float)v);");
        }

        writer.Line(Main.ReturnsVoid ? call + ";" : $"double result = {call};");
        if (asFloat)
        {
            writer.Line("for (int i = 0; i < a.Length; i++) a[i] = af[i];");
        }

        writer.Line(Main.ReturnsVoid ? "return 0;" : "return result;");
        writer.Indent--;
        writer.Line("}");
        if (withGradient)
        {
            WriteGradientHarness(writer, "Gradient", $"{className}.{Main.Name}Gradient", asFloat, primalArgs, adjointArgs, load, store);
            foreach (CheckpointTwin twin in CheckpointTwins)
            {
                WriteGradientHarness(writer, twin.Name, $"{className}.{twin.Name}Gradient", asFloat, primalArgs, adjointArgs, load, store);
            }

            // Tangent(s, a, n, m, tS, tA, out tangent): tS the scalars' tangents, tA the buffer's (in, and out as its final contents').
            string tangentCall = $"{className}.{Main.Name}Tangent({string.Join(", ", primalArgs.Concat(tangentArgs).Concat(Main.ReturnsVoid ? [] : ["out " + real + " t"]))})";
            writer.Line("");
            writer.Line("public static double Tangent(double[] s, double[] a, int n, int m, double[] tS, double[] tA, out double tangent)");
            writer.Line("{");
            writer.Indent++;
            if (asFloat)
            {
                writer.Line("float[] af = Array.ConvertAll(a, v => (float)v);");
                writer.Line("float[] tAf = Array.ConvertAll(tA, v => (float)v);");
            }

            writer.Line(Main.ReturnsVoid ? tangentCall + ";" : $"double result = {tangentCall};");
            writer.Line(Main.ReturnsVoid ? "tangent = 0;" : "tangent = t;");
            if (asFloat)
            {
                writer.Line("for (int i = 0; i < a.Length; i++) { a[i] = af[i]; tA[i] = tAf[i]; }");
            }

            writer.Line(Main.ReturnsVoid ? "return 0;" : "return result;");
            writer.Indent--;
            writer.Line("}");
            WriteSplitHarness(writer, className, asFloat, primalArgs, adjointArgs, load, store);
            if (HasHessianVector)
            {
                WriteHessianVectorHarness(writer, className, asFloat, primalArgs, tangentArgs, adjointArgs, load, store);
            }
        }

        writer.Indent--;
        writer.Line("}");
        return writer.ToString();
    }

    /// <summary>
    /// <paramref name="name"/>(s, a, n, m, dS, dA, seed): calls <paramref name="gradient"/> (the main method's gradient,
    /// or a checkpointed twin's) with the arguments and the adjoints, the scalars' written back into dS, the buffer's in dA.
    /// </summary>
    private void WriteGradientHarness(CodeWriter writer, string name, string gradient, bool asFloat, List<string> primalArgs, List<string> adjointArgs,
        List<string> load, List<string> store)
    {
        string call = $"{gradient}({AdjointCallArguments(primalArgs, adjointArgs, asFloat)})";
        WriteAdjointHarness(writer, $"{name}(double[] s, double[] a, int n, int m, double[] dS, double[] dA, double seed)", asFloat, load,
            [Main.ReturnsVoid ? call + ";" : $"double result = {call};"], store, []);
    }

    /// <summary>
    /// Split(s, a, n, m, dS, dA, seed, out misuse): the main method's MForward then MBackward with Gradient's arguments
    /// (the buffer as MForward left it); then a second MBackward on the same state and one on a default state, each of
    /// which must throw an InvalidOperationException before it touches anything (misuse names the first that did not, or
    /// is null), and a Dispose after the backward pass, which must do nothing.
    /// </summary>
    private void WriteSplitHarness(CodeWriter writer, string className, bool asFloat, List<string> primalArgs, List<string> adjointArgs,
        List<string> load, List<string> store)
    {
        string state = $"{className}.{Main.Name}Saved";
        string backward(string saved) => $"{className}.{Main.Name}Backward({AdjointCallArguments(primalArgs.Append($"ref {saved}"), adjointArgs, asFloat)})";
        string forward = $"{className}.{Main.Name}Forward({string.Join(", ", primalArgs.Append($"out {state} saved"))})";
        WriteAdjointHarness(writer, "Split(double[] s, double[] a, int n, int m, double[] dS, double[] dA, double seed, out string? misuse)", asFloat, load,
            [Main.ReturnsVoid ? forward + ";" : $"double result = {forward};", backward("saved") + ";"], store,
            [
                "misuse = null;",
                $"try {{ {backward("saved")}; misuse = \"a second backward pass did not throw\"; }} catch (InvalidOperationException) {{ }}",
                $"{state} empty = default;",
                $"try {{ {backward("empty")}; misuse ??= \"a backward pass on a default state did not throw\"; }} catch (InvalidOperationException) {{ }}",
                "saved.Dispose();",
            ]);
    }

    /// <summary>The arguments of a call that takes the adjoints after the method's arguments, and the seed when the method returns a value.</summary>
    private string AdjointCallArguments(IEnumerable<string> primalArgs, List<string> adjointArgs, bool asFloat) =>
        string.Join(", ", primalArgs.Concat(adjointArgs).Concat(Main.ReturnsVoid ? [] : [(asFloat ? "(float)" : "") + "seed"]));

    /// <summary>
    /// A harness method with <paramref name="signature"/> that runs <paramref name="calls"/> between loading the scalar
    /// adjoints from dS and storing them back, then <paramref name="after"/>; a float program's buffer and its adjoint
    /// are converted on the way in and out. It returns the result the calls leave in <c>result</c> (0 for a void method).
    /// </summary>
    private void WriteAdjointHarness(CodeWriter writer, string signature, bool asFloat, List<string> load, List<string> calls, List<string> store, List<string> after)
    {
        writer.Line("");
        writer.Line("public static double " + signature);
        writer.Line("{");
        writer.Indent++;
        if (asFloat)
        {
            writer.Line("float[] af = Array.ConvertAll(a, v => (float)v);");
            writer.Line("float[] dAf = Array.ConvertAll(dA, v => (float)v);");
        }

        load.ForEach(writer.Line);
        calls.ForEach(writer.Line);
        store.ForEach(writer.Line);
        after.ForEach(writer.Line);
        if (asFloat)
        {
            writer.Line("for (int i = 0; i < a.Length; i++) { a[i] = af[i]; dA[i] = dAf[i]; }");
        }

        writer.Line(Main.ReturnsVoid ? "return 0;" : "return result;");
        writer.Indent--;
        writer.Line("}");
    }

    /// <summary>
    /// HessianVector(s, a, n, m, tS, tA, dS, dA, hvS, hvA): the directions tS and tA, the gradient's adjoints dS and dA
    /// (read in, written back, as in Gradient), the Hv adjoints hvS and hvA (read in, written back).
    /// </summary>
    private void WriteHessianVectorHarness(CodeWriter writer, string className, bool asFloat, List<string> primalArgs, List<string> tangentArgs,
        List<string> adjointArgs, List<string> load, List<string> store)
    {
        string real = asFloat ? "float" : "double";
        var productArgs = adjointArgs.Select(a => a.StartsWith("ref d", StringComparison.Ordinal) ? "ref hv" + a.Substring("ref d".Length) : asFloat ? "hvAf" : "hvA").ToList();
        string call = $"{className}.{Main.Name}HessianVector({string.Join(", ", primalArgs.Concat(tangentArgs).Concat(adjointArgs).Concat(productArgs))})";
        writer.Line("");
        writer.Line("public static double HessianVector(double[] s, double[] a, int n, int m, double[] tS, double[] tA, double[] dS, double[] dA, double[] hvS, double[] hvA)");
        writer.Line("{");
        writer.Indent++;
        if (asFloat)
        {
            writer.Line("float[] af = Array.ConvertAll(a, v => (float)v);");
            writer.Line("float[] tAf = Array.ConvertAll(tA, v => (float)v);");
            writer.Line("float[] dAf = Array.ConvertAll(dA, v => (float)v);");
            writer.Line("float[] hvAf = Array.ConvertAll(hvA, v => (float)v);");
        }

        load.ForEach(writer.Line);
        load.ForEach(line => writer.Line(line.Replace($"{real} d", $"{real} hv", StringComparison.Ordinal).Replace("dS[", "hvS[", StringComparison.Ordinal)));
        writer.Line($"double result = {call};");
        store.ForEach(writer.Line);
        store.ForEach(line => writer.Line(line.Replace("dS[", "hvS[", StringComparison.Ordinal).Replace("= d", "= hv", StringComparison.Ordinal)));
        if (asFloat)
        {
            writer.Line("for (int i = 0; i < a.Length; i++) { a[i] = af[i]; dA[i] = dAf[i]; hvA[i] = hvAf[i]; }");
        }

        writer.Line("return result;");
        writer.Indent--;
        writer.Line("}");
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

            [TangentOf(nameof(SoftplusPullback))]
            public static void SoftplusPullbackTangent(double x, ref double dX, double dReturn, double tX, ref double tDX, double tDReturn)
            {
                double s = 1 / (1 + Math.Exp(-x));
                tDX += tDReturn * s + dReturn * s * (1 - s) * tX;
                SoftplusPullback(x, ref dX, dReturn);
            }

            [TangentOf(nameof(Softplus))]
            public static double SoftplusTangent(double x, double tX, out double tangent)
            {
                tangent = tX / (1 + Math.Exp(-x));
                return Softplus(x);
            }

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

            [TangentOf(nameof(BlendPullback))]
            public static void BlendPullbackTangent(Span<double> y, ReadOnlySpan<double> x, double t, Span<double> dY, Span<double> dX, ref double dT,
                ReadOnlySpan<double> tY, ReadOnlySpan<double> tX, double tT, Span<double> tDY, Span<double> tDX, ref double tDT)
            {
                for (int i = 0; i < y.Length; i++)
                {
                    tDX[i] += tDY[i] * t + dY[i] * tT;
                    tDT += tDY[i] * x[i] + dY[i] * tX[i];
                    tDY[i] *= 0.5;
                }

                BlendPullback(y, x, t, dY, dX, ref dT);
            }

            [TangentOf(nameof(Blend))]
            public static void BlendTangent(Span<double> y, ReadOnlySpan<double> x, double t, Span<double> tY, ReadOnlySpan<double> tX, double tT)
            {
                for (int i = 0; i < y.Length; i++)
                {
                    tY[i] = 0.5 * tY[i] + tT * x[i] + t * tX[i];
                }

                Blend(y, x, t);
            }

            [Differentiable]
            public static double Bump(double x, double y) => Math.Exp(-x * x) * Math.Sin(y) + 0.25 * x * y;

            // The same in float, under other names (overloads of one [Differentiable] name would share a hint name).
            public static float SoftplusF(float x) => MathF.Log(1 + MathF.Exp(x));

            [DerivativeOf(nameof(SoftplusF))]
            public static void SoftplusFPullback(float x, ref float dX, float dReturn) => dX += dReturn / (1 + MathF.Exp(-x));

            [TangentOf(nameof(SoftplusFPullback))]
            public static void SoftplusFPullbackTangent(float x, ref float dX, float dReturn, float tX, ref float tDX, float tDReturn)
            {
                float s = 1 / (1 + MathF.Exp(-x));
                tDX += tDReturn * s + dReturn * s * (1 - s) * tX;
                SoftplusFPullback(x, ref dX, dReturn);
            }

            [TangentOf(nameof(SoftplusF))]
            public static float SoftplusFTangent(float x, float tX, out float tangent)
            {
                tangent = tX / (1 + MathF.Exp(-x));
                return SoftplusF(x);
            }

            public static void BlendF(Span<float> y, ReadOnlySpan<float> x, float t)
            {
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = 0.5f * y[i] + t * x[i];
                }
            }

            [DerivativeOf(nameof(BlendF))]
            public static void BlendFPullback(Span<float> y, ReadOnlySpan<float> x, float t, Span<float> dY, Span<float> dX, ref float dT)
            {
                for (int i = 0; i < y.Length; i++)
                {
                    dX[i] += dY[i] * t;
                    dT += dY[i] * x[i];
                    dY[i] *= 0.5f;
                }
            }

            [TangentOf(nameof(BlendFPullback))]
            public static void BlendFPullbackTangent(Span<float> y, ReadOnlySpan<float> x, float t, Span<float> dY, Span<float> dX, ref float dT,
                ReadOnlySpan<float> tY, ReadOnlySpan<float> tX, float tT, Span<float> tDY, Span<float> tDX, ref float tDT)
            {
                for (int i = 0; i < y.Length; i++)
                {
                    tDX[i] += tDY[i] * t + dY[i] * tT;
                    tDT += tDY[i] * x[i] + dY[i] * tX[i];
                    tDY[i] *= 0.5f;
                }

                BlendFPullback(y, x, t, dY, dX, ref dT);
            }

            [TangentOf(nameof(BlendF))]
            public static void BlendFTangent(Span<float> y, ReadOnlySpan<float> x, float t, Span<float> tY, ReadOnlySpan<float> tX, float tT)
            {
                for (int i = 0; i < y.Length; i++)
                {
                    tY[i] = 0.5f * tY[i] + tT * x[i] + t * tX[i];
                }

                BlendF(y, x, t);
            }

            [Differentiable]
            public static float BumpF(float x, float y) => MathF.Exp(-x * x) * MathF.Sin(y) + 0.25f * x * y;
        }
        """;
}
