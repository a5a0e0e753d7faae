using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;

namespace SourceGrad.Generator.Tests.Infrastructure;

/// <summary>
/// Checks a generated gradient whose method takes spans, against finite differences. Reflection cannot pass a
/// span, so <see cref="HarnessFor"/> writes a plain class that takes arrays instead and forwards to the method
/// and its gradient. The scalar checked is L = Σ r·(final contents of every written buffer) + ρ·(result): the
/// gradient is called with those weights as the upstream adjoints (r for written buffers, ρ as the seed) and
/// must return ∂L/∂(initial value) of every active parameter, element by element (DESIGN.md's contract for
/// written spans).
/// </summary>
public static class SpanGradientCheck
{
    public const string HarnessType = "SourceGradHarness";

    /// <summary>
    /// Generates gradients for <paramref name="source"/> beside a harness for <c>type.method</c>, checks that
    /// the output compiles cleanly with no generator diagnostic, and checks the gradient at the arguments.
    /// </summary>
    public static void AssertGeneratedGradientMatches(string source, string type, string method, object[] arguments)
    {
        string harness = HarnessFor(GeneratorRunner.CreateCompilation(GeneratorRunner.Prelude + source, GeneratorRunner.ImplicitUsings), type, method);
        GeneratorRun run = GeneratorRunner.Run(source, harness);

        Assert.Empty(run.GeneratorDiagnostics);
        run.AssertCompilesCleanly();
        AssertMatchesFiniteDifferences(run.Load().GetType(HarnessType)!, arguments);
    }

    /// <summary>
    /// The harness source for <c>Type.Method</c>, read from the compilation's symbols, as a class named
    /// <paramref name="harnessName"/> (one per method when several share a compilation).
    /// </summary>
    public static string HarnessFor(Compilation compilation, string typeName, string methodName, string harnessName = HarnessType)
    {
        INamedTypeSymbol type = compilation.GetTypeByMetadataName(typeName) ?? throw new ArgumentException($"No type '{typeName}'.", nameof(typeName));
        IMethodSymbol method = type.GetMembers(methodName).OfType<IMethodSymbol>().Single();
        string target = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + methodName;
        string returnType = method.ReturnType.ToDisplayString();

        var parameters = new List<string>();
        var arguments = new List<string>();
        var adjointParameters = new List<string>();
        var adjointArguments = new List<string>();
        var active = new List<string>();
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            string? element = ElementType(parameter.Type);
            parameters.Add($"{(element is null ? parameter.Type.ToDisplayString() : element + "[]")} {parameter.Name}");
            arguments.Add(parameter.Name);
            if (IsActive(parameter))
            {
                active.Add(parameter.Name);
                string adjoint = "d" + char.ToUpperInvariant(parameter.Name[0]) + parameter.Name[1..];
                adjointParameters.Add(element is null ? $"ref {parameter.Type.ToDisplayString()} {adjoint}" : $"{element}[] {adjoint}");
                adjointArguments.Add(element is null ? "ref " + adjoint : adjoint);
            }
        }

        if (!method.ReturnsVoid)
        {
            adjointParameters.Add($"{returnType} seed");
            adjointArguments.Add("seed");
        }

