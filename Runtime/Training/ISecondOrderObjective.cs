using System.Numerics;

namespace SourceGrad;

/// <summary>
/// A twice-differentiable function of one flat vector, as <see cref="NewtonCg{T}"/> minimises it: its value and
/// gradient, and its Hessian times a direction. Implement it on a struct that holds the data (images, labels, a
/// regularisation weight) and forwards to the generated methods of a <c>[Differentiable(HessianVector = true)]</c>
/// objective <c>M</c>:
/// <code>
/// readonly struct Fit(float[] images, int[] labels) : ISecondOrderObjective&lt;float&gt;
/// {
///     public int Dimension =&gt; Model.ParameterCount;
///
///     public float ValueAndGradient(ReadOnlySpan&lt;float&gt; x, Span&lt;float&gt; gradient) =&gt;
///         Model.LossGradient(x, images, labels, gradient);
///
///     public void HessianVector(ReadOnlySpan&lt;float&gt; x, ReadOnlySpan&lt;float&gt; direction, Span&lt;float&gt; gradient, Span&lt;float&gt; product) =&gt;
///         Model.LossHessianVector(x, images, labels, direction, gradient, product);
/// }
/// </code>
/// The optimizer zeroes <c>gradient</c> and <c>product</c> before each call, so an implementation passes them straight
/// to <c>MGradient</c> and <c>MHessianVector</c>, which add into their adjoints. A model with several parameter arrays
/// slices <c>x</c> (and the output spans) into them. As a generic constraint on a struct, every call is specialised
/// and inlined by the JIT: no delegate, no interface dispatch, no allocation.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface ISecondOrderObjective<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The length of the vector the function takes.</summary>
    int Dimension { get; }

    /// <summary>Returns f(x) and adds ∇f(x) into <paramref name="gradient"/> (zero on entry).</summary>
    T ValueAndGradient(ReadOnlySpan<T> x, Span<T> gradient);

    /// <summary>
    /// Adds ∇²f(x)·<paramref name="direction"/> into <paramref name="product"/> (zero on entry). <paramref name="gradient"/>
    /// (zero on entry) is scratch for the gradient <c>MHessianVector</c> computes on the way; the optimizer does not read it.
    /// </summary>
    void HessianVector(ReadOnlySpan<T> x, ReadOnlySpan<T> direction, Span<T> gradient, Span<T> product);
}
