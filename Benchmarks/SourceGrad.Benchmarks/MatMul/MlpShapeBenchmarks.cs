using BenchmarkDotNet.Attributes;

namespace SourceGrad.Benchmarks.MatMul;

/// <summary>
/// The products of one training step of DESIGN's 784-128-10 ReLU MLP at batch 64, on one and two threads (see
/// <see cref="SgemmComparison"/>): small and oddly shaped (an inner dimension of 64, ten columns), so the per-call
/// costs (packing, ragged edges, the fork) weigh more than in the square suite.
/// </summary>
[Config(typeof(ShapeConfig))]
public class MlpShapeBenchmarks : ShapeComparison
{
    /// <summary>Forward products, the weight gradients and the hidden layer's gradient (the input needs none).</summary>
    protected override IEnumerable<ProductShape> Shapes =>
    [
        new("Z1=X·W1", 64, 784, 128, false, false),
        new("dW1=Xᵀ·dZ1", 784, 64, 128, true, false),
        new("Z2=H·W2", 64, 128, 10, false, false),
        new("dW2=Hᵀ·dZ2", 128, 64, 10, true, false),
        new("dH=dZ2·W2ᵀ", 64, 10, 128, false, true),
    ];
}
