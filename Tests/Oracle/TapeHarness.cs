using System.Text;
using Microsoft.CodeAnalysis;

namespace SourceGrad.Oracle;

/// <summary>
/// Calls one method's gradient through arrays of doubles, so any [Differentiable] method can be compared through
/// one delegate type: <c>double Name(double[][] args, double[][] adjoints, double seed)</c>. args[k] holds parameter
/// k's value (a scalar as one element; an int or bool too, as a double) and gets a buffer's final contents back;
/// adjoints[k] (null for an inactive parameter) goes in pre-filled and comes back as DESIGN.md's contract says: a
/// scalar's adjoint gets ∂J/∂x added, a buffer's, pre-filled with the upstream gradient u of its final contents,
/// ends as ∂J/∂(initial contents), where J = seed·result + Σ u·(final contents). The result comes back as a double.
/// </summary>
internal static class TapeHarness
{
    public delegate double Call(double[][] args, double[][] adjoints, double seed);

    /// <summary>Whether parameter <paramref name="parameter"/> gets an adjoint (a float or double scalar or buffer, not [NoGrad]).</summary>
    public static bool IsActive(IParameterSymbol parameter) =>
        (TapeTranslator.IsReal(parameter.Type) || TapeTranslator.RealElement(parameter.Type) is not null)
        && !parameter.GetAttributes().Any(a => a.AttributeClass?.Name == "NoGradAttribute");

    /// <summary>A method <paramref name="name"/> that runs the tape version of <paramref name="method"/> (translated with <paramref name="output"/>).</summary>
    public static string OnTape(IMethodSymbol method, string name, TapeOutput output)
    {
        var code = new StringBuilder($"public static double {name}(double[][] args, double[][] adjoints, double seed)\n{{\n");
        code.Append($"    var tape = new global::SourceGrad.Tape.Tape();\n");
        var callArgs = new List<string> { "tape" };
        var after = new StringBuilder();
        var objective = new StringBuilder();
        foreach (IParameterSymbol p in method.Parameters)
        {
            int k = p.Ordinal;
            string v = "p" + k;
            if (TapeTranslator.IsReal(p.Type))
            {
                code.Append($"    var {v} = tape.Variable(args[{k}][0]);\n");
                if (IsActive(p)) after.Append($"    adjoints[{k}][0] += tape.Gradient({v});\n");
            }
            else if (TapeTranslator.RealElement(p.Type) is not null)
            {
                // The leaves stay in leaves{k}; the method may overwrite the elements of {v}.
                code.Append($"    var leaves{k} = new global::SourceGrad.Tape.Var[args[{k}].Length];\n    tape.Variables(args[{k}], leaves{k});\n");
                code.Append($"    var {v} = (global::SourceGrad.Tape.Var[])leaves{k}.Clone();\n");
                if (IsActive(p))
                {
                    objective.Append($"    for (int i = 0; i < {v}.Length; i++) objective += {v}[i] * adjoints[{k}][i];\n");
                    after.Append($"    for (int i = 0; i < {v}.Length; i++) adjoints[{k}][i] = tape.Gradient(leaves{k}[i]);\n");
                }

                after.Append($"    for (int i = 0; i < {v}.Length; i++) args[{k}][i] = {v}[i].Value;\n");
            }
            else
            {
                code.Append(Inactive(p, v, k, after));
            }

            callArgs.Add(v);
        }

        string call = $"{TapeTranslator.TapeName(method, output)}({string.Join(", ", callArgs)})";
        code.Append(method.ReturnsVoid ? $"    {call};\n    var objective = tape.Constant(0);\n" : $"    var result = {call};\n    var objective = result * seed;\n");
        code.Append(objective).Append("    tape.Backward(objective);\n").Append(after);
        code.Append(method.ReturnsVoid ? "    return 0;\n}\n" : "    return result.Value;\n}\n");
        return code.ToString();
    }

