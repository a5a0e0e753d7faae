namespace SourceGrad.Tests;

public class SmokeTests
{
    [Fact]
    public void SaveStack_pops_in_reverse_order()
    {
        var stack = new SourceGrad.Internal.SaveStack<float>();
        for (int i = 0; i < 1000; i++) stack.Push(i);
        for (int i = 999; i >= 0; i--) Assert.Equal(i, stack.Pop());
        stack.Dispose();
    }
}
