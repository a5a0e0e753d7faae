namespace SourceGrad;

/// <summary>
/// A named trainable tensor: its values, its gradient buffer of the same length, and its shape (row-major).
/// Pass <see cref="Value"/> and <see cref="Gradient"/> straight to a generated <c>MGradient</c>, which adds into the gradient.
/// </summary>
public sealed class Parameter
{
    internal Parameter(string name, int[] shape, int length, int offset)
    {
        Name = name;
        Shape = shape;
        Value = new float[length];
        Gradient = new float[length];
        Offset = offset;
    }

    /// <summary>The name the parameter was added under; unique within its <see cref="ParameterSet"/>.</summary>
    public string Name { get; }

    /// <summary>The dimensions, outermost first (a 784×128 weight matrix is <c>[784, 128]</c>).</summary>
    public int[] Shape { get; }

    /// <summary>The values, row-major; <see cref="Length"/> elements.</summary>
    public float[] Value { get; }

    /// <summary>The gradient of the loss with respect to <see cref="Value"/>; gradients accumulate, so zero it between steps.</summary>
    public float[] Gradient { get; }

    /// <summary>The number of elements: the product of <see cref="Shape"/>.</summary>
    public int Length => Value.Length;

    /// <summary>Where this parameter's elements start in its set's flat numbering (0 … <see cref="ParameterSet.TotalLength"/>).</summary>
    public int Offset { get; }

    public override string ToString() => $"{Name} [{string.Join('×', Shape)}]";
}
