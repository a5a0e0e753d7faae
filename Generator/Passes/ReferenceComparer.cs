using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace SourceGrad.Generator.Passes;

/// <summary>Compares by identity: a pass that found one statement in the tree means that one, not an equal one elsewhere.</summary>
internal sealed class ReferenceComparer<T> : IEqualityComparer<T>
    where T : class
{
    public static readonly ReferenceComparer<T> Instance = new();

    public bool Equals(T? x, T? y) => ReferenceEquals(x, y);

    public int GetHashCode(T obj) => RuntimeHelpers.GetHashCode(obj);
}
