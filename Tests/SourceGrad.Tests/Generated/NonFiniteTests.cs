namespace SourceGrad.Tests.Generated;

public static partial class NonFiniteModels
{
    [Differentiable(CheckFinite = true)]
    public static double Norm(ReadOnlySpan<double> v)
    {
        double squares = 0;
        for (int i = 0; i < v.Length; i++)
        {
            squares += v[i] * v[i];
        }

        double norm = Math.Sqrt(squares);
        return norm * 2;
    }
}

public class NonFiniteTests
{
    [Fact]
    public void GradCheck_names_the_statement_whose_adjoint_became_infinite()
    {
        double[] v = { 0, 0, 0 };
        var dV = new double[3];
        NonFiniteGradients.Reset();
        NonFiniteModels.NormGradient(v, dV);

        NonFiniteGradient? first = NonFiniteGradients.First;
        Assert.NotNull(first);
        Assert.Equal("Norm", first.Method);
        Assert.Equal("double norm = Math.Sqrt(squares);", first.Statement);

        GradCheckResult result = GradCheck.Check(() => NonFiniteModels.Norm(v), new GradCheckInput("v", v, dV));
        Assert.True(result.HasNonFinite);
        Assert.Contains("double norm = Math.Sqrt(squares);", result.ToString());
    }

    [Fact]
    public void Finite_gradients_record_nothing()
    {
        double[] v = { 1, 2, 2 };
        var dV = new double[3];
        NonFiniteGradients.Reset();
        NonFiniteModels.NormGradient(v, dV);
        Assert.Null(NonFiniteGradients.First);
        Assert.Equal(2.0 / 3, dV[0], 12);
    }
}
