namespace SourceGrad.Tests.Catalogue;

/// <summary>The scalar rows of every catalogue, one theory case per method, each checked at seeded random points.</summary>
public class ScalarTableTests
{
    private const int Points = 5;

    private static readonly Dictionary<string, ScalarCase> Cases =
        ScalarCatalogueTests.Table.Concat(ControlFlowCatalogueTests.Table).Concat(CallCatalogueTests.Table).Concat(EdgeCatalogueTests.Table).ToDictionary(c => c.Name);

    public static TheoryData<string> Names => ScalarCase.Names(Cases.Values);

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradient_matches_finite_differences(string name) => Cases[name].Check(Points);
}
