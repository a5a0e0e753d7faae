namespace SourceGrad;

/// <summary>
/// Declares a hand-written forward-mode rule (a pushforward, or Jacobian-vector product) for the method
/// <see cref="MethodName"/> of the same type, for generated <c>MTangent</c> methods that call it. The rule has exactly
/// the signature a generated tangent would have: the method's parameters, then one tangent per active parameter
/// (<c>T tX</c> for a scalar, <c>ReadOnlySpan&lt;T&gt; tX</c> for a span the method only reads, <c>Span&lt;T&gt; tX</c>
/// for a span it writes: its tangent on entry, overwritten with the tangent of its final contents), then
/// <c>out R tangent</c> when the method returns <c>float</c> or <c>double</c>. It returns what the method returns
/// and has the same effects on its arguments.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class TangentOfAttribute : Attribute
{
    public TangentOfAttribute(string methodName) => MethodName = methodName;

    /// <summary>The name of the method (in the same type) whose tangent this is.</summary>
    public string MethodName { get; }

    /// <summary>
    /// Set when the rule treats an empty tangent span of an input (a <c>ReadOnlySpan&lt;T&gt;</c> tangent) as a zero
    /// tangent and skips its work: the generator may then pass an empty span for an argument with no tangent (a
    /// [NoGrad] operand of a product) instead of a zeroed buffer the rule would multiply for nothing. Tangents of spans
    /// the method writes are never empty unless the span is.
    /// </summary>
    public bool AcceptsEmptyTangents { get; set; }
}
