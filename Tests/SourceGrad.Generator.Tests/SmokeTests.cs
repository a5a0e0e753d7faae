namespace SourceGrad.Generator.Tests;

public class SmokeTests
{
    [Fact]
    public void Generator_type_exists() => Assert.NotNull(new GradientGenerator());
}
