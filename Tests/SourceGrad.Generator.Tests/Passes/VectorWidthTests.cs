using System.Diagnostics;
using System.Globalization;
using Microsoft.CodeAnalysis;
using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests.Passes;

/// <summary>
/// A vectorised loop has one branch per vector width, and a process runs only the widest its processor accelerates:
/// on an AVX-512 machine the Vector256 branch of a loop that rotates lanes never runs in the test process. These tests
/// compile a generated gradient into a small program and run it in child processes with the wider instruction sets
/// switched off (the runtime's <c>DOTNET_EnableAVX512</c>, <c>DOTNET_EnableAVX2</c> settings), so that every branch runs
/// on whatever machine runs the tests, and compare each gradient and Hessian-vector product with the scalar one
/// (<c>Vectorize = false</c>).
/// </summary>
public sealed class VectorWidthTests
{
    /// <summary>Two loops that rotate lanes, each as a vectorised method and its scalar twin (<c>Vectorize = false</c>).</summary>
    private static readonly string Program =
        "public static partial class Stencil\n{\n"
        + Twins("double", "F", "G", """
            // Contributions to dX[i], dX[i + 1] and dX[i + 2]: the vector loop rotates lanes by one and by two.
            for (int i = 0; i < x.Length - 2; i++)
            {
                double a = x[i + 1] - x[i] * x[i];
                double b = x[i + 2] - 0.5 * x[i];
                sum += 100 * a * a + b * b;
            }
            """)
        + Twins("float", "H", "K", """
            for (int i = 0; i < x.Length - 1; i++)
            {
                float d = x[i + 1] - x[i];
                sum += d * d * x[i];
            }
            """)
        + "}\n" + """
        public static class Harness
        {
            // Prints the widths this process accelerates, then the largest relative difference between the vectorised
            // and the scalar gradients, in double and in float, over lengths that leave every kind of tail.
            public static void Main()
            {
                double worstDouble = 0, worstFloat = 0;
                for (int n = 0; n <= 70; n++)
                {
                    var x = new double[n];
                    var xf = new float[n];
                    for (int i = 0; i < n; i++)
                    {
                        x[i] = System.Math.Sin(1.3 * i + 0.2) * 1.4;
                        xf[i] = (float)x[i];
                    }

                    var dF = new double[n];
                    var dG = new double[n];
                    double f = Stencil.FGradient(x, dF), g = Stencil.GGradient(x, dG);
                    worstDouble = System.Math.Max(worstDouble, Relative(f, g));
                    for (int i = 0; i < n; i++) worstDouble = System.Math.Max(worstDouble, Relative(dF[i], dG[i]));

                    // The Hessian-vector product's loops rotate the tangents' lanes too.
                    var v = new double[n];
                    for (int i = 0; i < n; i++) v[i] = System.Math.Cos(0.7 * i);
                    var hvF = new double[n];
                    var hvG = new double[n];
                    System.Array.Clear(dF);
                    System.Array.Clear(dG);
                    Stencil.FHessianVector(x, v, dF, hvF);
                    Stencil.GHessianVector(x, v, dG, hvG);
                    for (int i = 0; i < n; i++) worstDouble = System.Math.Max(worstDouble, System.Math.Max(Relative(hvF[i], hvG[i]), Relative(dF[i], dG[i])));

                    var dH = new float[n];
                    var dK = new float[n];
                    float h = Stencil.HGradient(xf, dH), k = Stencil.KGradient(xf, dK);
                    worstFloat = System.Math.Max(worstFloat, Relative(h, k));
                    for (int i = 0; i < n; i++) worstFloat = System.Math.Max(worstFloat, Relative(dH[i], dK[i]));
                }

                System.Console.WriteLine(string.Join(" ",
                    System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated,
                    System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated,
                    worstDouble.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                    worstFloat.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
            }

            private static double Relative(double a, double b) => System.Math.Abs(a - b) / System.Math.Max(1.0, System.Math.Abs(b));
        }
        """;

    private static readonly Lazy<string> s_program = new(Build);

    /// <summary>The loop <paramref name="body"/> as method <paramref name="vectorised"/> and as its scalar twin <paramref name="scalar"/>.</summary>
    private static string Twins(string type, string vectorised, string scalar, string body) =>
        string.Concat(new[] { (vectorised, "[Differentiable(HessianVector = true)]"), (scalar, "[Differentiable(HessianVector = true, Vectorize = false)]") }.Select(method => $$"""
            {{method.Item2}}
            public static {{type}} {{method.Item1}}(ReadOnlySpan<{{type}}> x)
            {
                {{type}} sum = 0;
            {{body}}
                return sum;
            }

            """));

