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

    /// <summary>
    /// When set, the generator also emits split mode, for running the forward pass now and the backward pass later (as
    /// layers compose in a network): <c>R MForward(p1, …, pn, out MSaved saved)</c> computes what the method computes and
    /// keeps in <c>saved</c> exactly what the reverse sweep reads; <c>void MBackward(p1, …, pn, ref MSaved saved,
    /// &lt;the adjoints of MGradient&gt;, R seed = 1)</c> (no seed for a <c>void</c> method) adds the same gradient
    /// <c>MGradient</c> adds, bit for bit. Pass <c>MBackward</c> the arguments <c>MForward</c> had, with the spans the
    /// method writes holding what <c>MForward</c> left in them (it leaves them so again). <c>MSaved</c> (the method's name
    /// + <c>Saved</c>, a struct beside the method) holds its storage in pooled buffers: it can be kept in a field or an
    /// array, is read by exactly one <c>MBackward</c>, which returns the storage, and <c>Dispose</c> returns it when no
    /// backward pass runs. A second <c>MBackward</c> on one state, or one after <c>Dispose</c>, throws.
    /// </summary>
    public bool Split { get; set; }

    /// <summary>
    /// How a gradient that calls this method treats the call. By default, when the method has split mode
    /// (<see cref="Split"/>), a calling gradient's forward sweep calls <c>MForward</c> and keeps its saved state, and its
    /// reverse sweep calls <c>MBackward</c> with it: the method's forward runs once, and its internals are held until
    /// the caller's reverse sweep reads them. When set, callers keep nothing of the method's internals: the forward sweep
    /// calls the method itself and the reverse sweep calls <c>MGradient</c>, which runs the method's forward again (as
    /// <c>torch.utils.checkpoint</c> or <c>jax.remat</c>): less memory, about one more forward of the method in time.
    /// The gradient is the same bit for bit either way. A method without split mode is always recomputed.
    /// </summary>
    public bool Recompute { get; set; }

    /// <summary>
    /// Loop checkpointing for <c>MGradient</c> (the other generated methods keep every save): the method's outer
    /// <c>for</c> loop runs without saves in the forward sweep, keeping snapshots of only its loop-carried state (the
    /// locals and buffers the loop writes that live into the next iteration); the reverse sweep runs each iteration
    /// again from the nearest snapshot, with its saves, then reverses it. Memory: the snapshots and one iteration's
    /// saves (one segment's for <see cref="CheckpointMode.SqrtN"/>) instead of every iteration's. The gradient is
    /// bit for bit the one without checkpointing. See <see cref="CheckpointLoop"/> for which loop.
    /// </summary>
    public CheckpointMode Checkpoint { get; set; }

    /// <summary>
    /// The number of snapshots <see cref="CheckpointMode.Binomial"/> may hold (at least 1; 32 by default): with s
    /// snapshots and N iterations, each iteration runs at most r + 1 times, r the smallest with C(s + r, s) ≥ N.
    /// </summary>
    public int Snapshots { get; set; } = 32;

    /// <summary>
    /// The name of the counter of the top-level <c>for</c> loop to checkpoint (<c>"t"</c> for
    /// <c>for (int t = 0; t &lt; steps; t++)</c>); needed only when the body has more than one top-level <c>for</c>.
    /// </summary>
    public string? CheckpointLoop { get; set; }
}
