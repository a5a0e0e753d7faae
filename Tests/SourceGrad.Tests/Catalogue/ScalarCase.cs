namespace SourceGrad.Tests.Catalogue;

/// <summary>
/// A scalar catalogue method as a table row: its domain (one interval per active parameter, plus a predicate
/// that keeps samples away from kinks), the primal, the generated gradient and the generated tangent over an
/// array of the active parameters. <see cref="Check"/> samples seeded points and runs <see cref="FiniteDifference.Check"/> on each.
/// </summary>
internal sealed class ScalarCase
{
    private const int MaxRejections = 10_000;
    private readonly (double Low, double High)[] _domain;
    private readonly Func<double[], bool> _accept;
    private readonly Action<double[]> _checkAt;

    private ScalarCase(string name, (double, double)[] domain, Func<double[], bool>? accept, Action<double[]> checkAt)
    {
        Name = name;
        _domain = domain;
        _accept = accept ?? (_ => true);
        _checkAt = checkAt;
    }

    public string Name { get; }

    /// <summary>
    /// A method whose active parameters are double; <paramref name="gradient"/> gets (x, dX, seed),
    /// <paramref name="tangent"/> gets (x, tX) and returns (result, tangent), <paramref name="hessianVector"/> gets
    /// (x, vX, dX, hvX) and returns the result.
    /// </summary>
    public static ScalarCase Double(
        string name,
        (double, double)[] domain,
        Func<double[], double> primal,
        Func<double[], double[], double, double> gradient,
        Func<double[], double[], (double, double)> tangent,
        Func<double[], bool>? accept = null,
        Precision? precision = null,
        Func<double[], double[], double[], double[], double>? hessianVector = null) =>
        new(name, domain, accept, point =>
        {
            Arg<double> x = Arg.Of("x", point);
            FiniteDifference.Check([x], () => primal(x.Value), seed => gradient(x.Value, x.Grad, seed), () => tangent(x.Value, x.Tangent),
                precision ?? Precision.Double,
                hessianVector: hessianVector is null ? null : () => hessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
        });

    /// <summary>A float method; samples are quantized so finite-difference steps are exact in float.</summary>
    public static ScalarCase Float(
        string name,
        (double, double)[] domain,
        Func<float[], float> primal,
        Func<float[], float[], float, float> gradient,
        Func<float[], float[], (double, double)> tangent,
        Func<double[], bool>? accept = null,
        Func<float[], float[], float[], float[], float>? hessianVector = null) =>
        new(name, domain, accept, point =>
        {
            Arg<float> x = Arg.Of("x", point.Select(v => (float)v).ToArray());
            FiniteDifference.Check([x], () => primal(x.Value), seed => gradient(x.Value, x.Grad, (float)seed), () => tangent(x.Value, x.Tangent),
                Precision.Float,
                hessianVector: hessianVector is null ? null : () => hessianVector(x.Value, x.Tangent, x.Grad, x.Hv));
        }) { IsFloat = true };

    private bool IsFloat { get; init; }

    public void Check(int points)
    {
        Random rng = Sample.For(Name);
        for (int p = 0; p < points; p++)
        {
            double[] point = new double[_domain.Length];
            int rejections = 0;
            do
            {
                if (++rejections > MaxRejections) throw new InvalidOperationException($"{Name}: the domain predicate rejects every sample");
                for (int i = 0; i < point.Length; i++)
                {
                    point[i] = IsFloat ? rng.QuantizedFloat(_domain[i].Low, _domain[i].High) : rng.Uniform(_domain[i].Low, _domain[i].High);
                }
            }
            while (!_accept(point));

            _checkAt(point);
        }
    }

    /// <summary>The table as xunit theory data: one test case per method name.</summary>
    public static TheoryData<string> Names(IEnumerable<ScalarCase> cases)
    {
        var names = new TheoryData<string>();
        foreach (ScalarCase c in cases) names.Add(c.Name);
        return names;
    }

    /// <summary>Distance from <paramref name="x"/> to the nearest multiple of <paramref name="period"/>.</summary>
    public static double DistanceToGrid(double x, double period) => Math.Abs(x / period - Math.Round(x / period)) * period;
}
