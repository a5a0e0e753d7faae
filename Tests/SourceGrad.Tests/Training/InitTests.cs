namespace SourceGrad.Tests.Training;

public class InitTests
{
    private const int FanIn = 400;
    private const int FanOut = 250;

    public delegate void Initializer(Span<float> weights, int fanIn, int fanOut, SeededRandom rng);

    public static TheoryData<string, double, bool> Cases => new()
    {
        // name, expected variance, uniform?
        { "XavierUniform", 2.0 / (FanIn + FanOut), true },
        { "XavierNormal", 2.0 / (FanIn + FanOut), false },
        { "HeUniform", 2.0 / FanIn, true },
        { "HeNormal", 2.0 / FanIn, false },
    };

    private static Initializer Get(string name) => name switch
    {
        "XavierUniform" => (w, i, o, r) => Init.XavierUniform(w, i, o, r),
        "XavierNormal" => (w, i, o, r) => Init.XavierNormal(w, i, o, r),
        "HeUniform" => Init.HeUniform,
        _ => Init.HeNormal,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Mean_and_variance_match_the_formula(string name, double variance, bool uniform)
    {
        var weights = new float[FanIn * FanOut];
        Get(name)(weights, FanIn, FanOut, new SeededRandom(17));

        double mean = weights.Average(w => (double)w);
        double sampleVariance = weights.Sum(w => (w - mean) * (w - mean)) / (weights.Length - 1);
        Assert.InRange(mean, -5 * Math.Sqrt(variance / weights.Length), 5 * Math.Sqrt(variance / weights.Length));
        Assert.InRange(sampleVariance / variance, 0.98, 1.02);
        if (uniform)
        {
            double bound = Math.Sqrt(3 * variance); // U(−a, a) has variance a²/3
            Assert.All(weights, w => Assert.InRange(w, -bound, bound));
            Assert.True(weights.Max() > 0.99 * bound && weights.Min() < -0.99 * bound);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_same_seed_gives_the_same_weights(string name, double variance, bool uniform)
    {
        _ = (variance, uniform);
        var a = new float[300];
        var b = new float[300];
        var c = new float[300];
        Get(name)(a, 30, 10, new SeededRandom(99));
        Get(name)(b, 30, 10, new SeededRandom(99));
        Get(name)(c, 30, 10, new SeededRandom(100));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void First_weights_are_fixed_on_every_machine()
    {
        // U(−a, a) from the first doubles of seed 42 (see SeededRandomTests), a = √(6 / (3 + 5)).
        var weights = new float[3];
        Init.XavierUniform(weights, 3, 5, new SeededRandom(42));
        double a = Math.Sqrt(6.0 / 8);
        Assert.Equal([(float)(a * (2 * 0.08386297105988216 - 1)), (float)(a * (2 * 0.3789802506626686 - 1)), (float)(a * (2 * 0.6800434110281394 - 1))], weights);
    }

    [Fact]
    public void Bad_fans_name_the_argument()
    {
        var rng = new SeededRandom(1);
        Assert.Equal("fanIn", Assert.ThrowsAny<ArgumentException>(() => Init.HeNormal(new float[4], 0, 4, rng)).ParamName);
        Assert.Equal("fanOut", Assert.ThrowsAny<ArgumentException>(() => Init.XavierUniform(new float[4], 4, -1, rng)).ParamName);
    }
}
