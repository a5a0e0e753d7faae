namespace SourceGrad.Benchmarks.Scalar;

using SourceGrad.Tape;

/// <summary>
/// A scalar function of one vector, with every contender of suite 1: the primal, the generated gradient, a hand-written
/// adjoint, the same adjoint vectorised by hand and the scalar tape. Implemented by structs, so <see cref="VectorProblemBenchmarks{TProblem}"/> is
/// specialised for each and calls them directly.
/// </summary>
public interface IVectorProblem : IObjective
{
    static abstract string Name { get; }

    static abstract double[] Point();

    static abstract double F(ReadOnlySpan<double> x);

    /// <summary>Generated from <see cref="F"/>.</summary>
    static abstract double FGradient(ReadOnlySpan<double> x, Span<double> dX, double seed);

    /// <summary>Generated from <see cref="F"/>: forward mode, the derivative along <paramref name="tX"/>.</summary>
    static abstract double FTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> tX, out double tangent);

    /// <summary>Generated from <see cref="F"/>: the gradient into <paramref name="dX"/> and the Hessian times <paramref name="vX"/> into <paramref name="hvX"/>.</summary>
    static abstract double FHessianVector(ReadOnlySpan<double> x, ReadOnlySpan<double> vX, Span<double> dX, Span<double> hvX);

    static abstract double HandWrittenGradient(ReadOnlySpan<double> x, Span<double> dX);

    /// <summary>The hand-written adjoint vectorised by hand (explicit SIMD or TensorPrimitives).</summary>
    static abstract double HandWrittenVectorizedGradient(ReadOnlySpan<double> x, Span<double> dX);

    static abstract double TapeGradient(Tape tape, ReadOnlySpan<double> point, Span<Var> variables, Span<double> gradient);
}
