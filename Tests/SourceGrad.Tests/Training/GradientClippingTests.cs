namespace SourceGrad.Tests.Training;

public class GradientClippingTests
{
    private static ParameterSet SetWithGradients(float[] a, float[] b)
    {
        var set = new ParameterSet();
        a.CopyTo(set.Add("a", a.Length).Gradient, 0);
        b.CopyTo(set.Add("b", b.Length).Gradient, 0);
        return set;
    }

    [Fact]
    public void Clips_to_the_max_norm_over_all_parameters()
    {
        var rng = new SeededRandom(5);
        float[] a = Enumerable.Range(0, 41).Select(_ => (float)rng.NextGaussian()).ToArray();
        float[] b = [3, -4, 12];
        var set = SetWithGradients(a, b);
        double expectedNorm = Math.Sqrt(a.Concat(b).Sum(g => (double)g * g));

        double norm = GradientClipping.ClipByGlobalNorm(set, 2.0);

        Assert.Equal(expectedNorm, norm, 5);
        double scale = 2.0 / (expectedNorm + 1e-6);
        for (int i = 0; i < a.Length; i++)
            Assert.Equal(a[i] * scale, set["a"].Gradient[i], 5);
        Assert.Equal(2.0, GradientClipping.GlobalNorm(set), 5);
    }

    [Fact]
    public void Leaves_small_gradients_alone()
    {
        var set = SetWithGradients([0.3f, 0.4f], [0]);

        Assert.Equal(0.5, GradientClipping.ClipByGlobalNorm(set, 1.0), 6);
        Assert.Equal([0.3f, 0.4f], set["a"].Gradient);
    }

    [Fact]
    public void Reports_a_non_finite_norm_and_leaves_the_gradients()
    {
        var set = SetWithGradients([1, float.NaN], [2]);

        Assert.True(double.IsNaN(GradientClipping.ClipByGlobalNorm(set, 1.0)));
        Assert.Equal(1f, set["a"].Gradient[0]);
        Assert.Equal(2f, set["b"].Gradient[0]);
    }

    [Fact]
    public void Rejects_a_negative_max_norm()
    {
        Assert.Equal("maxNorm", Assert.ThrowsAny<ArgumentException>(() => GradientClipping.ClipByGlobalNorm(new ParameterSet(), -1)).ParamName);
    }
}
