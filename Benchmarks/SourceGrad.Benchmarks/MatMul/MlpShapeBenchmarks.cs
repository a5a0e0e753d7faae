using BenchmarkDotNet.Attributes;

namespace SourceGrad.Benchmarks.MatMul;

/// <summary>
/// The products of one training step of DESIGN's 784-128-10 ReLU MLP at batch 64, on one and two threads (see
/// <see cref="SgemmComparison"/>): small and oddly shaped (an inner dimension of 64, ten columns), so the per-call
/// costs (packing, ragged edges, the fork) weigh more than in the square suite.
/// </summary>
[Config(typeof(ShapeConfig))]
public class MlpShapeBenchmarks : SgemmComparison
{
    [ParamsSource(nameof(Shapes))]
    public ProductShape Shape { get; set; } = Shapes.First();

    /// <summary>Forward products, the weight gradients and the hidden layer's gradient (the input needs none).</summary>
    public static IEnumerable<ProductShape> Shapes =>
    [
        new("Z1=X·W1", 64, 784, 128, false, false),
        new("dW1=Xᵀ·dZ1", 784, 64, 128, true, false),
        new("Z2=H·W2", 64, 128, 10, false, false),
        new("dW2=Hᵀ·dZ2", 128, 64, 10, true, false),
        new("dH=dZ2·W2ᵀ", 64, 10, 128, false, true),
    ];

    protected override (int M, int K, int N, bool TransposeA, bool TransposeB) Product =>
        (Shape.M, Shape.K, Shape.N, Shape.TransposeA, Shape.TransposeB);

    /// <summary>C (m×n) = op(A)·op(B) with op(A) m×k; shown as its role in the step and its sizes.</summary>
    public sealed record ProductShape(string Role, int M, int K, int N, bool TransposeA, bool TransposeB)
    {
        public override string ToString() => $"{Role} {M}x{K}x{N}";
    }
}
