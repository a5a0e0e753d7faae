namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>A hand-written program checked by the same oracle as the random ones (for minimal regression cases).</summary>
internal static class FuzzCase
{
    /// <summary>
    /// A program whose method F has the given parameters (doubles, at most one buffer named a, ints n and m), return
    /// type and body; <paramref name="members"/> are added to the class as they are.
    /// </summary>
    public static FuzzProgram Program(string parameters, string returnType, string body, string members = "", int minimumLength = 0)
    {
        Param[] parsed = parameters.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(text =>
            {
                bool noGrad = text.StartsWith("[NoGrad]", StringComparison.Ordinal);
                string[] parts = text.Replace("[NoGrad]", "").Trim().Split(' ');
                return new Param(parts[1], parts[0], noGrad);
            })
            .ToArray();
        var main = new MethodSpec("F", returnType, parsed, new Block([new RawStmt(body.Trim('\n'))]));
        return new FuzzProgram("Case", main, [], 0, 0) { ExtraMembers = members, MinimumLength = minimumLength, HasClashingFields = false };
    }

    /// <summary>Fails with the report when the generator mishandles the program.</summary>
    public static void AssertCorrect(FuzzProgram program)
    {
        FuzzFailure? failure = Shrinker.Reproduce(program);
        Assert.True(failure is null, failure?.Report());
    }
}
