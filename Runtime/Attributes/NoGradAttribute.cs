namespace SourceGrad;

/// <summary>
/// Makes a parameter of a <see cref="DifferentiableAttribute"/> method a constant: it gets no adjoint
/// parameter and no gradient work is spent on it (an input image, a target, a mask).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class NoGradAttribute : Attribute
{
}
