using System.Reflection;

namespace SourceGrad.Generator.Tests.Infrastructure;

/// <summary>
/// Checks a generated gradient of a method with scalar parameters against central finite differences, by
/// reflection on an assembly compiled from the generator's output: <c>R M(p1..pn)</c> and
/// <c>R MGradient(p1..pn, ref dP for each active float/double, R seed)</c>. Differences are taken in the
/// parameter's own type, with a larger step and tolerance where float is involved.
/// </summary>
public static class GradientCheck
{
    private const BindingFlags AnyStatic = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;

    public static void AssertMatchesFiniteDifferences(Assembly assembly, string typeName, string methodName, params object[] arguments) =>
        AssertMatchesFiniteDifferences(
            assembly.GetType(typeName) ?? throw new ArgumentException($"No type '{typeName}' in the compiled output.", nameof(typeName)),
            methodName,
            arguments);

    public static void AssertMatchesFiniteDifferences(Type type, string methodName, params object[] arguments) =>
        AssertMatchesFiniteDifferences(type, methodName, vectorised: false, arguments);

    /// <summary>
    /// As above; <paramref name="vectorised"/> says the generator vectorised a loop of the method, so the gradient may
    /// sum it in vector lanes and return a value that differs from the method's in its last bits (docs/contract.md): the
    /// value is then checked to a relative 1e-14 (double) or 1e-6 (float) instead of bit for bit. Whether lanes run
    /// depends on the loop's length and the machine's vector width (4 doubles with AVX2, 8 with AVX-512).
    /// </summary>
    public static void AssertMatchesFiniteDifferences(Type type, string methodName, bool vectorised, params object[] arguments)
    {
        string typeName = type.FullName ?? type.Name;
        MethodInfo primal = type.GetMethod(methodName, AnyStatic)
            ?? throw new ArgumentException($"No method '{methodName}' on '{typeName}'.", nameof(methodName));
        MethodInfo gradient = type.GetMethod(methodName + "Gradient", AnyStatic)
            ?? throw new InvalidOperationException($"The generator emitted no '{methodName}Gradient' on '{typeName}'.");

        ParameterInfo[] parameters = primal.GetParameters();
        int[] active = Enumerable.Range(0, parameters.Length)
            .Where(i => IsReal(parameters[i].ParameterType) && parameters[i].GetCustomAttribute<NoGradAttribute>() is null)
            .ToArray();

        // The gradient's arguments: the originals, a zero adjoint for each active parameter, a seed of one.
        object[] gradientArguments = arguments
            .Concat(active.Select(i => Convert.ChangeType(0, parameters[i].ParameterType, null)))
            .Concat(IsReal(primal.ReturnType) ? new[] { Convert.ChangeType(1, primal.ReturnType, null) } : Array.Empty<object>())
            .ToArray();
        Assert.Equal(gradient.GetParameters().Length, gradientArguments.Length);
        object? result = gradient.Invoke(null, gradientArguments);
        object? expected = primal.Invoke(null, arguments);
        if (vectorised && expected is double or float)
        {
            double value = Convert.ToDouble(expected, null), returned = Convert.ToDouble(result, null);
            double tolerance = expected is float ? 1e-6 : 1e-14;
            Assert.True(Math.Abs(returned - value) <= tolerance * Math.Max(1.0, Math.Abs(value)),
                $"{methodName}Gradient returned {returned:R}, {methodName} {value:R}: more than a vectorised sum's rounding apart.");
        }
        else
        {
            Assert.Equal(expected, result);
        }

        foreach ((int parameter, int k) in active.Select((p, k) => (p, k)))
        {
            // Single precision anywhere on the path (parameter or result) needs a larger step and tolerance.
            bool isFloat = parameters[parameter].ParameterType == typeof(float) || primal.ReturnType == typeof(float);
            double analytic = Convert.ToDouble(gradientArguments[arguments.Length + k], null);
            double numeric = CentralDifference(primal, arguments, parameter, isFloat ? 1e-3 : 1e-6);
            double error = Math.Abs(analytic - numeric) / Math.Max(1.0, Math.Abs(numeric));
            Assert.True(error < (isFloat ? 1e-2 : 1e-6),
                $"d{methodName}/d{parameters[parameter].Name}: generated {analytic}, finite differences {numeric} (relative error {error:E2}).");
        }
    }

    private static bool IsReal(Type type) => type == typeof(double) || type == typeof(float);

    private static double CentralDifference(MethodInfo function, object[] arguments, int index, double step)
    {
        Type type = function.GetParameters()[index].ParameterType;
        double Evaluate(double delta)
        {
            object[] shifted = (object[])arguments.Clone();
            shifted[index] = Convert.ChangeType(Convert.ToDouble(arguments[index], null) + delta, type, null);
            return Convert.ToDouble(function.Invoke(null, shifted), null);
        }

        return (Evaluate(step) - Evaluate(-step)) / (2 * step);
    }
}
