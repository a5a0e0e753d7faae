namespace SourceGrad.Tape;

/// <summary>
/// A handle to one record of a <see cref="TensorTape"/>: a row-major <see cref="Rows"/>×<see cref="Columns"/>
/// float matrix. Valid until the tape's next <see cref="TensorTape.Reset"/>.
/// </summary>
public readonly struct Tensor
{
    internal readonly TensorTape Tape;
    internal readonly int Index;
    internal readonly int Generation;

    internal Tensor(TensorTape tape, int index, int generation, int rows, int columns)
    {
        Tape = tape;
        Index = index;
        Generation = generation;
        Rows = rows;
        Columns = columns;
    }

    public int Rows { get; }

    public int Columns { get; }

    public int Length => Rows * Columns;

    /// <summary>The values computed in the forward sweep.</summary>
    public ReadOnlySpan<float> Value => TapeOf().ValueOf(this);

    /// <summary>The gradient left by the last <see cref="TensorTape.Backward"/>.</summary>
    public ReadOnlySpan<float> Gradient => TapeOf().GradientOf(this);

    /// <summary>The single value of a 1×1 tensor (a loss).</summary>
    public float Scalar
    {
        get
        {
            if (Length != 1)
            {
                throw new InvalidOperationException($"The tensor is {Rows}×{Columns}, not 1×1.");
            }

            return Value[0];
        }
    }

    public override string ToString() => Tape is null ? "Tensor(unrecorded)" : $"Tensor#{Index}({Rows}×{Columns})";

    private TensorTape TapeOf() =>
        Tape ?? throw new InvalidOperationException("The tensor is default(Tensor): it was never recorded.");
}
