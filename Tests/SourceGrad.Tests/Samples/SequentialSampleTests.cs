using SourceGrad.Samples.Sequential;

namespace SourceGrad.Tests.Samples;

/// <summary>
/// Samples/Sequential: its split-mode layers add what their gradients add, bit for bit; a network composed from them
/// trains on the shipped digits; a training step allocates nothing once warm.
/// </summary>
public class SequentialSampleTests
{
    [Fact]
    public void A_dense_layers_forward_and_backward_add_what_its_gradient_adds_bit_for_bit()
    {
        var random = new Random(5);
        const int batch = 3, inputs = 7, outputs = 4;
        float[] x = Fill(random, batch * inputs), w = Fill(random, inputs * outputs), b = Fill(random, outputs), upstream = Fill(random, batch * outputs);
        float[] y1 = new float[batch * outputs], y2 = new float[batch * outputs];
        float[] dX1 = new float[x.Length], dW1 = new float[w.Length], dB1 = new float[b.Length], dY1 = (float[])upstream.Clone();
        float[] dX2 = new float[x.Length], dW2 = new float[w.Length], dB2 = new float[b.Length], dY2 = (float[])upstream.Clone();

        Layers.DenseGradient(x, w, b, y1, batch, inputs, outputs, dX1, dW1, dB1, dY1);
        Layers.DenseForward(x, w, b, y2, batch, inputs, outputs, out Layers.DenseSaved saved);
        Layers.DenseBackward(x, w, b, y2, batch, inputs, outputs, ref saved, dX2, dW2, dB2, dY2);

        Assert.Equal(y1, y2);
        Assert.Equal(dX1, dX2);
        Assert.Equal(dW1, dW2);
        Assert.Equal(dB1, dB2);
        Assert.Equal(dY1, dY2);
    }

    [Fact]
    public void A_two_layer_relu_network_learns_the_shipped_digits()
    {
        TrainingResult result = Trainer.Train(new TrainingSettings(Hidden: 32, Depth: 1, Epochs: 2, TrainSize: 2000));

        Assert.Equal("Dense(784 → 32) → ReLU → Dense(32 → 10) → SoftmaxCrossEntropy", result.Network);
        Assert.True(result.TestAccuracy[^1] > 0.8, $"test accuracy {result.TestAccuracy[^1]:P2}");
    }

    [Fact]
    public void A_training_step_of_a_deep_tanh_network_allocates_nothing_once_warm()
    {
        const int batch = 4;
        Network network = Network.Mlp(20, 8, 3, 10, tanh: true, batch, seed: 2);
        float[] images = Fill(new Random(3), batch * 20);
        byte[] labels = [1, 2, 3, 4];
        Allocations.AssertSteadyStateAllocatesNothing(() => network.TrainStep(images, labels, 0.01f), steps: 10);
    }

    [Fact]
    public void The_command_line_trains_and_prints_the_final_accuracy()
    {
        var output = new StringWriter();
        int code = SequentialApp.Run(["--depth", "1", "--hidden", "16", "--epochs", "1", "--train-size", "500"], output, new StringWriter());

        Assert.Equal(0, code);
        Assert.Contains("Dense(784 → 16) → ReLU → Dense(16 → 10)", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("final test accuracy", output.ToString(), StringComparison.Ordinal);
    }

    private static float[] Fill(Random random, int n) => Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
}
