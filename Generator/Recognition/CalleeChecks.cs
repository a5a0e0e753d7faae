using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace SourceGrad.Generator.Recognition;

/// <summary>
/// Which [Differentiable] callees get no gradient, remembered for one method's recognition so that a callee met
/// many times, or recursively (Fibonacci calls itself twice), is recognized once rather than exponentially often.
/// </summary>
/// <remarks>
/// A callee still being checked (a cycle of calls) is assumed to have no errors while its cycle is checked; when it
/// turns out to have errors, every callee checked under that assumption gets errors too, since it calls into it.
/// </remarks>
internal sealed class CalleeChecks
{
    private readonly Dictionary<IMethodSymbol, bool> _results = new(SymbolEqualityComparer.Default);
    private readonly List<IMethodSymbol> _inProgress = new();
    private readonly Dictionary<IMethodSymbol, List<IMethodSymbol>> _assumedBy = new(SymbolEqualityComparer.Default);

    /// <param name="root">The method being recognized: its own errors are reported on it, so calls to it count as fine.</param>
    public CalleeChecks(IMethodSymbol root) => Begin(root.OriginalDefinition);

    /// <summary>The result for a callee checked (or being checked) before.</summary>
    public bool TryGetKnown(IMethodSymbol callee, out bool hasErrors)
    {
        int at = _inProgress.FindIndex(m => SymbolEqualityComparer.Default.Equals(m, callee));
        if (at >= 0)
        {
            if (!_assumedBy.TryGetValue(callee, out List<IMethodSymbol>? dependents))
            {
                _assumedBy[callee] = dependents = new List<IMethodSymbol>();
            }

            dependents.AddRange(_inProgress.GetRange(at + 1, _inProgress.Count - at - 1));
            hasErrors = false;
            return true;
        }

        return _results.TryGetValue(callee, out hasErrors);
    }

    public void Begin(IMethodSymbol callee) => _inProgress.Add(callee);

    public void End(IMethodSymbol callee, bool hasErrors)
    {
        _inProgress.RemoveAt(_inProgress.Count - 1);
        _results[callee] = hasErrors;
        if (hasErrors && _assumedBy.TryGetValue(callee, out List<IMethodSymbol>? dependents))
        {
            foreach (IMethodSymbol dependent in dependents)
            {
                _results[dependent] = true;
            }
        }
    }
}
