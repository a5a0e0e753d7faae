using System.Collections.Generic;
using Microsoft.CodeAnalysis.CSharp;
using SourceGrad.Generator.Model;
using SourceGrad.Generator.Recognition;

namespace SourceGrad.Generator.Emission;

/// <summary>
/// Stable names for everything in a generated gradient. User names are kept (escaped when they are keywords);
/// names the generator introduces never collide with them, whatever the user called their variables.
/// </summary>
internal sealed class Names
{
    private readonly HashSet<string> _taken = new(System.StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(System.StringComparer.Ordinal);
    private readonly string[] _variables;
    private readonly Dictionary<int, string> _adjoints = new();
    private readonly MethodModel _method;

    /// <param name="method">The method whose derivative is printed.</param>
    /// <param name="mode">
    /// Which derivative: a tangent's <c>tX</c> parameters and <c>out tangent</c> are taken too, and a Hessian-vector
    /// product's <c>vX</c> and <c>hvX</c>.
    /// </param>
    public Names(MethodModel method, ProgramMode mode = ProgramMode.Gradient)
    {
        bool tangent = mode == ProgramMode.Tangent;
        _method = method;
        _variables = new string[method.Variables.Count];

        // Parameters keep their names, and the adjoint parameters their contract names.
        foreach (int parameter in method.Parameters)
        {
            Variable variable = method.Variables[parameter];
            _taken.Add(variable.Name);
            _variables[parameter] = Escape(variable.Name);
        }

        foreach (int parameter in method.Parameters)
        {
            _taken.Add(Types.AdjointName(method.Variables[parameter].Name));
        }

        _taken.Add("seed");
        var contract = new List<string>();
        foreach (int parameter in method.Parameters)
        {
            string name = method.Variables[parameter].Name;
            if (tangent)
            {
                contract.Add(Types.TangentName(name));
            }
            else if (mode == ProgramMode.HessianVector)
            {
                contract.Add(Types.DirectionName(name));
                contract.Add(Types.HessianVectorName(name));
            }
        }

        if (mode == ProgramMode.HessianVector)
        {
            contract.Add("seedTangent");
        }

        _taken.UnionWith(contract);
        if (tangent)
        {
            _taken.Add("tangent");
        }

        // Hoisted locals must be unique across the method; loop counters stay scoped to their loops.
        foreach (Variable variable in method.Variables)
        {
            if (variable.Kind != VariableKind.Parameter && variable.Kind != VariableKind.CallResult)
            {
                _taken.Add(variable.Name);
            }
        }

        // Locals must not take the names of parameters, of the adjoint parameters, or of the seed.
        var hoisted = new HashSet<string>(System.StringComparer.Ordinal) { "seed" };
        foreach (int parameter in method.Parameters)
        {
            hoisted.Add(method.Variables[parameter].Name);
            hoisted.Add(Types.AdjointName(method.Variables[parameter].Name));
        }

        hoisted.UnionWith(contract);

        if (tangent)
        {
            hoisted.Add("tangent");
        }

        for (int id = 0; id < method.Variables.Count; id++)
        {
            Variable variable = method.Variables[id];
            if (variable.Kind is VariableKind.Parameter or VariableKind.LoopCounter)
            {
                continue;
            }

            string name = variable.Kind == VariableKind.CallResult || hoisted.Contains(variable.Name)
                ? Fresh(variable.Name.TrimStart('_').Length == 0 ? "value" : variable.Name)
                : variable.Name;
            hoisted.Add(name);
            _taken.Add(name);
            _variables[id] = Escape(name);
        }

        for (int id = 0; id < method.Variables.Count; id++)
        {
            Variable variable = method.Variables[id];
            if (variable.Kind == VariableKind.LoopCounter)
            {
                _variables[id] = hoisted.Contains(variable.Name) ? Fresh(variable.Name) : Escape(variable.Name);
            }
        }
    }

    /// <summary>The variable's name in generated code.</summary>
    public string Of(int variable) => _variables[variable];

    /// <summary>
    /// The adjoint of a variable: the contract's <c>dX</c> for span and array parameters (accumulated in place),
    /// a local <c>_dX</c> for everything else (scalar parameters are added into <c>ref dX</c> at the end).
    /// </summary>
    public string Adjoint(int variable)
    {
        if (_adjoints.TryGetValue(variable, out string? name))
        {
            return name;
        }

        Variable v = _method.Variables[variable];
        string stem = v.Name.TrimStart('_', '@');
        if (stem.Length == 0)
        {
            stem = "value";
        }

        name = v.Kind == VariableKind.Parameter && v.IsBuffer
            ? Types.AdjointName(v.Name)
            : Fresh("_d" + char.ToUpperInvariant(stem[0]) + stem.Substring(1));
        _adjoints[variable] = name;
        return name;
    }

    /// <summary>A new name starting with <paramref name="stem"/> that nothing else uses.</summary>
    public string Fresh(string stem)
    {
        if (!_taken.Contains(stem) && SyntaxFacts.GetKeywordKind(stem) == SyntaxKind.None)
        {
            _taken.Add(stem);
            return stem;
        }

        int counter = 1;
        string candidate;
        do
        {
            counter++;
            candidate = stem + "_" + counter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        while (_taken.Contains(candidate));

        _taken.Add(candidate);
        return candidate;
    }

    /// <summary>A numbered name (<c>_t1</c>, <c>_t2</c>, ...), for temporaries.</summary>
    public string Numbered(string stem)
    {
        _counters.TryGetValue(stem, out int counter);
        string candidate;
        do
        {
            counter++;
            candidate = stem + counter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        while (_taken.Contains(candidate));

        _counters[stem] = counter;
        _taken.Add(candidate);
        return candidate;
    }

    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None
            ? "@" + name
            : name;
}
