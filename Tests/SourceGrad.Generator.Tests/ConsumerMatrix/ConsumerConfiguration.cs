using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests.ConsumerMatrix;

/// <summary>
/// One consumer project's settings, as the compilation and parse options the SDK would give its compiler, and the
/// files such a project adds beside <see cref="ConsumerCorpus"/>. Warnings are errors in every configuration.
/// </summary>
internal sealed record ConsumerConfiguration(
    string Name,
    bool ImplicitUsings = true,
    NullableContextOptions Nullable = NullableContextOptions.Enable,
    LanguageVersion LanguageVersion = LanguageVersion.Latest,
    int WarningLevel = ConsumerConfiguration.SdkWarningLevel,
    bool ShadowingTypes = false,
    bool GlobalUsings = false)
{
    /// <summary>The warning level the SDK gives a net10.0 project (its target framework's major version).</summary>
    public const int SdkWarningLevel = 10;

    /// <summary>Every warning wave the compiler knows: what AnalysisLevel latest-all (and preview) asks of the compiler itself.</summary>
    public const int EveryWarningLevel = 9999;

    /// <summary>
    /// The matrix. The first is a new project from the SDK's template; each of the next changes one setting; the last
    /// changes all of them at once.
    /// </summary>
    public static IReadOnlyList<ConsumerConfiguration> All { get; } =
    [
        new("template defaults: implicit usings on, nullable enabled, LangVersion latest"),
        new("implicit usings off", ImplicitUsings: false),
        new("nullable disabled", Nullable: NullableContextOptions.Disable),
        new("nullable warnings only", Nullable: NullableContextOptions.Warnings),
        new("AnalysisLevel latest-all: every warning wave", WarningLevel: EveryWarningLevel),
        new("LangVersion 12", LanguageVersion: LanguageVersion.CSharp12),
        new("LangVersion 13", LanguageVersion: LanguageVersion.CSharp13),
        new("LangVersion preview", LanguageVersion: LanguageVersion.Preview),
        new("user types named Math, MathF, Span, System, Vector, SourceGrad", ShadowingTypes: true),
        new("global using static System.Math and global aliases", GlobalUsings: true),
        new("all at once: implicit usings off, every warning wave, LangVersion 12, user types, global usings",
            ImplicitUsings: false, WarningLevel: EveryWarningLevel, LanguageVersion: LanguageVersion.CSharp12,
            ShadowingTypes: true, GlobalUsings: true),
    ];

    public static ConsumerConfiguration Named(string name) => All.Single(c => c.Name == name);

    public CSharpParseOptions ParseOptions => new(LanguageVersion);

    /// <summary>As the SDK compiles with TreatWarningsAsErrors: every warning (at this level) reported as an error.</summary>
    public CSharpCompilationOptions CompilationOptions => GeneratorRunner.CompilationOptions
        .WithNullableContextOptions(Nullable)
        .WithWarningLevel(WarningLevel)
        .WithGeneralDiagnosticOption(ReportDiagnostic.Error);

    /// <summary>The corpus and the files this configuration adds to the project.</summary>
    public IEnumerable<(string Path, string Source)> Files =>
        ConsumerCorpus.Files
            .Concat(ImplicitUsings ? [("obj/Consumer.GlobalUsings.g.cs", GeneratorRunner.ImplicitUsings)] : [])
            .Concat(ShadowingTypes ? [("Consumer/Shadowing.cs", Shadowing)] : [])
            .Concat(GlobalUsings ? [("Consumer/GlobalUsings.cs", GlobalUsingsSource), ("Consumer/StaticMath.cs", StaticMath)] : []);

    public IEnumerable<CorpusCase> Cases =>
        ConsumerCorpus.Cases.Concat(GlobalUsings ? [new CorpusCase("Consumer.Matrix.StaticMath", "Wave", 0.3, 1.2)] : []);

    public override string ToString() => Name;

    /// <summary>
    /// Types of the user's own named like those generated code uses, in the namespace of the differentiable methods
    /// and inside one of their types (closer still), with the arities of the real ones.
    /// </summary>
    private const string Shadowing = """
        namespace Consumer.Matrix
        {
            public static class Math { }
            public static class MathF { }
            public readonly struct Span { }
            public readonly struct Span<T> { }
            public static class System { }
            public readonly struct Vector { }
            public readonly struct Vector<T> { }
            public static class SourceGrad { }
            public static class MemoryExtensions { }

            public static partial class Buffers
            {
                public static class Math { }
                public static class MathF { }
                public readonly struct Span<T> { }
                public static class System { }
                public static class MemoryExtensions { }
            }
        }
        """;

    /// <summary>Global usings that put names in every file, the generated ones included.</summary>
    private const string GlobalUsingsSource = """
        global using static System.Math;
        global using MathF = System.Math;
        global using Vector = System.Numerics.Vector<float>;
        """;

    /// <summary>A method written for a project with <c>global using static System.Math</c>: the functions called bare.</summary>
    private const string StaticMath = """
        using SourceGrad;

        namespace Consumer.Matrix;

        /// <summary>Math's functions without their class.</summary>
        public static partial class StaticMath
        {
            [Differentiable]
            public static double Wave(double x, double y) => Sin(x) * Exp(-y * y) + Max(x, y) + Pow(y, 2);
        }
        """;
}
