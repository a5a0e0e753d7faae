using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using SourceGrad.Oracle;
using SourceGrad.Tests.Catalogue;

namespace SourceGrad.Tests.Oracle;

/// <summary>
/// Split mode across the catalogue (every method there has <c>Split = true</c>): <c>MForward</c> then
/// <c>MBackward</c> run the gradient's statements in its order, so the result, the arguments' final contents and every
/// adjoint equal <c>MGradient</c>'s bit for bit, at the oracle's seeded points.
/// </summary>
public class SplitCatalogueTests
{
    private const int Points = 4;

    public static TheoryData<string> Methods => new(CatalogueOracle.Instance.Names.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Methods))]
    public void Forward_then_backward_equals_the_gradient_bit_for_bit(string name)
    {
        (_, TapeHarness.Call gradient, IMethodSymbol method) = CatalogueOracle.Instance[name];
        TapeHarness.Call split = CatalogueOracle.Instance.Split(name);
        bool isFloat = CatalogueOracleTests.IsFloat(method);
        Random rng = Sample.For("split." + name);
        for (int point = 0; point < Points; point++)
        {
            double[][] args = CatalogueOracleTests.Draw(method, name, rng, isFloat);
            double[][] adjoints = method.Parameters
                .Select(p => TapeHarness.IsActive(p) ? CatalogueOracleTests.Quantize(rng.Doubles(args[p.Ordinal].Length, -2, 2), isFloat) : null)
                .ToArray()!;
            double seed = CatalogueOracleTests.Quantize([rng.Uniform(0.5, 2)], isFloat)[0];

            double[][] gradientArgs = CatalogueOracleTests.Copy(args), gradientAdjoints = CatalogueOracleTests.Copy(adjoints);
            double gradientResult = gradient(gradientArgs, gradientAdjoints, seed);
            double[][] splitArgs = CatalogueOracleTests.Copy(args), splitAdjoints = CatalogueOracleTests.Copy(adjoints);
            double splitResult = split(splitArgs, splitAdjoints, seed);

            var report = new StringBuilder();
            Compare(report, "result", [gradientResult], [splitResult]);
            foreach (IParameterSymbol p in method.Parameters)
            {
                Compare(report, p.Name + " (after the call)", gradientArgs[p.Ordinal], splitArgs[p.Ordinal]);
                if (adjoints[p.Ordinal] is not null) Compare(report, "d" + p.Name, gradientAdjoints[p.Ordinal], splitAdjoints[p.Ordinal]);
            }

            Assert.True(report.Length == 0, $"{name}, point {point}:\n{report}");
        }
    }

    private static void Compare(StringBuilder report, string what, double[] gradient, double[] split)
    {
        for (int i = 0; i < gradient.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(gradient[i]) != BitConverter.DoubleToInt64Bits(split[i]))
            {
                report.Append(CultureInfo.InvariantCulture, $"  {what}[{i}]: MGradient {gradient[i]:R}, MForward + MBackward {split[i]:R}\n");
            }
        }
    }
}
