namespace SourceGrad.Samples.NewtonCG;

/// <summary>Rosenbrock in <see cref="Dimension"/> variables, through the generated gradient and the Hessian-vector product.</summary>
internal readonly struct RosenbrockProblem(int dimension) : ISecondOrderObjective<float>
{
    public int Dimension => dimension;

    public float ValueAndGradient(ReadOnlySpan<float> x, Span<float> gradient) => Objectives.RosenbrockGradient(x, gradient);

    public void HessianVector(ReadOnlySpan<float> x, ReadOnlySpan<float> direction, Span<float> gradient, Span<float> product) =>
        Objectives.RosenbrockHessianVector(x, direction, gradient, product);

    /// <summary>The usual start: −1.2 at even indices, 1 at odd ones.</summary>
    public static float[] StandardStart(int dimension) => Enumerable.Range(0, dimension).Select(i => i % 2 == 0 ? -1.2f : 1f).ToArray();
}

/// <summary>
/// Softmax regression over <see cref="Count"/> images as a function of one flat vector: W (classes × inputs, row-major),
/// then b (classes).
/// </summary>
internal readonly struct SoftmaxRegressionProblem(float[] images, int[] labels, int inputs, int classes, float l2) : ISecondOrderObjective<float>
{
    public int Count => labels.Length;

    public int Inputs => inputs;

    public int Classes => classes;

    public float L2 => l2;

    private int WeightCount => classes * inputs;

    public int Dimension => WeightCount + classes;

    public float ValueAndGradient(ReadOnlySpan<float> x, Span<float> gradient) =>
        Objectives.SoftmaxRegressionLossGradient(
            x[..WeightCount], x[WeightCount..], images, labels, Count, inputs, classes, l2, gradient[..WeightCount], gradient[WeightCount..]);

    public void HessianVector(ReadOnlySpan<float> x, ReadOnlySpan<float> direction, Span<float> gradient, Span<float> product) =>
        Objectives.SoftmaxRegressionLossHessianVector(
            x[..WeightCount], x[WeightCount..], images, labels, Count, inputs, classes, l2,
            direction[..WeightCount], direction[WeightCount..], gradient[..WeightCount], gradient[WeightCount..],
            product[..WeightCount], product[WeightCount..]);

    /// <summary>The share of the images whose largest logit is their label's, for the weights in <paramref name="x"/>.</summary>
    public double Accuracy(ReadOnlySpan<float> x)
    {
        int correct = 0;
        for (int i = 0; i < Count; i++)
        {
            ReadOnlySpan<float> image = images.AsSpan(i * inputs, inputs);
            int best = 0;
            float bestLogit = float.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                float z = x[WeightCount + c];
                ReadOnlySpan<float> row = x.Slice(c * inputs, inputs);
                for (int j = 0; j < inputs; j++)
                    z += row[j] * image[j];
                if (z > bestLogit)
                    (best, bestLogit) = (c, z);
            }

            if (best == labels[i])
                correct++;
        }

        return (double)correct / Count;
    }

    /// <summary>The first <paramref name="count"/> digits of <paramref name="data"/>, with the given L2 weight.</summary>
    public static SoftmaxRegressionProblem From(Data.MnistDataSet data, int count, float l2)
    {
        Data.MnistDataSet slice = data.Slice(0, count);
        return new SoftmaxRegressionProblem(
            slice.Images, Array.ConvertAll(slice.Labels, label => (int)label), Data.MnistDataSet.PixelsPerImage, Data.MnistDataSet.ClassCount, l2);
    }
}
