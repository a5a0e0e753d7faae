using BenchmarkDotNet.Attributes;

namespace SourceGrad.Benchmarks.MatMul;

/// <summary>
/// An <see cref="SgemmComparison"/> over a list of named products, its parameter "Shape": a suite gives the list,
/// the rest (the parameter, the product it runs, the FLOP count of its columns) is here.
/// </summary>
public abstract class ShapeComparison : SgemmComparison
{
    [ParamsSource(nameof(ShapeCases))]
    public ProductShape Shape { get; set; } = null!;

    /// <summary>The products the suite runs, each as one value of <see cref="Shape"/>.</summary>
    public IEnumerable<ProductShape> ShapeCases => Shapes;

    protected abstract IEnumerable<ProductShape> Shapes { get; }

    protected override (int M, int K, int N, bool TransposeA, bool TransposeB) Product =>
        (Shape.M, Shape.K, Shape.N, Shape.TransposeA, Shape.TransposeB);

    /// <summary>C (m×n) = op(A)·op(B) with op(A) m×k; shown as its role and its sizes.</summary>
    public sealed record ProductShape(string Role, int M, int K, int N, bool TransposeA, bool TransposeB)
    {
        public override string ToString() => $"{Role} {M}x{K}x{N}";
    }

    /// <summary>The comparison's columns, with 2·m·k·n floating-point operations a product.</summary>
    protected sealed class ShapeConfig() : ComparisonConfig("2·m·k·n", benchmarkCase =>
    {
        var shape = (ProductShape)benchmarkCase.Parameters["Shape"];
        return 2.0 * shape.M * shape.K * shape.N;
    });
}
