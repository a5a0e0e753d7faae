namespace SourceGrad.Tests.Training;

public class ParameterSetTests
{
    [Fact]
    public void Add_lays_parameters_out_one_after_another()
    {
        var set = new ParameterSet();
        Parameter w = set.Add("w", 3, 4);
        Parameter b = set.Add("b", 4);

        Assert.Equal(2, set.Count);
        Assert.Equal(16, set.TotalLength);
        Assert.Equal([3, 4], w.Shape);
        Assert.Equal(12, w.Length);
        Assert.Equal(12, w.Gradient.Length);
        Assert.Equal(0, w.Offset);
        Assert.Equal(12, b.Offset);
        Assert.Same(b, set["b"]);
        Assert.Same(w, set[0]);
        Assert.Equal(["w", "b"], set.Select(p => p.Name));
    }

    [Fact]
    public void ZeroGradients_clears_every_gradient()
    {
        var set = new ParameterSet();
        set.Add("a", 5).Gradient.AsSpan().Fill(3);
        set.Add("b", 2, 2).Gradient.AsSpan().Fill(-1);

        set.ZeroGradients();

        Assert.All(set, p => Assert.All(p.Gradient, g => Assert.Equal(0f, g)));
    }

    [Fact]
    public void Flat_copies_follow_the_offsets()
    {
        var set = new ParameterSet();
        set.Add("a", 2);
        set.Add("b", 3);
        set.CopyValuesFrom([1, 2, 3, 4, 5]);
        set["b"].Gradient[2] = 9;

        Assert.Equal([3f, 4, 5], set["b"].Value);
        var values = new float[5];
        set.CopyValuesTo(values);
        Assert.Equal([1f, 2, 3, 4, 5], values);
        var gradients = new float[5];
        set.CopyGradientsTo(gradients);
        Assert.Equal([0f, 0, 0, 0, 9], gradients);
    }

    [Fact]
    public void Mistakes_are_reported_with_the_argument()
    {
        var set = new ParameterSet();
        set.Add("w", 2);

        Assert.Equal("name", Assert.Throws<ArgumentException>(() => set.Add("w", 3)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => set.Add("v", 3, 0)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => set.Add("v")).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => set.CopyValuesTo(new float[3])).ParamName);
        var missing = Assert.Throws<KeyNotFoundException>(() => set["nope"]);
        Assert.Contains("'nope'", missing.Message);
        Assert.Contains("w", missing.Message);
    }
}
