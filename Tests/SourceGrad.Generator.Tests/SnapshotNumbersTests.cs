using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests;

/// <summary>
/// The snapshotted gradients are also right: each is compiled, run and compared with finite differences, so a
/// snapshot update cannot quietly bless a wrong gradient.
/// </summary>
public class SnapshotNumbersTests
{
    public static TheoryData<string, string, string, object[]> Points() => new()
    {
        { nameof(SnapshotCases.LectureLoss), "Lecture", "Loss", new object[] { 0.8, -1.3, 1.5, 0.4 } },
        { nameof(SnapshotCases.LectureLoss), "Lecture", "Loss", new object[] { -0.8, -1.3, 1.5, 0.4 } },
        { nameof(SnapshotCases.Sigmoid), "Demo.Activations.Scalar", "Sigmoid", new object[] { 0.3f } },
        { nameof(SnapshotCases.OverwrittenScalarInLoop), "Polynomials", "Horner", new object[] { new[] { 0.5, -1.2, 0.7, 2.0 }, 0.9 } },
        {
            nameof(SnapshotCases.SpanMlpLayer), "Layers", "Dense",
            new object[] { new[] { 0.5f, -1.0f, 0.25f }, new[] { 0.8f, 0.1f, -0.4f, -0.6f, 0.9f, 0.3f }, new[] { 0.2f, -0.1f }, new float[2], 3, 2 }
        },
        { nameof(SnapshotCases.EarlyReturnInLoop), "ControlFlow", "FirstAbove", new object[] { 1.3, 4.0, 5 } },
        { nameof(SnapshotCases.EarlyReturnInLoop), "ControlFlow", "FirstAbove", new object[] { 1.3, 1000.0, 5 } },
        { nameof(SnapshotCases.CallToDifferentiable), "Composite", "SumOfSquares", new object[] { 0.6, -1.1 } },
        { nameof(SnapshotCases.CallToRule), "Lecture", "Area", new object[] { 1.5, 0.7 } },
        { nameof(SnapshotCases.VoidOutputSpan), "Elementwise", "Softplus", new object[] { new[] { 0.5, -1.5, 2.0 }, new[] { 9.0, 9.0, 9.0 }, 0.8 } },
    };

    [Theory]
    [MemberData(nameof(Points))]
    public void Snapshotted_gradient_matches_finite_differences(string snapshotCase, string type, string method, object[] arguments)
    {
        SpanGradientCheck.AssertGeneratedGradientMatches(SnapshotCases.All[snapshotCase], type, method, arguments);
    }
}