    /// <summary>
    /// A method <paramref name="name"/> that runs the generated gradient of <paramref name="method"/>; with
    /// <paramref name="split"/>, its split mode instead: <c>MForward</c>, then <c>MBackward</c> on the same arguments.
    /// </summary>
    public static string Generated(IMethodSymbol method, string name, bool split = false)
    {
        var code = new StringBuilder($"public static double {name}(double[][] args, double[][] adjoints, double seed)\n{{\n");
        var callArgs = new List<string>();
        var adjointArgs = new List<string>();
        var after = new StringBuilder();
        foreach (IParameterSymbol p in method.Parameters)
        {
            int k = p.Ordinal;
            string v = "p" + k;
            if (TapeTranslator.IsReal(p.Type))
            {
                string t = p.Type.ToDisplayString();
                code.Append($"    {t} {v} = ({t})args[{k}][0];\n");
                if (IsActive(p))
                {
                    code.Append($"    {t} d{k} = ({t})adjoints[{k}][0];\n");
                    adjointArgs.Add($"ref d{k}");
                    after.Append($"    adjoints[{k}][0] = d{k};\n");
                }
            }
            else if (TapeTranslator.RealElement(p.Type) is { } element)
            {
                string t = element.ToDisplayString();
                code.Append($"    {t}[] {v} = global::System.Array.ConvertAll(args[{k}], x => ({t})x);\n");
                if (IsActive(p))
                {
                    code.Append($"    {t}[] d{k} = global::System.Array.ConvertAll(adjoints[{k}], x => ({t})x);\n");
                    adjointArgs.Add($"d{k}");
                    after.Append($"    for (int i = 0; i < d{k}.Length; i++) adjoints[{k}][i] = d{k}[i];\n");
                }

                after.Append($"    for (int i = 0; i < {v}.Length; i++) args[{k}][i] = {v}[i];\n");
            }
            else
            {
                code.Append(Inactive(p, v, k, after));
            }

            callArgs.Add(v);
        }

        string type = method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        string returnType = method.ReturnsVoid ? "" : method.ReturnType.ToDisplayString();
        if (!method.ReturnsVoid) adjointArgs.Add($"({returnType})seed");
        string call = $"{type}.{method.Name}Gradient({string.Join(", ", callArgs.Concat(adjointArgs))})";
        if (split)
        {
            string forward = $"{type}.{method.Name}Forward({string.Join(", ", callArgs.Append("out var saved"))})";
            code.Append(method.ReturnsVoid ? $"    {forward};\n" : $"    double result = {forward};\n");
            call = $"{type}.{method.Name}Backward({string.Join(", ", callArgs.Append("ref saved").Concat(adjointArgs))})";
            code.Append($"    {call};\n    saved.Dispose();\n");
        }
        else
        {
            code.Append(method.ReturnsVoid ? $"    {call};\n" : $"    double result = {call};\n");
        }

        code.Append(after).Append(method.ReturnsVoid ? "    return 0;\n}\n" : "    return result;\n}\n");
        return code.ToString();
    }

    /// <summary>An int, long, bool or int buffer parameter, read from args[k] (an int buffer is written back).</summary>
    private static string Inactive(IParameterSymbol p, string v, int k, StringBuilder after)
    {
        switch (p.Type)
        {
            case { SpecialType: SpecialType.System_Boolean }:
                return $"    bool {v} = args[{k}][0] != 0;\n";
            case { SpecialType: SpecialType.System_Int32 or SpecialType.System_Int64 }:
                return $"    {p.Type.ToDisplayString()} {v} = ({p.Type.ToDisplayString()})args[{k}][0];\n";
            case IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Int32 }:
            case INamedTypeSymbol { Name: "Span" or "ReadOnlySpan", TypeArguments: [{ SpecialType: SpecialType.System_Int32 }] }:
                after.Append($"    for (int i = 0; i < {v}.Length; i++) args[{k}][i] = {v}[i];\n");
                return $"    int[] {v} = global::System.Array.ConvertAll(args[{k}], x => (int)x);\n";
            default:
                throw new TapeTranslationException($"cannot pass the parameter {p.Name} of {p.ContainingSymbol.ToDisplayString()} through the harness: its type is {p.Type.ToDisplayString()}");
        }
    }
}
