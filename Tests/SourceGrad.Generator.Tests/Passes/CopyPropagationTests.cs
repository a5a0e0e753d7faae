namespace SourceGrad.Generator.Tests.Passes;

public class CopyPropagationTests
{
    [Fact]
    public void A_temporary_that_copies_a_kept_value_is_replaced_by_it()
    {
        const string source = """
            public static partial class P
            {
                [Differentiable]
                public static double F(double z) => 1 / (2 + Math.Exp(-z));
            }
            """;
        (string before, string after) = PassHarness.BeforeAndAfter(source, "CopyPropagation");

        Assert.Contains("double _v1 = _e1;", before);
        Assert.DoesNotContain("_v1", after);
        Assert.Contains("double _d1 = -seed / (_e1 * _e1);", after);
    }
}