        var text = new StringBuilder();
        text.AppendLine($"public static class {harnessName}");
        text.AppendLine("{");
        text.AppendLine($"    public static readonly string[] Active = {{ {string.Join(", ", active.Select(Quote))} }};");
        text.AppendLine($"    public static readonly string[] ReadOnly = {{ {string.Join(", ", method.Parameters.Where(p => p.Type is INamedTypeSymbol { Name: "ReadOnlySpan" }).Select(p => Quote(p.Name)))} }};");
        text.AppendLine($"    public static {returnType} Primal({string.Join(", ", parameters)}) => {target}({string.Join(", ", arguments)});");
        text.AppendLine($"    public static {returnType} Gradient({string.Join(", ", parameters.Concat(adjointParameters))}) =>");
        text.AppendLine($"        {target}Gradient({string.Join(", ", arguments.Concat(adjointArguments))});");
        text.AppendLine("}");
        return text.ToString();
    }

    /// <summary>
    /// Checks the gradient at <paramref name="arguments"/> (arrays for span parameters). Each written buffer's
    /// final contents and the result get fixed pseudo-random weights.
    /// </summary>
    public static void AssertMatchesFiniteDifferences(Type harness, params object[] arguments)
    {
        MethodInfo primal = harness.GetMethod("Primal")!;
        MethodInfo gradient = harness.GetMethod("Gradient")!;
        ParameterInfo[] parameters = primal.GetParameters();
        bool single = parameters.Any(p => p.ParameterType == typeof(float) || p.ParameterType == typeof(float[])) || primal.ReturnType == typeof(float);

        // Which parameters are active, and which buffers the method may write (Span<T> and T[], not ReadOnlySpan<T>).
        var activeNames = (string[])harness.GetField("Active")!.GetValue(null)!;
        var readOnlyNames = (string[])harness.GetField("ReadOnly")!.GetValue(null)!;
        int[] active = Enumerable.Range(0, parameters.Length).Where(i => activeNames.Contains(parameters[i].Name)).ToArray();
        bool[] written = parameters.Select(p => p.ParameterType.IsArray && !readOnlyNames.Contains(p.Name)).ToArray();
        double[][] weights = Enumerable.Range(0, parameters.Length)
            .Select(i => written[i] ? Weights(((Array)arguments[i]).Length, seed: i) : Array.Empty<double>())
            .ToArray();
        const double resultWeight = 0.7;

        double Loss(object[] point)
        {
            object[] copy = Copy(point);
            double loss = resultWeight * ToDouble(primal.Invoke(null, copy));
            for (int i = 0; i < copy.Length; i++)
            {
                for (int e = 0; e < weights[i].Length; e++)
                {
                    loss += weights[i][e] * ToDouble(((Array)copy[i]).GetValue(e));
                }
            }

            return loss;
        }

        // The analytic gradient: upstream adjoints r for written buffers, zero elsewhere, seed ρ.
        object[] call = Copy(arguments).Concat(active.Select(i => parameters[i].ParameterType.IsArray
            ? FromDoubles(parameters[i].ParameterType, written[i] ? weights[i] : new double[((Array)arguments[i]).Length])
            : Convert.ChangeType(0, parameters[i].ParameterType, null))).ToList().ToArray();
        if (primal.ReturnType != typeof(void))
        {
            call = call.Append(Convert.ChangeType(resultWeight, primal.ReturnType, null)).ToArray();
        }

        object? result = gradient.Invoke(null, call);
        object[] primalCopy = Copy(arguments);
        Assert.Equal(primal.Invoke(null, primalCopy), result);
        for (int i = 0; i < parameters.Length; i++)
        {
            if (written[i])
            {
                Assert.Equal((Array)primalCopy[i], (Array)call[i]);
            }
        }

        double step = single ? 1e-2 : 1e-6;
        double tolerance = single ? 2e-2 : 1e-6;
        for (int k = 0; k < active.Length; k++)
        {
            int p = active[k];
            object adjoint = call[parameters.Length + k];
            int count = arguments[p] is Array array ? array.Length : 1;
            for (int e = 0; e < count; e++)
            {
                double analytic = adjoint is Array a ? ToDouble(a.GetValue(e)) : ToDouble(adjoint);
                double numeric = (Loss(Shift(arguments, p, e, step)) - Loss(Shift(arguments, p, e, -step))) / (2 * step);
                double error = Math.Abs(analytic - numeric) / Math.Max(1.0, Math.Abs(numeric));
                Assert.True(error < tolerance,
                    $"dL/d{parameters[p].Name}[{e}]: generated {analytic}, finite differences {numeric} (relative error {error:E2}).");
            }
        }
    }

    private static bool IsActive(IParameterSymbol parameter) =>
        !parameter.GetAttributes().Any(a => a.AttributeClass?.Name == nameof(NoGradAttribute))
        && (parameter.Type.SpecialType is SpecialType.System_Single or SpecialType.System_Double
            || ElementType(parameter.Type) is "float" or "double");

    private static string? ElementType(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => array.ElementType.ToDisplayString(),
        INamedTypeSymbol { Name: "Span" or "ReadOnlySpan", TypeArguments: [var element] } => element.ToDisplayString(),
        _ => null,
    };

    private static string Quote(string name) => "\"" + name + "\"";

    private static double[] Weights(int count, int seed) =>
        Enumerable.Range(0, count).Select(e => 0.3 + (0.1 * ((e * 7 + seed * 3) % 11))).ToArray();

    private static object[] Copy(object[] arguments) =>
        arguments.Select(a => a is Array array ? array.Clone() : a).ToArray();

    private static object[] Shift(object[] arguments, int parameter, int element, double delta)
    {
        object[] copy = Copy(arguments);
        if (copy[parameter] is Array array)
        {
            array.SetValue(Convert.ChangeType(ToDouble(array.GetValue(element)) + delta, array.GetType().GetElementType()!, null), element);
        }
        else
        {
            copy[parameter] = Convert.ChangeType(ToDouble(copy[parameter]) + delta, copy[parameter].GetType(), null);
        }

        return copy;
    }

    private static Array FromDoubles(Type arrayType, double[] values)
    {
        var array = Array.CreateInstance(arrayType.GetElementType()!, values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            array.SetValue(Convert.ChangeType(values[i], arrayType.GetElementType()!, null), i);
        }

        return array;
    }

    private static double ToDouble(object? value) => value is null ? 0 : Convert.ToDouble(value, null);
}
