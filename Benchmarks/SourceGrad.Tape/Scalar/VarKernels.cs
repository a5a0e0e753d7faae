namespace SourceGrad.Tape;

/// <summary>
/// The runtime's element-wise and reduction kernels (<see cref="Activations"/>, <see cref="Linalg.AddBias(Span{double}, ReadOnlySpan{double}, int, int)"/>,
/// <see cref="Reductions"/>) written element by element against the scalar tape, with the same parameters as the
/// runtime's (a tape first, then <see cref="Var"/> for every float or double). Code translated to the tape calls
/// these, so its gradient comes from the tape's own rules rather than from the kernels' hand-written ones.
/// </summary>
public static class VarKernels
{
    // y = max(x, 0), the runtime's convention: the gradient passes where x > 0.
    public static void Relu(Tape tape, ReadOnlySpan<Var> x, Span<Var> y) => Map(x, y, Var.Relu);

    public static void Sigmoid(Tape tape, ReadOnlySpan<Var> x, Span<Var> y) => Map(x, y, Var.Sigmoid);

    public static void Tanh(Tape tape, ReadOnlySpan<Var> x, Span<Var> y) => Map(x, y, Var.Tanh);

    /// <summary>y = x where x &gt; 0, else slope·x; the slope is [NoGrad] in the runtime, so only its value is read.</summary>
    public static void LeakyRelu(Tape tape, ReadOnlySpan<Var> x, Span<Var> y, Var slope)
    {
        CheckSameLength(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i].Value > 0 ? x[i] * 1 : x[i] * slope.Value;
        }
    }

    /// <summary>y[r·cols + c] += bias[c], in place.</summary>
    public static void AddBias(Tape tape, Span<Var> y, ReadOnlySpan<Var> bias, int rows, int cols)
    {
        if (bias.Length != cols || y.Length != rows * cols)
        {
            throw new ArgumentException($"y holds {y.Length} and bias {bias.Length} values for {rows}×{cols}.", nameof(y));
        }

        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                y[r * cols + c] += bias[c];
            }
        }
    }

    public static Var Sum(Tape tape, ReadOnlySpan<Var> x)
    {
        Var sum = tape.Constant(0);
        foreach (Var v in x)
        {
            sum += v;
        }

        return sum;
    }

    public static Var Mean(Tape tape, ReadOnlySpan<Var> x) => Sum(tape, x) / x.Length;

    private static void Map(ReadOnlySpan<Var> x, Span<Var> y, Func<Var, Var> f)
    {
        CheckSameLength(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = f(x[i]);
        }
    }

    private static void CheckSameLength(ReadOnlySpan<Var> x, Span<Var> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"y holds {y.Length} values but x holds {x.Length}.", nameof(y));
        }
    }
}
