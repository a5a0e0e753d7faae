namespace SourceGrad.Samples.Digits.Models;

/// <summary>
/// The lecture's logistic unit on points (x1, x2): f = 1/(1 + exp(−(w0 + w1·x1 + w2·x2))), the probability that a
/// point is of class 1, trained with the mean binary cross-entropy through the generated <c>LossGradient</c>.
/// </summary>
internal static partial class Logistic
{
    /// <summary>The lecture's sigmoid unit.</summary>
    [Differentiable]
    public static double Probability(double w0, double w1, double w2, [NoGrad] double x1, [NoGrad] double x2) =>
        1 / (1 + Math.Exp(-(w0 + w1 * x1 + w2 * x2)));

    /// <summary>The mean over the points of −[y·log f + (1 − y)·log(1 − f)], with labels y of 0 or 1.</summary>
    [Differentiable]
    public static double Loss(double w0, double w1, double w2, [NoGrad] ReadOnlySpan<double> x1, [NoGrad] ReadOnlySpan<double> x2, [NoGrad] ReadOnlySpan<double> y, int count)
    {
        double total = 0;
        for (int i = 0; i < count; i++)
        {
            double f = Probability(w0, w1, w2, x1[i], x2[i]);
            total -= y[i] * Math.Log(f) + (1 - y[i]) * Math.Log(1 - f);
        }

        return total / count;
    }
}

/// <summary>Two classes of points in the plane, each a Gaussian blob; the blobs overlap a little, so no line separates them perfectly.</summary>
internal sealed record ToyData(double[] X1, double[] X2, double[] Y)
{
    public int Count => Y.Length;

    /// <summary><paramref name="perClass"/> points around (−1, −0.5) of class 0 and as many around (1, 0.75) of class 1, standard deviation 0.8.</summary>
    public static ToyData TwoBlobs(int perClass, SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perClass, 1);
        int count = 2 * perClass;
        var x1 = new double[count];
        var x2 = new double[count];
        var y = new double[count];
        for (int i = 0; i < count; i++)
        {
            bool positive = i % 2 == 1; // interleaved, so any prefix holds both classes
            x1[i] = random.NextGaussian(positive ? 1.0 : -1.0, 0.8);
            x2[i] = random.NextGaussian(positive ? 0.75 : -0.5, 0.8);
            y[i] = positive ? 1 : 0;
        }
        return new ToyData(x1, x2, y);
    }
}
