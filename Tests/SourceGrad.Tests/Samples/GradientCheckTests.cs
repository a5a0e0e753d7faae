using SourceGrad.Samples.Digits.Commands;
using SourceGrad.Samples.Digits.Models;

namespace SourceGrad.Tests.Samples;

/// <summary>Each model's generated gradient against central finite differences of its [Differentiable] loss.</summary>
public class GradientCheckTests
{
    private static float[] RandomImages(int count, int length, SeededRandom random)
    {
        var images = new float[count * length];
        random.Fill(images);
        return images;
    }

    private static int[] RandomLabels(int count, int classes, SeededRandom random) =>
        Enumerable.Range(0, count).Select(_ => random.NextInt(classes)).ToArray();

    [Fact]
    public void Linear_classifier_loss()
    {
        var random = new SeededRandom(11);
        var model = new LinearClassifier(inputs: 12, classes: 4);
        Init.Normal(model.Parameters["w"].Value, 0, 0.5, random);
        Init.Normal(model.Parameters["b"].Value, 0, 0.5, random);
        float[] images = RandomImages(5, 12, random);
        int[] labels = RandomLabels(5, 4, random);

        model.ComputeGradient(images, labels, 5);
        GradCheckResult result = GradCheck.Check(
            () => LinearClassifier.Loss(model.Parameters["w"].Value, model.Parameters["b"].Value, images, labels, 5, 12, 4), model.Parameters);

        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void Mlp_loss()
    {
        var random = new SeededRandom(12);
        var model = new Mlp(hidden: 6, inputs: 10, classes: 3);
        model.Initialize(random);
        Init.Normal(model.Parameters["b1"].Value, 0, 0.5, random);
        float[] images = RandomImages(4, 10, random);
        int[] labels = RandomLabels(4, 3, random);

        model.ComputeGradient(images, labels, 4);
        ParameterSet p = model.Parameters;
        GradCheckResult result = GradCheck.Check(
            () => Mlp.Loss(p["w1"].Value, p["b1"].Value, p["w2"].Value, p["b2"].Value, images, labels, 4, 10, 6, 3), p);

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(p.TotalLength, result.CheckedCount);
    }

    [Fact]
    public void Inpainter_loss()
    {
        var random = new SeededRandom(13);
        var model = new Inpainter(hidden: 4, new MaskGenerator(new MaskSettings(MaskKind.Pixels, 0, 0.5), new SeededRandom(1)));
        model.Initialize(random);
        float[] images = RandomImages(2, model.Pixels, random);
        var batch = MaskedDigits.Create(images, new MaskGenerator(new MaskSettings(MaskKind.Square, 10, 0), new SeededRandom(2)));

        ParameterSet p = model.Parameters;
        p.ZeroGradients();
        Inpainter.LossGradient(p["w1"].Value, p["b1"].Value, p["w2"].Value, p["b2"].Value, batch.NetworkInput, images, 2, model.Inputs, model.Pixels, model.Hidden,
            p["w1"].Gradient, p["b1"].Gradient, p["w2"].Gradient, p["b2"].Gradient);
        GradCheckResult result = GradCheck.Check(
            () => Inpainter.Loss(p["w1"].Value, p["b1"].Value, p["w2"].Value, p["b2"].Value, batch.NetworkInput, images, 2, model.Inputs, model.Pixels, model.Hidden),
            p, new GradCheckOptions { MaxElementsPerInput = 40, SamplingSeed = 3, Step = 1e-2 }); // a float loss near 100 needs a larger step than 1e-3

        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void Logistic_loss()
    {
        ToyData data = ToyData.TwoBlobs(20, new SeededRandom(14));

        GradCheckResult result = LogisticCommand.CheckGradient(data, [0.3, -0.7, 1.1]);

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(3, result.CheckedCount);
    }

    [Fact]
    public void Logistic_probability_is_the_lecture_sigmoid_and_its_gradient_is_f_times_one_minus_f()
    {
        double w0 = 0.2, w1 = -0.4, w2 = 0.9, x1 = 1.5, x2 = -0.5;
        double f = 1 / (1 + Math.Exp(-(w0 + w1 * x1 + w2 * x2)));
        double dW0 = 0, dW1 = 0, dW2 = 0;

        double value = Logistic.ProbabilityGradient(w0, w1, w2, x1, x2, ref dW0, ref dW1, ref dW2);

        Assert.Equal(f, value, 1e-15);
        Assert.Equal(f * (1 - f), dW0, 1e-15);
        Assert.Equal(f * (1 - f) * x1, dW1, 1e-15);
        Assert.Equal(f * (1 - f) * x2, dW2, 1e-15);
    }
}
