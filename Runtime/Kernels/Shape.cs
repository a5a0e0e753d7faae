namespace SourceGrad.Kernels;

/// <summary>Argument checks shared by the kernels: messages name the argument, the expected and the actual size.</summary>
internal static class Shape
{
    /// <summary>Throws unless <paramref name="length"/> equals <paramref name="rows"/> × <paramref name="cols"/>, e.g. "c has length 30 but m*n = 6*4 = 24".</summary>
    public static void CheckLength(int length, string name, string formula, int rows, int cols)
    {
        long expected = (long)rows * cols;
        if (length != expected)
        {
            throw new ArgumentException($"{name} has length {length} but {formula} = {rows}*{cols} = {expected}.", name);
        }
    }

    /// <summary>Throws unless <paramref name="length"/> equals <paramref name="expected"/>, e.g. "bias has length 5 but cols = 4".</summary>
    public static void CheckLength(int length, string name, string expectedName, int expected)
    {
        if (length != expected)
        {
            throw new ArgumentException($"{name} has length {length} but {expectedName} = {expected}.", name);
        }
    }

    /// <summary>Throws unless two spans that pair up element by element have the same length.</summary>
    public static void CheckSameLength(int length, string name, int otherLength, string otherName)
    {
        if (length != otherLength)
        {
            throw new ArgumentException(
                $"{name} has length {length} but {otherName} has length {otherLength}; they must match.", name);
        }
    }
}
