using System.Collections.Generic;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Differentiation;

/// <summary>
/// Which methods get a tangent: those marked <c>Tangent = true</c>, and every [Differentiable] method of this
/// compilation that a method getting one calls. Each method is reduced to a small equatable node first, so an edit
/// that changes no node leaves the selection, and every tangent after it, cached.
/// </summary>
internal static class TangentClosure
{
    /// <summary>A method as the selection sees it: its key, whether it asked for a tangent, and its callees' keys.</summary>
    internal sealed record Node(string Key, bool Requested, EquatableArray<string> Callees)
    {
        public static Node Of(MethodModel method)
        {
            var callees = new List<string>();
            var statements = new List<Statement>();
            Analysis.SavePlan.Flatten(method.Body, statements);
            foreach (Statement statement in statements)
            {
                if (statement is CallStatement { Callee.TangentKey: { } key } && !callees.Contains(key))
                {
                    callees.Add(key);
                }
            }

            return new Node(method.Key, method.Tangent, callees.ToEquatableArray());
        }
    }

    /// <summary>The keys of every method that gets a tangent, in a stable order.</summary>
    public static EquatableArray<string> Keys(System.Collections.Immutable.ImmutableArray<Node> nodes)
    {
        var byKey = new Dictionary<string, Node>(System.StringComparer.Ordinal);
        foreach (Node node in nodes)
        {
            byKey[node.Key] = node;
        }

        var selected = new SortedSet<string>(System.StringComparer.Ordinal);
        var pending = new Stack<string>();
        foreach (Node node in nodes)
        {
            if (node.Requested && selected.Add(node.Key))
            {
                pending.Push(node.Key);
            }
        }

        while (pending.Count > 0)
        {
            if (!byKey.TryGetValue(pending.Pop(), out Node? node))
            {
                continue;
            }

            foreach (string callee in node.Callees)
            {
                if (selected.Add(callee))
                {
                    pending.Push(callee);
                }
            }
        }

        return new List<string>(selected).ToEquatableArray();
    }
}
