using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests;

/// <summary>
/// The saved-bytes report (SG0037 and the doc comments): its formula, checked against what the generated forward
/// sweep actually keeps. Each method is split (<c>Split = true</c>), its <c>MForward</c> run for several sizes, and the
/// bytes its <c>MSaved</c> holds counted field by field — a pooled buffer's length, a save stack's values at the
/// boundary, a scalar's size — then compared with the formula evaluated at that size.
/// </summary>
public class SavedBytesTests
{
    private const string Source = """
        public static partial class Saving
        {
            [Differentiable(Split = true)]
            public static double Horner(ReadOnlySpan<double> c, double x)
            {
                double p = 0;
                for (int i = 0; i < c.Length; i++)
                {
                    p = p * x + c[i];
                }

                return p;
            }

            [Differentiable(Split = true)]
            public static double Hidden(ReadOnlySpan<double> x, ReadOnlySpan<double> w, [NoGrad] double limit)
            {
                Span<double> h = stackalloc double[x.Length];
                for (int i = 0; i < x.Length; i++)
                {
                    h[i] = Math.Tanh(w[i] * x[i]);
                }

                double s = 0;
                int k = 0;
                while (k < h.Length && s < limit)
                {
                    s += h[k] * h[k];
                    k++;
                }

                return s;
            }

            [Differentiable(Split = true)]
            public static float Layer(ReadOnlySpan<float> x, ReadOnlySpan<float> w, int inputs, int outputs)
            {
                float total = 0;
                for (int o = 0; o < outputs; o++)
                {
                    float sum = 0;
                    for (int i = 0; i < inputs; i++)
                    {
                        sum += MathF.Tanh(w[o * inputs + i] * x[i]);
                    }

                    total += sum * sum;
                }

                return total;
            }

            // Reflection cannot pass spans: these run each forward from arrays and hand back its boxed state.
            public static object HornerKept(double[] c, double x) { HornerForward(c, x, out HornerSaved saved); return saved; }
            public static object HiddenKept(double[] x, double[] w, double limit) { HiddenForward(x, w, limit, out HiddenSaved saved); return saved; }
            public static object LayerKept(float[] x, float[] w, int inputs, int outputs) { LayerForward(x, w, inputs, outputs, out LayerSaved saved); return saved; }
        }
        """;

    public static TheoryData<string, string, int> Cases() => new()
    {
        // method, the formula SG0037 must give, the size n the arguments are built from
        { "Horner", "saves 8·c.Length bytes for its reverse sweep", 1 },
        { "Horner", "saves 8·c.Length bytes for its reverse sweep", 37 },
        { "Hidden", "saves 16·x.Length + 4 bytes, plus 4 bytes per iteration of 'while (k < h.Length && s < limit)'", 5 },
        { "Hidden", "saves 16·x.Length + 4 bytes, plus 4 bytes per iteration of 'while (k < h.Length && s < limit)'", 300 },
        { "Layer", "saves 4·max(0, outputs) + 4·max(0, inputs)·max(0, outputs) + 4 bytes", 3 },
        { "Layer", "saves 4·max(0, outputs) + 4·max(0, inputs)·max(0, outputs) + 4 bytes", 20 },
    };

    private static readonly Lazy<(GeneratorRun Run, Assembly Assembly)> s_built = new(() =>
    {
        GeneratorRun run = GeneratorRunner.Run(Source);
        run.AssertCompilesCleanly();
        return (run, run.Load());
    });

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_reported_formula_is_what_the_forward_sweep_keeps(string method, string formula, int n)
    {
        (GeneratorRun run, Assembly assembly) = s_built.Value;
        Diagnostic report = Assert.Single(run.Reports, d => d.Id == "SG0037" && d.GetMessage().Contains($"'{method}'", StringComparison.Ordinal));
        Assert.Equal(DiagnosticSeverity.Info, report.Severity);
        Assert.True(report.GetMessage().Contains(formula, StringComparison.Ordinal), report.GetMessage());

        // The same formula in MGradient's and MSaved's doc comments (XML escaped there).
        string escaped = formula.Replace("saves ", "", StringComparison.Ordinal).Replace(" for its reverse sweep", "", StringComparison.Ordinal)
            .Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
        Assert.Contains("/// Saves " + escaped, GradientFile(run, method), StringComparison.Ordinal);
        Assert.Contains("/// In all it saves " + escaped, SplitFile(run, method), StringComparison.Ordinal);

        Type type = assembly.GetType("Saving")!;
        (long measured, long expected) = method switch
        {
            "Horner" => (Kept(type, method, RandomVector(n), 0.5), 8L * n),
            "Hidden" => (Kept(type, method, RandomVector(n), RandomVector(n, 2), 1e9), 16L * n + 4 + 4L * n),
            _ => (Kept(type, method, RandomFloats(n), RandomFloats(n * (n + 1), 3), n, n + 1), 4L * (n + 1) + 4L * n * (n + 1) + 4),
        };
        Assert.Equal(expected, measured);
    }

    [Fact]
    public void The_report_is_info_once_per_method_and_stays_info_under_warnings_as_errors()
    {
        // GeneratorRunner.Run compiles with every warning as an error: SG0037 must not become one.
        (GeneratorRun run, _) = s_built.Value;
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(3, run.Reports.Count(d => d.Id == "SG0037"));
        Assert.All(run.Reports, d => Assert.Equal(DiagnosticSeverity.Info, d.Severity));
        Assert.Equal(3, run.Reports.Select(d => d.Location.SourceSpan).Distinct().Count());
    }

    private static string GradientFile(GeneratorRun run, string method) =>
        Assert.Single(run.Sources, s => s.HintName.Contains($".{method}.", StringComparison.Ordinal) && s.HintName.EndsWith(".Gradient.g.cs", StringComparison.Ordinal)).Text;

    private static string SplitFile(GeneratorRun run, string method) =>
        Assert.Single(run.Sources, s => s.HintName.Contains($".{method}.", StringComparison.Ordinal) && s.HintName.EndsWith(".Split.g.cs", StringComparison.Ordinal)).Text;

    /// <summary>Runs <c>MForward</c> with <paramref name="arguments"/> and counts the bytes its saved state holds, then disposes it.</summary>
    private static long Kept(Type type, string method, params object[] arguments)
    {
        object state = type.GetMethod(method + "Kept")!.Invoke(null, arguments)!;
        long bytes = 0;
        foreach (FieldInfo field in state.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
        {
            Type fieldType = field.FieldType;
            object? value = field.GetValue(state);
            if (fieldType.Name == "SplitGuard")
            {
                continue;
            }

            if (fieldType.IsGenericType && fieldType.Name.StartsWith("PooledBuffer", StringComparison.Ordinal))
            {
                int length = (int)fieldType.GetField("_length", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(value)!;
                bytes += (long)length * Marshal.SizeOf(fieldType.GetGenericArguments()[0]);
            }
            else if (fieldType.IsGenericType && fieldType.Name.StartsWith("SaveStack", StringComparison.Ordinal))
            {
                int count = (int)fieldType.GetProperty("Count")!.GetValue(value)!;
                bytes += (long)count * Marshal.SizeOf(fieldType.GetGenericArguments()[0]);
            }
            else
            {
                bytes += fieldType == typeof(bool) ? 1 : Marshal.SizeOf(fieldType);
            }
        }

        ((IDisposable)state).Dispose();
        return bytes;
    }

    private static double[] RandomVector(int n, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
    }

    private static float[] RandomFloats(int n, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
    }
}
