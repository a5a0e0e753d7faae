using System.Collections.Generic;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Differentiation;

/// <summary>
/// Which methods get a tangent: those marked <c>Tangent = true</c>, and every [Differentiable] method of this
/// compilation that a method getting one calls; and which get the seeded Hessian-vector product (the tangent of their
/// gradient): those marked <c>HessianVector = true</c> (so callers in other assemblies find it) and every
/// [Differentiable] method of this compilation that a Hessian-vector product calls, transitively. A
/// Hessian-vector product runs each callee's tangent where the gradient runs the callee, so those get a tangent too.
/// Each method is reduced to a small equatable node first, so an edit that changes no node leaves the selection, and
/// every derivative after it, cached.
/// </summary>
internal static class TangentClosure
{
    /// <summary>A method as the selection sees it: its key, whether it asked for a tangent and a Hessian-vector product, and its callees' keys.</summary>
    internal sealed record Node(string Key, bool Requested, EquatableArray<string> Callees, bool HessianVector = false)
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

            return new Node(method.Key, method.Tangent, callees.ToEquatableArray(), method.HessianVector);
        }
    }

    /// <summary>The keys of every method that gets a tangent, in a stable order.</summary>
    public static EquatableArray<string> Keys(System.Collections.Immutable.ImmutableArray<Node> nodes) =>
        Closure(nodes, node => node.Requested ? new[] { node.Key } : node.HessianVector ? (IEnumerable<string>)node.Callees : System.Array.Empty<string>());

    /// <summary>The keys of every method that gets the seeded Hessian-vector product, in a stable order.</summary>
    public static EquatableArray<string> HessianVectorKeys(System.Collections.Immutable.ImmutableArray<Node> nodes) =>
        Closure(nodes, node => node.HessianVector ? new[] { node.Key } : System.Array.Empty<string>());

    /// <summary>The keys <paramref name="seeds"/> gives, and every callee of a selected method, transitively.</summary>
    private static EquatableArray<string> Closure(System.Collections.Immutable.ImmutableArray<Node> nodes, System.Func<Node, IEnumerable<string>> seeds)
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
            foreach (string key in seeds(node))
            {
                if (selected.Add(key))
                {
                    pending.Push(key);
                }
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
