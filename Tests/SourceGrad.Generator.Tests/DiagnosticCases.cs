namespace SourceGrad.Generator.Tests;

/// <summary>A snippet that triggers one diagnostic, with its location marked [|...|], and what its message must name.</summary>
public sealed record DiagnosticCase(string Snippet, params string[] MessageNames)
{
    /// <summary>Source compiled, without the generator, into an assembly the snippet references (a callee from another assembly).</summary>
    public string? Library { get; init; }
}

/// <summary>
/// One triggering snippet for every SG diagnostic id but SG0018, which reports a failure inside the generator:
/// no source triggers it once the known failures are fixed (DiagnosticTests injects one instead).
/// </summary>
public static class DiagnosticCases
{
    public static IReadOnlyDictionary<string, DiagnosticCase> ById { get; } = new Dictionary<string, DiagnosticCase>
    {
        ["SG0001"] = new("""
            public partial class Model
            {
                [Differentiable]
                public double [|Loss|](double x) => x * x;
            }
            """, "'Loss'", "static"),

        ["SG0002"] = new("""
            public static class Model
            {
                [Differentiable]
                public static double [|Loss|](double x) => x * x;
            }
            """, "'Model'", "'Loss'", "partial"),

        ["SG0003"] = new("""
            public static partial class Model
            {
                [Differentiable]
                public static [|int|] Count(double x) => (int)x;
            }
            """, "'Count'", "'int'"),

        ["SG0004"] = new("""
            public static partial class Model
            {
                [Differentiable]
                public static double Sum(double[] values)
                {
                    double sum = 0;
                    [|foreach (double value in values)
                    {
                        sum += value;
                    }|]

                    return sum;
                }
            }
            """, "'foreach'", "for loop"),

        ["SG0005"] = new("""
            public static partial class Model
            {
                private static double s_scale = 2;

                [Differentiable]
                public static double Scaled(double x) => x * [|s_scale|];
            }
            """, "'s_scale'", "parameter"),

        ["SG0006"] = new("""
            public static partial class Model
            {
                public static double Helper(double a) => a + 1;

                [Differentiable]
                public static double Loss(double x) => [|Helper(x)|] * x;
            }
            """, "'Model.Helper(double)'", "[Differentiable]", "[DerivativeOf(nameof(Helper))]"),

        ["SG0007"] = new("""
            public static partial class Model
            {
                public static double Twice(double a) => 2 * a;

                [DerivativeOf(nameof(Twice))]
                public static void [|TwiceBackward|](double a, double dA, double dReturn)
                {
                }
            }
            """, "'TwiceBackward'", "'Twice'", "parameter 2 ('dA')", "void TwiceBackward(double a, ref double dA, double dReturn)"),

        ["SG0008"] = new("""
            public static partial class Model
            {
                [Differentiable]
                public static double Loss(double x, double [|dX|]) => x * dX;
            }
            """, "'dX'", "'x'"),

        ["SG0009"] = new("""
            public static partial class Model
            {
                [Differentiable]
                public static double Loss(ref double [|x|]) => x * x;
            }
            """, "'x'", "'ref'"),

        ["SG0010"] = new("""
            public static partial class Model
            {
                [Differentiable]
                public static double [|Loss|]<T>(double x) => x * x;
            }
            """, "'Loss'", "generic"),

        ["SG0011"] = new("""
            public static partial class Model
            {
                [Differentiable]
                public static double Loss(double x, int n)
                {
                    double sum = 0;
                    for (int i = 0; i < n; i++)
                    {
                        Span<double> [|scratch = stackalloc double[2]|];
                        scratch[0] = x * i;
                        sum += scratch[0];
                    }

                    return sum;
                }
            }
            """, "'scratch'", "inside a loop"),

        ["SG0012"] = new("""
            public static partial class Model
            {
                [Differentiable]
                public static double Square(double a) => a * a;

                [Differentiable]
                public static double Loss(double x) => x > 0 ? [|Square(x)|] : x;
            }
            """, "'Model.Square(double)'", "'?:'"),

        ["SG0013"] = new("""
            public static partial class Model
            {
                [DerivativeOf("Missing")]
                public static void [|MissingBackward|](double a, ref double dA, double dReturn)
                {
                }
            }
            """, "'MissingBackward'", "\"Missing\"", "'Model'"),

        ["SG0014"] = new("""
            public static partial class Model
            {
                [Differentiable]
                public static double [|Constant|]([NoGrad] double x) => 2 * x;
            }
            """, "'Constant'"),

        ["SG0015"] = new("""
            public static partial class Model
            {
                [Differentiable]
                public static double Loss(double x, double [|unused|]) => x * x;
            }
            """, "'unused'", "'Loss'", "[NoGrad]"),

        ["SG0016"] = new("""
            public static partial class Model
            {
                [Differentiable]
                public static extern double [|Loss|](double x);
            }
            """, "'Loss'", "body"),

        ["SG0017"] = new("""
            public static partial class Model
            {
                [Differentiable]
                public static double Loss(double x)
                {
                    Span<char> [|letters = stackalloc char[4]|];
                    return x;
                }
            }
            """, "'letters'", "'System.Span<char>'"),

        ["SG0019"] = new("""
            file static partial class Model
            {
                [Differentiable]
                public static double [|Loss|](double x) => x * x;
            }
            """, "'Model'", "'Loss'", "'file'", "internal"),

        ["SG0020"] = new(DiagnosticTests.MethodWithAnError + """

            public static partial class Model
            {
                [Differentiable]
                public static double Loss(double[] values) => [|Bad(values)|] * 2;
            }
            """, "'Bad'", "fix the errors"),

        ["SG0021"] = new("""
            public static partial class Model
            {
                [Differentiable]
                public static double Loss(ReadOnlySpan<double> x, [NoGrad] Span<double> scratch)
                {
                    [|scratch[0] = x[0] * 2;|]
                    return x[1] * scratch[0];
                }
            }
            """, "scratch[0] = x[0] * 2", "'scratch'", "[NoGrad]"),
        ["SG0022"] = new("""
            public static partial class Model
            {
                public static double Outer(double y)
                {
                    [|[Differentiable] static double Inner(double x) => x * x;|]
                    return Inner(y);
                }
            }
            """, "'Inner'", "a local function"),

        ["SG0023"] = new("""
            public static partial class Model
            {
                [Differentiable(Tangent = true)]
                public static double Loss(double x, [NoGrad] double [|tX|]) => x * tX;
            }
            """, "'tX'", "'x'", "rename"),

        ["SG0024"] = new("""
            public static partial class Model
            {
                public static double Cube(double a) => a * a * a;

                [DerivativeOf(nameof(Cube))]
                public static void CubeBackward(double a, ref double dA, double dReturn) => dA += 3 * a * a * dReturn;

                [Differentiable(Tangent = true)]
                public static double Loss(double x) => [|Cube(x)|] + x;
            }
            """, "'Cube'", "'Loss'", "[TangentOf(nameof(Cube))]"),

        ["SG0025"] = new("""
            public static partial class Model
            {
                public static double Cube(double a) => a * a * a;

                [TangentOf(nameof(Cube))]
                public static double [|CubeTangent|](double a, double tA, ref double tangent)
                {
                    tangent = 3 * a * a * tA;
                    return a * a * a;
                }
            }
            """, "'CubeTangent'", "parameter 3 ('tangent')", "double CubeTangent(double a, double tA, out double tangent)"),

        ["SG0026"] = new("""
            public static partial class Model
            {
                [Differentiable]
                public static double Loss(double x) => x * x;

                public static double [|LossGradient|](double x, ref double dX, double seed = 1) => 2 * x * seed;
            }
            """, "'Model'", "'LossGradient'", "'Loss'", "rename"),

        ["SG0027"] = new("""
            public static partial class Model
            {
                [Differentiable(HessianVector = true)]
                public static double Loss(double x, [NoGrad] double [|vX|]) => x * x * vX;
            }
            """, "'vX'", "direction", "'x'", "rename"),

        ["SG0028"] = new("""
            public static partial class Model
            {
                [Differentiable(HessianVector = true)]
                public static void [|Scale|](ReadOnlySpan<double> x, Span<double> y)
                {
                    for (int i = 0; i < x.Length; i++)
                    {
                        y[i] = x[i] * x[i];
                    }
                }
            }
            """, "'Scale'", "float or double"),

        ["SG0029"] = new("""
            public static partial class Model
            {
                [Differentiable(HessianVector = true)]
                public static double Loss(double x) => [|Library.Square(x)|] + x;
            }
            """, "'Square'", "'Loss'", "another assembly", "HessianVector = true")
        {
            Library = """
                public static partial class Library
                {
                    [Differentiable]
                    public static double Square(double a) => a * a;
                }
                """,
        },

        ["SG0030"] = new("""
            public static partial class Model
            {
                public static double Cube(double a) => a * a * a;

                [DerivativeOf(nameof(Cube))]
                public static void CubePullback(double a, ref double dA, double dReturn) => dA += 3 * a * a * dReturn;

                [TangentOf(nameof(Cube))]
                public static double CubeTangent(double a, double tA, out double tangent)
                {
                    tangent = 3 * a * a * tA;
                    return a * a * a;
                }

                [Differentiable(HessianVector = true)]
                public static double Loss(double x) => [|Cube(x)|] + x;
            }
            """, "'Cube'", "'Loss'", "'CubePullback'", "[TangentOf(nameof(CubePullback))]"),

        ["SG0033"] = new("""
            public static partial class Model
            {
                [Differentiable(Checkpoint = CheckpointMode.Binomial)]
                public static double [|Settle|](double x, int steps)
                {
                    double y = x;
                    int k = 0;
                    while (k < steps)
                    {
                        y = Math.Tanh(y) * x;
                        k++;
                    }

                    return y;
                }
            }
            """, "'Settle'", "no top-level 'for' loop"),

        ["SG0034"] = new("""
            public static partial class Model
            {
                [Differentiable(Checkpoint = CheckpointMode.Binomial, [|Snapshots = 0|])]
                public static double Settle(double x, int steps)
                {
                    double y = x;
                    for (int t = 0; t < steps; t++)
                    {
                        y = Math.Tanh(y) * x;
                    }

                    return y;
                }
            }
            """, "Snapshots = 0", "'Settle'", "at least 1"),

        ["SG0035"] = new("""
            public static partial class Model
            {
                [Differentiable(Checkpoint = CheckpointMode.SqrtN)]
                public static double Settle(double x, int steps)
                {
                    double y = x;
                    [|for|] (int t = 0; t < steps; t += 2)
                    {
                        y = Math.Tanh(y) * x;
                    }

                    return y;
                }
            }
            """, "for (int t = 0; t < steps; t += 2)", "does not count up by 1"),

        ["SG0036"] = new("""
            public static partial class Model
            {
                [Differentiable(Checkpoint = CheckpointMode.Binomial, Snapshots = 8)]
                public static double Settle(double x, int steps)
                {
                    double y = x;
                    for (int t = 0; t < steps; t++)
                    {
                        y = Math.Tanh(y) * x;
                        if (y < 0.01)
                        {
                            [|break;|]
                        }
                    }

                    return y;
                }
            }
            """, "'break;'", "for (int t = 0; t < steps; t++)"),

        ["SG0037"] = new("""
            public static partial class Model
            {
                [Differentiable]
                public static double [|Horner|](ReadOnlySpan<double> c, double x)
                {
                    double p = 0;
                    for (int i = 0; i < c.Length; i++)
                    {
                        p = p * x + c[i];
                    }

                    return p;
                }
            }
            """, "'Horner'", "saves 8·c.Length bytes for its reverse sweep", "doubles saved by iteration 8·c.Length bytes"),
    };
}
