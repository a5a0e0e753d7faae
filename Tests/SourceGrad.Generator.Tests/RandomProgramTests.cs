using System.Reflection;
using CsCheck;
using Microsoft.CodeAnalysis;
using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests;

/// <summary>
/// Property test over random programs (<see cref="RandomPrograms"/>), generated from fixed seeds so every run
/// checks the same ones, in double and in float: each gets a gradient with no SG error, the output compiles
/// with no warning in the generated code, and the gradient matches central finite differences at several
/// points and loop counts.
/// </summary>
public class RandomProgramTests
{
    private const int ProgramCount = 60;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Random_programs_get_gradients_that_compile_and_match_finite_differences(bool single)
    {
        string[] methods = Enumerable.Range(0, ProgramCount)
            .Select(k => RandomPrograms.Render(RandomPrograms.Programs.Generate(new PCG(7, (ulong)k), null!, out _), $"F{k}", single))
            .ToArray();
        GeneratorRun run = GeneratorRunner.RunForDiagnostics($$"""
            public static partial class RandomCode
            {
            {{string.Join("\n", methods)}}
            }
            """);

        foreach (Diagnostic error in run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            Assert.Fail($"The generator rejected a supported program: {error}\n{MethodAt(methods, error)}");
        }

        var generatedTrees = run.OutputCompilation.SyntaxTrees.Except(run.InputCompilation.SyntaxTrees).ToHashSet();
        var problems = run.CompilationDiagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error
                || (d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && generatedTrees.Contains(tree)))
            .ToList();
        Assert.True(problems.Count == 0, "The generated code has problems:\n" + string.Join("\n", problems) + "\n\n" + run.Dump());

        Type type = run.Load().GetType("RandomCode")!;
        for (int k = 0; k < ProgramCount; k++)
        {
            var pcg = new PCG(11, (ulong)k);
            foreach (int n in new[] { 0, 1, 3 })
            {
                object[] arguments = single
                    ? new object[] { (float)Coordinate(pcg), (float)Coordinate(pcg), (float)Coordinate(pcg), n }
                    : new object[] { Coordinate(pcg), Coordinate(pcg), Coordinate(pcg), n };
                try
                {
                    GradientCheck.AssertMatchesFiniteDifferences(type, $"F{k}", arguments);
                }
                catch (Exception e) when (e is not TargetInvocationException)
                {
                    Assert.Fail($"{e.Message}\nat (x, y, z, n) = ({string.Join(", ", arguments)}) in\n{methods[k]}\n{run.Source($"RandomCode.F{k}.").Text}");
                }
            }
        }
    }

    [Fact]
    public void Random_programs_are_the_same_on_every_run()
    {
        string first = RandomPrograms.Render(RandomPrograms.Programs.Generate(new PCG(7, 3), null!, out _), "F");
        string second = RandomPrograms.Render(RandomPrograms.Programs.Generate(new PCG(7, 3), null!, out _), "F");

        Assert.Equal(first, second);
        Assert.Contains("[Differentiable]", first, StringComparison.Ordinal);
    }

    /// <summary>
    /// Uniform on [-1.5, 1.5]: unlike a shrinking-friendly generator it almost never lands on a kink of a
    /// comparison, Max or Min (0, a constant, another coordinate), where finite differences are meaningless.
    /// </summary>
    private static double Coordinate(PCG pcg) => -1.5 + (3.0 * pcg.Next() / uint.MaxValue);

    private static string MethodAt(string[] methods, Diagnostic diagnostic)
    {
        string line = diagnostic.Location.SourceTree!.GetText().Lines[diagnostic.Location.GetLineSpan().StartLinePosition.Line].ToString().Trim();
        return methods.FirstOrDefault(m => m.Contains(line, StringComparison.Ordinal)) ?? line;
    }
}
