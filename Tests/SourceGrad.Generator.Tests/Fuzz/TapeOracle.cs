using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SourceGrad.Oracle;

namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>
/// The second oracle (issue #6): each program is also translated to the scalar tape (<see cref="TapeTranslator"/>),
/// compiled into the same assembly as its batch, and run at the same points as the generated gradient, which must
/// agree with it to rounding (both are exact reverse-mode AD). See docs/tape-oracle.md.
/// </summary>
internal static class TapeOracle
{
    /// <summary>Double programs: the two gradients differ only by the rounding of differently ordered sums and of intrinsics.</summary>
    public const double Tolerance = 1e-9;

    /// <summary>A float program's gradient is computed in float, its tape version in double.</summary>
    public const double FloatTolerance = 1e-3;

    /// <summary>SOURCEGRAD_FUZZ_TAPE=0 switches the second oracle off (to time the run without it).</summary>
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("SOURCEGRAD_FUZZ_TAPE") != "0";

    /// <summary>How a failure of this oracle's comparison begins.</summary>
    public const string MismatchHeading = "the generated gradient differs from the tape's";

    public static string FileName(FuzzProgram program) => $"{FuzzProgram.Namespace}.{program.ClassName}.Tape.cs";

    public static string HarnessName(FuzzProgram program) => program.ClassName + "TapeHarness";

    public static bool IsTapeFile(string path) => path.EndsWith(".Tape.cs", StringComparison.Ordinal);

    /// <summary>
    /// The tape versions of FuzzLib and of every program (with a harness each), as trees to add to the batch's
    /// compilation; the programs that cannot be translated come back with the translator's message.
    /// </summary>
    public static (List<SyntaxTree> Trees, List<(FuzzProgram Program, string Message)> Untranslatable) Translate(
        Compilation compilation, IReadOnlyList<FuzzProgram> programs)
    {
        if (!Enabled)
        {
            return ([], []);
        }

        INamedTypeSymbol library = compilation.GetTypeByMetadataName($"{FuzzProgram.Namespace}.FuzzLib")!;
        // Its [Differentiable] methods and the ones with rules (their bodies are translated; the rules are exact).
        HashSet<string> ruled = library.GetMembers().SelectMany(m => m.GetAttributes())
            .Where(a => a.AttributeClass?.Name == "DerivativeOfAttribute")
            .Select(a => (string)a.ConstructorArguments[0].Value!)
            .ToHashSet();
        IMethodSymbol[] libraryMethods = library.GetMembers().OfType<IMethodSymbol>()
            .Where(m => IsDifferentiable(m) || ruled.Contains(m.Name))
            .ToArray();
        var trees = new List<SyntaxTree>
        {
            Parse(TapeTranslator.Translate(compilation, libraryMethods, TapeOutput.NestedInType), "FuzzLib.Tape.cs"),
        };
        var untranslatable = new List<(FuzzProgram, string)>();
        foreach (FuzzProgram program in programs)
        {
            INamedTypeSymbol type = compilation.GetTypeByMetadataName($"{FuzzProgram.Namespace}.{program.ClassName}")!;
            // The checkpointed twins are checked against the main method's gradient, not the tape.
            HashSet<string> twins = program.CheckpointTwins.Select(t => t.Name).ToHashSet();
            IMethodSymbol[] methods = type.GetMembers().OfType<IMethodSymbol>()
                .Where(m => IsDifferentiable(m) && !twins.Contains(m.Name))
                .ToArray();
            try
            {
                string translated = TapeTranslator.Translate(compilation, methods, TapeOutput.NestedInType, libraryMethods);
                IMethodSymbol main = methods.Single(m => m.Name == program.Main.Name);
                string harness = $"namespace {FuzzProgram.Namespace}\n{{\npublic static class {HarnessName(program)}\n{{\n{TapeHarness.OnTape(main, "Gradient", TapeOutput.NestedInType)}}}\n}}\n";
                trees.Add(Parse(translated + harness, FileName(program)));
            }
            catch (TapeTranslationException e)
            {
                untranslatable.Add((program, e.Message));
            }
        }

        return (trees, untranslatable);
    }

