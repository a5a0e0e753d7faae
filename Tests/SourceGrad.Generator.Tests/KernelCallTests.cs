using SourceGrad.Generator.Tests.Infrastructure;

namespace SourceGrad.Generator.Tests;

/// <summary>
/// Calls into the runtime's kernels, whose [DerivativeOf] rules live in another assembly: the generator finds
/// the rules through metadata, and the gradient through them matches finite differences.
/// </summary>
public class KernelCallTests
{
    private const string TwoLayerNetwork = """
        public static partial class Network
        {
            [Differentiable]
            public static double Loss(
                ReadOnlySpan<double> x, ReadOnlySpan<double> w1, ReadOnlySpan<double> b1, ReadOnlySpan<double> w2,
                [NoGrad] ReadOnlySpan<double> target, int batch, int inputs, int hidden)
            {
                Span<double> z = stackalloc double[batch * hidden];
                double[] a = new double[batch * hidden];
                Span<double> prediction = stackalloc double[batch];
                Linalg.MatMul(x, w1, z, batch, inputs, hidden);
                Linalg.AddBias(z, b1, batch, hidden);
                Activations.Tanh(z, a);
                Linalg.MatMul(a, w2, prediction, batch, hidden, 1);
                return Losses.MeanSquaredError(prediction, target) + 0.1 * Reductions.Sum(w1.Slice(1, 3));
            }
        }
        """;

    private const string SoftmaxOutput = """
        public static partial class Classifier
        {
            [Differentiable]
            public static void Probabilities(ReadOnlySpan<double> logits, Span<double> probabilities, double temperature, int rows, int cols)
            {
                double[] scaled = new double[rows * cols];
                for (int i = 0; i < scaled.Length; i++)
                {
                    scaled[i] = logits[i] / temperature;
                }

                Activations.Softmax(scaled, probabilities, rows, cols);
            }
        }
        """;

    public static TheoryData<string, string, string, object[]> Calls() => new()
    {
        {
            TwoLayerNetwork, "Network", "Loss",
            new object[]
            {
                new[] { 0.5, -1.0, 0.3, 0.8, 0.1, -0.4 },
                new[] { 0.2, -0.3, 0.5, 0.1, 0.4, -0.2, 0.3, 0.6, -0.5, 0.2, -0.1, 0.7 },
                new[] { 0.05, -0.1, 0.2, 0.0 },
                new[] { 0.3, -0.6, 0.9, 0.2 },
                new[] { 0.4, -0.2 },
                2, 3, 4,
            }
        },
        { SoftmaxOutput, "Classifier", "Probabilities", new object[] { new[] { 0.5, -1.0, 2.0, 0.1, 0.3, -0.7 }, new double[6], 1.3, 2, 3 } },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public void Gradient_through_runtime_kernels_matches_finite_differences(string source, string type, string method, object[] arguments)
    {
        SpanGradientCheck.AssertGeneratedGradientMatches(source, type, method, arguments);
    }
}
