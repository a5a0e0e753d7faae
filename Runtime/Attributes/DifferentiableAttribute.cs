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

    /// <summary>
    /// When set, the generator also emits forward mode, <c>R MTangent(p1, …, pn, &lt;one tangent per active
    /// parameter&gt;, out R tangent)</c>: the method's result and its directional derivative along the given tangents.
    /// A scalar's tangent is passed by value (<c>T tX</c>); a read-only span's or an input array's as
    /// <c>ReadOnlySpan&lt;T&gt; tX</c>; a span the method writes as <c>Span&lt;T&gt; tX</c>, holding its tangent on
    /// entry and, on exit, the tangent of its final contents. A <c>void</c> method has no <c>out</c> tangent.
    /// [Differentiable] methods it calls get their tangents generated too; a method with a [DerivativeOf] rule needs a
    /// [TangentOf] rule as well.
    /// </summary>
    public bool Tangent { get; set; }

    /// <summary>
    /// When set, the generator also emits the Hessian-vector product, <c>R MHessianVector(p1, …, pn, &lt;one direction
    /// per active parameter&gt;, &lt;the gradient adjoints, as in MGradient&gt;, &lt;one Hv adjoint per active
    /// parameter&gt;)</c>: it returns the result, adds the gradient into the adjoints (<c>ref T dX</c> or
    /// <c>Span&lt;T&gt; dX</c>) and adds the Hessian times the directions into the Hv adjoints (<c>ref T hvX</c> or
    /// <c>Span&lt;T&gt; hvX</c>). A scalar's direction is <c>T vX</c>, a span's or an array's <c>ReadOnlySpan&lt;T&gt; vX</c>.
    /// It is forward mode applied to the gradient program (forward over reverse), so it costs a small multiple of one
    /// gradient. The method must return <c>float</c> or <c>double</c>.
    /// </summary>
    public bool HessianVector { get; set; }
}