    private static bool IsDifferentiable(IMethodSymbol method) =>
        method.GetAttributes().Any(a => a.AttributeClass?.Name == "DifferentiableAttribute");

    private static SyntaxTree Parse(string source, string path) => InMemoryCompilation.Parse(source, path);

    public static TapeHarness.Call? Load(FuzzProgram program, Assembly assembly) =>
        Enabled ? assembly.GetType($"{FuzzProgram.Namespace}.{HarnessName(program)}", throwOnError: true)!.GetMethod("Gradient")!.CreateDelegate<TapeHarness.Call>() : null;

    /// <summary>
    /// Runs the tape version at <paramref name="point"/> and compares it with what the generated gradient gave there:
    /// its result, the buffer it left, and the adjoints. Null when they agree, else the report.
    /// </summary>
    public static string? Compare(CompiledProgram compiled, EvaluationPoint point, double generatedResult, double[] generatedBuffer, double[] dScalars, double[] dBuffer)
    {
        FuzzProgram program = compiled.Program;
        Param[] parameters = program.Main.Params;
        var args = new double[parameters.Length][];
        var adjoints = new double[parameters.Length][];
        int scalar = 0;
        for (int k = 0; k < parameters.Length; k++)
        {
            Param p = parameters[k];
            if (p.IsDouble)
            {
                args[k] = [point.Scalars[scalar]];
                adjoints[k] = p.NoGrad ? null! : [point.ScalarAdjoints[scalar]];
                scalar++;
            }
            else if (p.IsBuffer)
            {
                args[k] = (double[])point.Buffer.Clone();
                adjoints[k] = p.NoGrad ? null! : (double[])point.Upstream.Clone();
            }
            else
            {
                args[k] = [p.Name == "n" ? point.N : point.M];
            }
        }

        double tapeResult;
        try
        {
            tapeResult = compiled.TapeGradient!(args, adjoints, point.Seed);
        }
        catch (Exception e)
        {
            return $"the tape version threw {e.GetType().Name}: {e.Message}\n{point}";
        }

        var components = new List<(string Name, double Tape, double Generated)> { ("result", tapeResult, generatedResult) };
        scalar = 0;
        for (int k = 0; k < parameters.Length; k++)
        {
            Param p = parameters[k];
            if (p.IsDouble)
            {
                if (!p.NoGrad) components.Add(($"d{p.Name}", adjoints[k][0], dScalars[scalar]));
                scalar++;
            }
            else if (p.IsBuffer)
            {
                components.AddRange(args[k].Select((v, i) => ($"{p.Name}[{i}] after", v, generatedBuffer[i])));
                if (!p.NoGrad) components.AddRange(adjoints[k].Select((v, i) => ($"d{p.Name}[{i}]", v, dBuffer[i])));
            }
        }

        double tolerance = program.IsFloat ? FloatTolerance : Tolerance;
        double scale = Math.Max(1, components.Max(c => Math.Abs(c.Generated)));
        // The tape differentiates every value, so values that overflow without reaching the result give it 0·∞ = NaN
        // in an adjoint (found by a long-buffer run: a buffer doubling 40 times beside a result that ignores it); the
        // generated adjoint, which has just matched finite differences, is then the one to believe.
        bool Agree((string Name, double Tape, double Generated) c) =>
            Math.Abs(c.Tape - c.Generated) <= tolerance * Math.Max(Math.Abs(c.Tape), Math.Abs(c.Generated)) + tolerance * 0.01 * scale
            || (c.Name.StartsWith('d') && double.IsNaN(c.Tape) && double.IsFinite(c.Generated));
        if (components.All(Agree))
        {
            return null;
        }

        var report = new StringBuilder(MismatchHeading + " (the same program, translated to the scalar tape):\n");
        foreach (var c in components)
        {
            report.Append(CultureInfo.InvariantCulture, $"  {c.Name}: generated {GradientChecker.R(c.Generated)}, tape {GradientChecker.R(c.Tape)}{(Agree(c) ? "" : "  <-- differs")}\n");
        }

        return report.Append(point).ToString();
    }
}
