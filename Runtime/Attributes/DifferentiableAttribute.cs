namespace SourceGrad;

/// <summary>
/// Marks a <c>static</c> method of a <c>partial</c> type whose gradient the SourceGrad generator emits at
/// build time, as <c>MGradient</c> beside it: the original parameters, then one adjoint per active
/// parameter (<c>ref T dP</c> for a scalar, <c>Span&lt;T&gt; dP</c> for a span or array), then
/// <c>seed</c> (the adjoint of the result, default 1) when the method returns <c>float</c> or <c>double</c>.
/// Gradients are added into the adjoints; callers zero them.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class DifferentiableAttribute : Attribute
{
    /// <summary>
    /// When set, the generated gradient checks, after each statement's adjoint, that what it wrote is finite, and
    /// records the first NaN or infinity in <see cref="NonFiniteGradients"/> (named by <see cref="GradCheck"/>).
    /// For debugging: it costs a check per adjoint update.
    /// </summary>
    public bool CheckFinite { get; set; }

    /// <summary>
    /// When cleared, the generated gradient keeps every loop scalar, as the method wrote it. By default (set), loops
    /// whose adjoint (or forward dot product) is an elementwise update or a sum over a span run on SIMD vectors with a
    /// scalar tail; a vectorised sum adds in a different order, so it may round differently from the scalar loop.
    /// </summary>
    public bool Vectorize { get; set; } = true;
}
