using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SourceGrad.Generator.Tests.ConsumerMatrix;

/// <summary>
/// The consumer corpus keeps covering every construct docs/supported-csharp.md lists, so that the matrix checks the
/// code the generator emits for each of them (a construct dropped from the corpus would go unchecked silently).
/// </summary>
public class CorpusCoverageTests
{
    /// <summary>DESIGN.md's intrinsics; MathF has every one but Clamp (float's Clamp is Math.Clamp).</summary>
    private static readonly string[] s_intrinsics =
    [
        "Exp", "Log", "Log2", "Log10", "Sqrt", "Cbrt", "Pow", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Atan2",
        "Sinh", "Cosh", "Tanh", "Abs", "Min", "Max", "Clamp", "FusedMultiplyAdd", "Sign", "Floor", "Ceiling", "Round", "Truncate",
    ];

    private static readonly SyntaxNode[] s_roots =
        ConsumerCorpus.Files.Select(f => CSharpSyntaxTree.ParseText(f.Source).GetRoot()).ToArray();

    private static IEnumerable<SyntaxNode> Nodes => s_roots.SelectMany(r => r.DescendantNodes());

    private static IEnumerable<MethodDeclarationSyntax> Differentiable =>
        Nodes.OfType<MethodDeclarationSyntax>().Where(m => HasAttribute(m, "Differentiable"));

    public static TheoryData<string> Constructs() => new(s_constructs.Keys);

    private static readonly Dictionary<string, Func<bool>> s_constructs = new()
    {
        ["a cast between float and double"] = () => Nodes.OfType<CastExpressionSyntax>().Any(c => c.Type.ToString() is "float" or "double"),
        ["a cast to an integer"] = () => Nodes.OfType<CastExpressionSyntax>().Any(c => c.Type.ToString() is "int" or "long"),
        ["if / else if / else"] = () => Nodes.OfType<IfStatementSyntax>().Any(i => i.Else?.Statement is IfStatementSyntax { Else: not null }),
        ["?:"] = () => Nodes.OfType<ConditionalExpressionSyntax>().Any(),
        ["for"] = () => Nodes.OfType<ForStatementSyntax>().Any(),
        ["while"] = () => Nodes.OfType<WhileStatementSyntax>().Any(),
        ["do ... while"] = () => Nodes.OfType<DoStatementSyntax>().Any(),
        ["nested loops"] = () => Nodes.OfType<ForStatementSyntax>().Any(f => f.Statement.DescendantNodes().OfType<ForStatementSyntax>().Any()),
        ["break"] = () => Nodes.OfType<BreakStatementSyntax>().Any(),
        ["continue"] = () => Nodes.OfType<ContinueStatementSyntax>().Any(),
        ["an early return from a loop"] = () => Nodes.OfType<ReturnStatementSyntax>().Any(r => r.Ancestors().Any(a => a is ForStatementSyntax)),
        ["an element read or written at a computed index"] = () =>
            Nodes.OfType<ElementAccessExpressionSyntax>().Any(e => e.ArgumentList.Arguments[0].Expression is BinaryExpressionSyntax),
        ["an in-place write to a Span parameter"] = () => WritesParameterElement("global::System.Span<double>"),
        ["an in-place write to an array parameter"] = () => WritesParameterElement("double[]") && WritesParameterElement("float[]"),
        ["a stackalloc buffer"] = () => Nodes.OfType<StackAllocArrayCreationExpressionSyntax>().Any(),
        ["a new T[n] buffer"] = () => Nodes.OfType<ArrayCreationExpressionSyntax>().Any(),
        ["an expression-bodied method"] = () => Differentiable.Any(m => m.ExpressionBody is not null),
        ["a call to another [Differentiable] method"] = () =>
            Nodes.OfType<InvocationExpressionSyntax>().Any(i => Differentiable.Any(m => CalledName(i) == m.Identifier.Text)),
        ["a call to a method with a [DerivativeOf] rule"] = () =>
            Nodes.OfType<MethodDeclarationSyntax>().Where(m => HasAttribute(m, "DerivativeOf"))
                .Any(rule => Nodes.OfType<InvocationExpressionSyntax>().Any(i => rule.Identifier.Text == CalledName(i) + "Pullback")),
        ["Reductions, Activations, Linalg and Losses kernels"] = () =>
            new[] { "Reductions", "Activations", "Linalg", "Losses" }.All(kernel =>
                Nodes.OfType<MemberAccessExpressionSyntax>().Any(a => a.Expression.ToString() == kernel)),
        ["slices of a span and of an array"] = () => new[] { "Slice", "AsSpan" }.All(name => Nodes.OfType<InvocationExpressionSyntax>().Any(i => CalledName(i) == name)),
        ["[NoGrad] on a scalar and on a span"] = () =>
            Nodes.OfType<ParameterSyntax>().Where(p => HasAttribute(p, "NoGrad")).Select(p => p.Type!.ToString().Contains("Span", StringComparison.Ordinal)).Distinct().Count() == 2,
        ["a static readonly field"] = () => Nodes.OfType<FieldDeclarationSyntax>().Any(f => f.Modifiers.Any(SyntaxKind.ReadOnlyKeyword)),
        ["Math's functions"] = () => s_intrinsics.All(name => Calls("global::System.Math." + name)),
        ["MathF's functions"] = () => s_intrinsics.Where(name => name != "Clamp").All(name => Calls("global::System.MathF." + name)),
        ["a file-scoped namespace and a block-scoped one"] = () =>
            Nodes.OfType<FileScopedNamespaceDeclarationSyntax>().Any() && Nodes.OfType<NamespaceDeclarationSyntax>().Any(),
        ["a nested class, a generic type and a struct"] = () =>
            Differentiable.Any(m => m.Parent?.Parent is ClassDeclarationSyntax)
            && Differentiable.Any(m => m.Parent is TypeDeclarationSyntax { TypeParameterList: not null })
            && Differentiable.Any(m => m.Parent is StructDeclarationSyntax),
    };

    [Theory]
    [MemberData(nameof(Constructs))]
    public void The_corpus_has(string construct) => Assert.True(s_constructs[construct](), $"The consumer corpus has no {construct}.");

    [Fact]
    public void Every_differentiable_method_of_the_corpus_is_checked()
    {
        string[] methods = Differentiable.Select(m => m.Identifier.Text).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(methods, ConsumerCorpus.Cases.Select(c => c.Method).Distinct().Order(StringComparer.Ordinal));
    }

    private static bool HasAttribute(MemberDeclarationSyntax member, string name) =>
        member.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() == name);

    private static bool HasAttribute(ParameterSyntax parameter, string name) =>
        parameter.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() == name);

    private static string? CalledName(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        IdentifierNameSyntax name => name.Identifier.Text,
        MemberAccessExpressionSyntax access => access.Name.Identifier.Text,
        _ => null,
    };

    private static bool Calls(string function) =>
        Nodes.OfType<InvocationExpressionSyntax>().Any(i => i.Expression.ToString() == function);

    /// <summary>Whether some [Differentiable] method assigns an element of one of its own parameters of this type.</summary>
    private static bool WritesParameterElement(string type) =>
        Differentiable.Any(m => m.ParameterList.Parameters
            .Where(p => p.Type?.ToString() == type)
            .Any(p => m.DescendantNodes().OfType<AssignmentExpressionSyntax>()
                .Any(a => a.Left is ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax target } && target.Identifier.Text == p.Identifier.Text)));
}
