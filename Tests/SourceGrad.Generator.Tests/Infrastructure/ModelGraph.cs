using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace SourceGrad.Generator.Tests.Infrastructure;

/// <summary>
/// Walks the object graph of a pipeline step's output by reflection (every instance field, public or not,
/// of every object reachable from it) and lists what would break incremental caching: compilation objects
/// that keep a whole compilation alive and never compare equal across runs, and anything compared by
/// reference (a class without its own Equals, a bare array outside <c>EquatableArray</c>).
/// </summary>
public static class ModelGraph
{
    private static readonly Type[] s_forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxToken), typeof(SyntaxTrivia), typeof(SyntaxTree),
        typeof(SyntaxReference), typeof(SemanticModel), typeof(Compilation), typeof(Location), typeof(IOperation),
        typeof(AttributeData), typeof(Microsoft.CodeAnalysis.Text.SourceText),
    };

    /// <summary>The problems found, each with its path from the root; none for null (a step may output null).</summary>
    public static List<string> Problems(object? root)
    {
        var problems = new List<string>();
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(root, root?.GetType().Name ?? "null", parentIsEquatableArray: false, problems, visited);
        return problems;
    }

    private static void Walk(object? value, string path, bool parentIsEquatableArray, List<string> problems, HashSet<object> visited)
    {
        if (value is null)
        {
            return;
        }

        Type type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || value is string || value is decimal)
        {
            return;
        }

        if (!type.IsValueType && !visited.Add(value))
        {
            return;
        }

        if (s_forbidden.FirstOrDefault(f => f.IsAssignableFrom(type)) is Type forbidden)
        {
            problems.Add($"{path} is a {forbidden.Name} ({type.FullName})");
            return;
        }

        if (type.IsArray)
        {
            if (!parentIsEquatableArray)
            {
                problems.Add($"{path} is an array ({type.Name}), which compares by reference");
            }

            int index = 0;
            foreach (object? item in (IEnumerable)value)
            {
                Walk(item, $"{path}[{index++}]", parentIsEquatableArray: false, problems, visited);
            }

            return;
        }

        if (!type.IsValueType && type.GetMethod(nameof(Equals), new[] { typeof(object) })!.DeclaringType == typeof(object))
        {
            problems.Add($"{path} is a {type.FullName}, a class that compares by reference");
        }

        bool isEquatableArray = type.IsGenericType && type.GetGenericTypeDefinition().Name.StartsWith("EquatableArray", StringComparison.Ordinal);
        if (value is ITuple tuple)
        {
            for (int i = 0; i < tuple.Length; i++)
            {
                Walk(tuple[i], $"{path}.Item{i + 1}", parentIsEquatableArray: false, problems, visited);
            }

            return;
        }

        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                Walk(field.GetValue(value), $"{path}.{FieldName(field)}", isEquatableArray, problems, visited);
            }
        }
    }

    /// <summary>A record's property rather than its compiler-named backing field.</summary>
    private static string FieldName(FieldInfo field) =>
        field.Name.StartsWith('<') && field.Name.IndexOf('>', StringComparison.Ordinal) is int end and > 0 ? field.Name[1..end] : field.Name;
}
