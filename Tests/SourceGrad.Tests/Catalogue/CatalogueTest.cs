using System.Runtime.CompilerServices;

namespace SourceGrad.Tests.Catalogue;

/// <summary>Base of the hand-written catalogue tests: runs a check at several seeded points.</summary>
public abstract class CatalogueTest
{
    protected const int Points = 4;

    /// <summary>Calls <paramref name="checkAt"/> at <see cref="Points"/> points drawn from a generator seeded by the test's name.</summary>
    protected void AtRandomPoints(Action<Random> checkAt, [CallerMemberName] string test = "")
    {
        Random rng = Sample.For(GetType().Name + "." + test);
        for (int p = 0; p < Points; p++) checkAt(rng);
    }

    /// <summary>Runs a void call where the check expects a result: void methods contribute 0.</summary>
    protected static double Void(Action call)
    {
        call();
        return 0;
    }

    /// <summary>Runs a void tangent call where the check expects (result, tangent): void methods contribute 0 to both.</summary>
    protected static (double, double) VoidTangent(Action call)
    {
        call();
        return (0, 0);
    }
}
