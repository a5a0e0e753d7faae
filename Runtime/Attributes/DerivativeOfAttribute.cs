namespace SourceGrad;

/// <summary>
/// Declares a hand-written pullback (custom derivative rule) for the method <see cref="MethodName"/> of the
/// same type. The rule takes the method's parameters, then the adjoints exactly as in the generated
/// <c>MGradient</c>, then <c>R dReturn</c> when the method returns <c>float</c> or <c>double</c>; it returns
/// <c>void</c> and only accumulates into the adjoints. It is called in the reverse sweep with the arguments
/// as they were at the call; spans the method writes hold their contents after the call.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class DerivativeOfAttribute : Attribute
{
    public DerivativeOfAttribute(string methodName) => MethodName = methodName;

    /// <summary>The name of the method (in the same type) whose derivative this is.</summary>
    public string MethodName { get; }

    /// <summary>
    /// Set when the rule treats an empty adjoint span as "this gradient is not wanted" and skips its work: the
    /// generator then passes an empty span for an argument with no gradient (a [NoGrad] input to a product)
    /// instead of a scratch buffer the rule would fill for nothing.
    /// </summary>
    public bool AcceptsEmptyAdjoints { get; set; }
}
