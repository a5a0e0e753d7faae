using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using SourceGrad.Oracle;
using SourceGrad.Tests.Catalogue;

namespace SourceGrad.Tests.Oracle;

/// <summary>
/// Issue #4's second oracle: every catalogue method (but <see cref="CatalogueOracle.Excluded"/>) written against the
/// scalar tape gives the same gradient as the generated one, at seeded points of the catalogue tests' domains. Both are
/// exact reverse-mode AD, so double methods agree to rounding; float methods compute in float on one side only.
/// </summary>
public class CatalogueOracleTests
{
    private const int Points = 4;

    /// <summary>[Differentiable] methods in Catalogue/*Catalogue.cs.</summary>
    private const int CatalogueMethodCount = 141;
    private const double DoubleTolerance = 1e-10;
    private const double FloatTolerance = 1e-4;

    public static TheoryData<string> Methods => new(CatalogueOracle.Instance.Names.Order(StringComparer.Ordinal));

    [Fact]
    public void Every_catalogue_method_but_the_excluded_ones_is_compared() =>
        Assert.Equal(CatalogueMethodCount - CatalogueOracle.Excluded.Count, CatalogueOracle.Instance.Names.Count);

    [Theory]
    [MemberData(nameof(Methods))]
    public void Tape_gradient_equals_the_generated_gradient(string name)
    {
        (TapeHarness.Call tape, TapeHarness.Call generated, IMethodSymbol method) = CatalogueOracle.Instance[name];
        bool isFloat = IsFloat(method);
        double tolerance = isFloat ? FloatTolerance : DoubleTolerance;
        Random rng = Sample.For("oracle." + name);
        for (int point = 0; point < Points; point++)
        {
            double[][] args = Draw(method, name, rng, isFloat);
            double[][] adjoints = method.Parameters.Select(p => TapeHarness.IsActive(p) ? Quantize(rng.Doubles(args[p.Ordinal].Length, -2, 2), isFloat) : null).ToArray()!;
            double seed = Quantize([rng.Uniform(0.5, 2)], isFloat)[0];

            double[][] tapeArgs = Copy(args), tapeAdjoints = Copy(adjoints);
            double tapeResult = tape(tapeArgs, tapeAdjoints, seed);
            double[][] generatedArgs = Copy(args), generatedAdjoints = Copy(adjoints);
            double generatedResult = generated(generatedArgs, generatedAdjoints, seed);

            var report = new StringBuilder();
            Compare(report, "result", [tapeResult], [generatedResult], tolerance);
            foreach (IParameterSymbol p in method.Parameters)
            {
                Compare(report, p.Name + " (after the call)", tapeArgs[p.Ordinal], generatedArgs[p.Ordinal], tolerance);
                if (adjoints[p.Ordinal] is not null) Compare(report, "d" + p.Name, tapeAdjoints[p.Ordinal], generatedAdjoints[p.Ordinal], tolerance);
            }

            Assert.True(report.Length == 0,
                $"{name} at {string.Join(", ", method.Parameters.Select(p => $"{p.Name} = [{string.Join(", ", args[p.Ordinal].Select(R))}]"))}, seed {R(seed)}:\n{report}");
        }
    }

    [Fact]
    public void The_translator_names_what_it_cannot_translate()
    {
        // A lambda: the translation must fail loudly rather than skip it.
        var exception = Assert.Throws<TapeTranslationException>(() => CatalogueOracle.TranslateSource("""
            public static partial class C
            {
                [SourceGrad.Differentiable]
                public static double F(double x) { System.Func<double, double> f = v => v * v; return f(x); }
            }
            """));
        Assert.Contains("cannot translate a SimpleLambdaExpression to the tape: `v => v * v`", exception.Message, StringComparison.Ordinal);
    }

    internal static double[][] Draw(IMethodSymbol method, string name, Random rng, bool isFloat)
    {
        CatalogueDomains.Overrides.TryGetValue(name, out var overrides);
        return method.Parameters.Select(p =>
        {
            if (overrides?.TryGetValue(p.Name, out CatalogueDomains.Draw? draw) == true) return Quantize(draw(rng), isFloat && !IsIntLike(p));
            if (TapeTranslator.IsReal(p.Type)) return Quantize(CatalogueDomains.DefaultScalar(rng), isFloat);
            if (TapeTranslator.RealElement(p.Type) is not null) return Quantize(CatalogueDomains.DefaultBuffer(rng), isFloat);
            if (p.Type.SpecialType == SpecialType.System_Boolean) return [rng.Next(2)];
            if (p.Type.SpecialType is SpecialType.System_Int32) return [CatalogueDomains.Ints.GetValueOrDefault(p.Name, 3)];
            return new double[6]; // an int buffer
        }).ToArray();
    }

    /// <summary>Whether the method computes in float (a float parameter, buffer or result).</summary>
    internal static bool IsFloat(IMethodSymbol method) =>
        method.Parameters.Any(p => p.Type.SpecialType == SpecialType.System_Single || TapeTranslator.RealElement(p.Type)?.SpecialType == SpecialType.System_Single)
        || method.ReturnType.SpecialType == SpecialType.System_Single;

    private static bool IsIntLike(IParameterSymbol p) => !TapeTranslator.IsReal(p.Type) && TapeTranslator.RealElement(p.Type) is null;

    /// <summary>Float methods get values a float represents exactly, so both sides start from the same inputs.</summary>
    internal static double[] Quantize(double[] values, bool isFloat) => isFloat ? values.Select(v => (double)(float)v).ToArray() : values;

    internal static double[][] Copy(double[][] arrays) => arrays.Select(a => (double[])a?.Clone()!).ToArray();

    private static void Compare(StringBuilder report, string what, double[] tape, double[] generated, double tolerance)
    {
        double scale = Math.Max(1, tape.Concat(generated).Select(Math.Abs).DefaultIfEmpty(0).Max());
        for (int i = 0; i < tape.Length; i++)
        {
            bool close = Math.Abs(tape[i] - generated[i]) <= tolerance * Math.Max(Math.Abs(tape[i]), Math.Abs(generated[i])) + tolerance * 1e-2 * scale;
            if (!close || !double.IsFinite(tape[i]))
            {
                report.Append(CultureInfo.InvariantCulture, $"  {what}[{i}]: tape {R(tape[i])}, generated {R(generated[i])}\n");
            }
        }
    }

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