    [Fact]
    public void The_generated_loops_have_a_Vector256_branch_for_the_rotations()
    {
        GeneratorRun run = GeneratorRunner.Run(Program);
        string Generated(string method, string kind) =>
            Assert.Single(run.Sources, s => s.HintName.StartsWith($"Stencil.{method}.", StringComparison.Ordinal)
                && s.HintName.EndsWith($".{kind}.g.cs", StringComparison.Ordinal)).Text;
        foreach (string kind in new[] { "Gradient", "HessianVector" })
        {
            Assert.Contains("Vector256.IsHardwareAccelerated", Generated("F", kind), StringComparison.Ordinal);
            Assert.Contains("Vector256.Shuffle(", Generated("F", kind), StringComparison.Ordinal);
            Assert.DoesNotContain("IsHardwareAccelerated", Generated("G", kind), StringComparison.Ordinal);
        }
    }

    /// <param name="disabled">The instruction set switched off in the child process; none when null.</param>
    [Theory]
    [InlineData(null)]
    // .NET 10 switches AVX-512 off as one group; it ignores the older per-subset DOTNET_EnableAVX512F.
    [InlineData("DOTNET_EnableAVX512")]
    [InlineData("DOTNET_EnableAVX2")]
    public void Every_vector_width_gives_the_scalar_gradient_to_rounding(string? disabled)
    {
        (bool wide512, bool wide256, double worstDouble, double worstFloat) = RunWith(disabled);
        if (disabled == "DOTNET_EnableAVX512")
        {
            Assert.False(wide512);
            // Where this processor has AVX2 the child ran the Vector256 branch: the case exists to run it.
            Assert.Equal(System.Runtime.Intrinsics.X86.Avx2.IsSupported, wide256);
        }
        else if (disabled == "DOTNET_EnableAVX2")
        {
            Assert.False(wide256);
        }

        // The lanes add each element's contributions in another order than the scalar loop: rounding, no more.
        Assert.True(worstDouble <= 1e-13, $"double gradients differ by {worstDouble:E2} (Vector512 {wide512}, Vector256 {wide256})");
        Assert.True(worstFloat <= 1e-5, $"float gradients differ by {worstFloat:E2} (Vector512 {wide512}, Vector256 {wide256})");
    }

    /// <summary>Runs the program in a child process with <paramref name="disabled"/> set to 0 (none when null).</summary>
    private static (bool Wide512, bool Wide256, double WorstDouble, double WorstFloat) RunWith(string? disabled)
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(s_program.Value);
        if (disabled is not null)
        {
            start.Environment[disabled] = "0";
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "the program did not finish in two minutes");
        Assert.True(process.ExitCode == 0, $"the program failed ({process.ExitCode}): {output}{error.Result}");
        string[] fields = output.Trim().Split(' ');
        Assert.Equal(4, fields.Length);
        return (bool.Parse(fields[0]), bool.Parse(fields[1]),
            double.Parse(fields[2], CultureInfo.InvariantCulture), double.Parse(fields[3], CultureInfo.InvariantCulture));
    }

    /// <summary>Compiles the program once into a temporary folder with the runtime beside it; returns the program's path.</summary>
    private static string Build()
    {
        GeneratorRun run = GeneratorRunner.Run(Program);
        Assert.Empty(run.GeneratorDiagnostics);
        // One folder per test process, named by its id, so runs do not pile up folders (a later process reusing the id
        // replaces the program).
        string folder = Path.Combine(Path.GetTempPath(), "sourcegrad-vector-widths-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        string program = Path.Combine(folder, "VectorWidths.dll");
        Compilation console = run.OutputCompilation
            .WithAssemblyName("VectorWidths")
            .WithOptions(((Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions)run.OutputCompilation.Options)
                .WithOutputKind(OutputKind.ConsoleApplication).WithMainTypeName("Harness"));
        var emitted = console.Emit(program);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));

        string runtime = typeof(DifferentiableAttribute).Assembly.Location;
        File.Copy(runtime, Path.Combine(folder, Path.GetFileName(runtime)));
        File.WriteAllText(Path.Combine(folder, "VectorWidths.runtimeconfig.json"), $$"""
            {
              "runtimeOptions": {
                "tfm": "net10.0",
                "framework": { "name": "Microsoft.NETCore.App", "version": "{{Environment.Version.ToString(3)}}" }
              }
            }
            """);
        return program;
    }
}
