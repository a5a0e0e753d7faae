using System.Collections;

namespace SourceGrad;

/// <summary>
/// The trainable parameters of a model, in the order they were added, each with a name, a shape, values and a gradient
/// buffer. Optimizers keep their state in one flat array of <see cref="TotalLength"/> elements and find each
/// parameter's part through <see cref="Parameter.Offset"/>.
/// </summary>
public sealed class ParameterSet : IReadOnlyList<Parameter>
{
    private readonly List<Parameter> _parameters = [];
    private readonly Dictionary<string, Parameter> _byName = new(StringComparer.Ordinal);

    /// <summary>The number of parameters.</summary>
    public int Count => _parameters.Count;

    /// <summary>The number of elements over all parameters.</summary>
    public int TotalLength { get; private set; }

    /// <summary>The parameter added under <paramref name="name"/>.</summary>
    public Parameter this[string name] =>
        _byName.TryGetValue(name, out Parameter? parameter)
            ? parameter
            : throw new KeyNotFoundException($"There is no parameter named '{name}'; the set holds: {string.Join(", ", _byName.Keys)}.");

    /// <summary>The <paramref name="index"/>-th parameter in the order of adding.</summary>
    public Parameter this[int index] => _parameters[index];

    /// <summary>Adds a zero-initialised parameter with the given shape and returns it.</summary>
    public Parameter Add(string name, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (_byName.ContainsKey(name))
            throw new ArgumentException($"A parameter named '{name}' is already in the set.", nameof(name));
        if (shape.Length == 0)
            throw new ArgumentException($"Parameter '{name}' needs at least one dimension; a scalar has shape [1].", nameof(shape));

        long length = 1;
        foreach (int dimension in shape)
        {
            if (dimension <= 0)
                throw new ArgumentException($"Every dimension of parameter '{name}' must be > 0, but the shape is [{string.Join(", ", shape)}].", nameof(shape));
            length *= dimension;
            if (length > Array.MaxLength)
                throw new ArgumentException($"Parameter '{name}' of shape [{string.Join(", ", shape)}] has more elements than an array can hold.", nameof(shape));
        }
        if (TotalLength + length > Array.MaxLength)
            throw new ArgumentException($"Adding parameter '{name}' makes the set larger than an array can hold.", nameof(shape));

        var parameter = new Parameter(name, (int[])shape.Clone(), (int)length, TotalLength);
        _parameters.Add(parameter);
        _byName.Add(name, parameter);
        TotalLength += (int)length;
        return parameter;
    }

    /// <summary>Whether a parameter named <paramref name="name"/> is in the set.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Sets every gradient to zero (generated gradients add into them).</summary>
    public void ZeroGradients()
    {
        foreach (Parameter parameter in _parameters)
            Array.Clear(parameter.Gradient);
    }

    /// <summary>Copies all values, in the flat order, into <paramref name="destination"/> (<see cref="TotalLength"/> elements).</summary>
    public void CopyValuesTo(Span<float> destination)
    {
        Require.SameLength(TotalLength, destination.Length, "the set's total length", nameof(destination));
        foreach (Parameter parameter in _parameters)
            parameter.Value.CopyTo(destination.Slice(parameter.Offset));
    }

    /// <summary>Sets all values from <paramref name="source"/>, in the flat order (<see cref="TotalLength"/> elements).</summary>
    public void CopyValuesFrom(ReadOnlySpan<float> source)
    {
        Require.SameLength(TotalLength, source.Length, "the set's total length", nameof(source));
        foreach (Parameter parameter in _parameters)
            source.Slice(parameter.Offset, parameter.Length).CopyTo(parameter.Value);
    }

    /// <summary>Copies all gradients, in the flat order, into <paramref name="destination"/> (<see cref="TotalLength"/> elements).</summary>
    public void CopyGradientsTo(Span<float> destination)
    {
        Require.SameLength(TotalLength, destination.Length, "the set's total length", nameof(destination));
        foreach (Parameter parameter in _parameters)
            parameter.Gradient.CopyTo(destination.Slice(parameter.Offset));
    }

    /// <summary>A struct enumerator, so <c>foreach</c> over the set allocates nothing.</summary>
    public List<Parameter>.Enumerator GetEnumerator() => _parameters.GetEnumerator();

    IEnumerator<Parameter> IEnumerable<Parameter>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{Count} parameters, {TotalLength} elements: {string.Join(", ", _parameters)}";
}
