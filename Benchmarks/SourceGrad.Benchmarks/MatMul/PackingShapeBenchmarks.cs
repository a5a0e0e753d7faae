using BenchmarkDotNet.Attributes;

namespace SourceGrad.Benchmarks.MatMul;

/// <summary>
/// Products whose operands the GEMM lays out differently (see <see cref="SgemmComparison"/>): a plain A read in place
/// under 128 columns, a transposed A, a transposed B dealt out to its panels, and a square product whose plain A is
/// packed. docs/matmul.md quotes them for the in-place bounds and the vector packing.
/// </summary>
[Config(typeof(ShapeConfig))]
public class PackingShapeBenchmarks : ShapeComparison
{
    protected override IEnumerable<ProductShape> Shapes =>
    [
        new("X·W1", 256, 784, 128, false, false),
        new("Xᵀ·dZ1", 784, 256, 128, true, false),
        new("dZ·Wᵀ", 64, 128, 784, false, true),
        new("square", 512, 512, 512, false, false),
    ];
}
