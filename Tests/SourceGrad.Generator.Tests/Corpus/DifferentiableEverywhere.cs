using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SourceGrad.Generator.Tests.Corpus;

/// <summary>
/// Rewrites real code so the generator sees all of it: every method and local function gets
/// [Differentiable] (unless it has it), and every class, struct, record and interface becomes partial.
/// </summary>
internal sealed class DifferentiableEverywhere(Func<SyntaxNode, bool>? only = null) : CSharpSyntaxRewriter
{
    private static readonly AttributeListSyntax s_attribute = SyntaxFactory.AttributeList(
            SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(SyntaxFactory.ParseName("global::SourceGrad.Differentiable"))))
        .WithTrailingTrivia(SyntaxFactory.Space);

    /// <summary>The tree with [Differentiable] on every method (or only on those <paramref name="only"/> accepts) and every type partial.</summary>
    public static SyntaxTree Rewrite(SyntaxTree tree, Func<SyntaxNode, bool>? only = null) =>
        tree.WithRootAndOptions(new DifferentiableEverywhere(only).Visit(tree.GetRoot()), tree.Options);

    public override SyntaxNode? VisitMethodDeclaration(MethodDeclarationSyntax node)
    {
        var visited = (MethodDeclarationSyntax)base.VisitMethodDeclaration(node)!;
        return only?.Invoke(node) == false ? visited : Annotate(visited, visited.AttributeLists, static (n, lists) => n.WithAttributeLists(lists));
    }

    public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node)
    {
        var visited = (LocalFunctionStatementSyntax)base.VisitLocalFunctionStatement(node)!;
        return only?.Invoke(node) == false ? visited : Annotate(visited, visited.AttributeLists, static (n, lists) => n.WithAttributeLists(lists));
    }

    public override SyntaxNode? VisitClassDeclaration(ClassDeclarationSyntax node) => MakePartial((TypeDeclarationSyntax)base.VisitClassDeclaration(node)!);

    public override SyntaxNode? VisitStructDeclaration(StructDeclarationSyntax node) => MakePartial((TypeDeclarationSyntax)base.VisitStructDeclaration(node)!);

    public override SyntaxNode? VisitRecordDeclaration(RecordDeclarationSyntax node) => MakePartial((TypeDeclarationSyntax)base.VisitRecordDeclaration(node)!);

    public override SyntaxNode? VisitInterfaceDeclaration(InterfaceDeclarationSyntax node) => MakePartial((TypeDeclarationSyntax)base.VisitInterfaceDeclaration(node)!);

    private static TypeDeclarationSyntax MakePartial(TypeDeclarationSyntax type)
    {
        if (type.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return type;
        }

        // 'partial' goes last, right before the type keyword (and after 'ref' in a ref struct); with no other
        // modifier it takes over the keyword's indentation.
        SyntaxToken partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        if (type.Modifiers.Count == 0)
        {
            partial = partial.WithLeadingTrivia(type.Keyword.LeadingTrivia);
            type = type.WithKeyword(type.Keyword.WithLeadingTrivia());
        }

        return type.WithModifiers(type.Modifiers.Add(partial));
    }

    /// <summary>Adds [Differentiable] after the node's attributes; with none, it takes over the node's leading trivia (indentation, doc comment).</summary>
    private static T Annotate<T>(T node, SyntaxList<AttributeListSyntax> lists, Func<T, SyntaxList<AttributeListSyntax>, T> withLists)
        where T : SyntaxNode
    {
        if (HasDifferentiable(lists))
        {
            return node;
        }

        if (lists.Count > 0)
        {
            AttributeListSyntax last = lists.Last();
            return withLists(node, lists.Add(s_attribute.WithLeadingTrivia(last.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)))));
        }

        SyntaxTriviaList leading = node.GetLeadingTrivia();
        T bare = node.WithoutLeadingTrivia();
        return withLists(bare, SyntaxFactory.List([s_attribute.WithLeadingTrivia(leading).WithTrailingTrivia(SyntaxFactory.Space)]));
    }

    private static bool HasDifferentiable(SyntaxList<AttributeListSyntax> lists) =>
        lists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString().Split('.').Last() is "Differentiable" or "DifferentiableAttribute");
}
