using SourceGrad.Generator.Differentiation;
using SourceGrad.Generator.Emission;
using SourceGrad.Generator.Model;
using SourceGrad.Generator.Passes;
using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests.Passes;

/// <summary>
/// A program before and after one pass: the method's adjoint program with the pipeline run up to the pass, and up to
/// and with it, each printed as the body of the gradient (saves lowered when the storage pass has not run yet, since
/// only lowered saves can be printed).
/// </summary>
internal static class PassHarness
{
    public static (string Before, string After) BeforeAndAfter(string source, string pass)
    {
        MethodModel method = Model(source);
        AdjointProgram program = ReverseMode.Differentiate(method, out _);
        int at = Index(pass);
        int storage = Index(nameof(SaveStorage));
        return (Print(method, PassPipeline.Run(program, stopBefore: pass), lowered: storage < at),
            Print(method, PassPipeline.Run(program, stopAfter: pass), lowered: storage <= at));
    }

    /// <summary>The program after the whole pipeline.</summary>
    public static string Final(string source)
    {
        MethodModel method = Model(source);
        return Print(method, PassPipeline.Run(ReverseMode.Differentiate(method, out _)), lowered: true);
    }

    private static MethodModel Model(string source) =>
        Assert.Single(Assert.Single(GeneratorRunner.Run(source).Driver.GetRunResult().Results)
            .TrackedSteps[StepNames.Recognition]
            .SelectMany(run => run.Outputs)
            .Select(output => (MethodModel)output.Value));

    private static int Index(string pass)
    {
        for (int i = 0; i < PassPipeline.Passes.Count; i++)
        {
            if (PassPipeline.Passes[i].Name == pass)
            {
                return i;
            }
        }

        throw new ArgumentException($"no pass is named '{pass}'", nameof(pass));
    }

    private static string Print(MethodModel method, AdjointProgram program, bool lowered)
    {
        if (!lowered)
        {
            program = SaveStorage.Run(program);
        }

        var writer = new SourceWriter();
        ProgramPrinter.Print(method, program, writer);
        return writer.ToString().Replace("global::System.Runtime.Intrinsics.", "").Replace("global::System.Numerics.", "")
            .Replace("global::System.Runtime.InteropServices.", "").Replace("global::System.", "").Replace("global::SourceGrad.Internal.", "");
    }

    /// <summary>The lines of printed code, trimmed, for assertions that do not depend on indentation.</summary>
    public static string[] Lines(string code) => code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
}
