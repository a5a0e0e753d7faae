namespace SourceGrad;

/// <summary>Where a gradient first became NaN or infinite: the method and the statement whose adjoint did it.</summary>
public sealed record NonFiniteGradient(string Method, string Statement, string Adjoint, double Value)
{
    public override string ToString() =>
        $"the adjoint {Adjoint} became {Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} in '{Statement}' of {Method}";
}

/// <summary>
/// What gradients generated with <c>[Differentiable(CheckFinite = true)]</c> report: after each statement's adjoint
/// they check what it wrote, and the first NaN or infinity on this thread is kept here (and named by
/// <see cref="GradCheck"/> when it finds a non-finite gradient).
/// </summary>
public static class NonFiniteGradients
{
    [ThreadStatic]
    private static NonFiniteGradient? t_first;

    /// <summary>The first non-finite adjoint on this thread since <see cref="Reset"/>, or null.</summary>
    public static NonFiniteGradient? First => t_first;

    /// <summary>Forgets what was seen, before computing a gradient to inspect.</summary>
    public static void Reset() => t_first = null;

    /// <summary>Called by generated code after a statement's adjoint; records the first non-finite value.</summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static void Check(double value, string adjoint, string statement, string method)
    {
        if (!double.IsFinite(value) && t_first is null)
        {
            t_first = new NonFiniteGradient(method, statement, adjoint, value);
        }
    }
}
