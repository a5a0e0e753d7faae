using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary>
/// Recognition: reads a [Differentiable] method through the semantic model into the IR, reporting an SG
/// diagnostic at the exact location of every construct the IR cannot express. Never throws on user code.
/// This file holds the entry point and the shared state; each construct is read in a file of its own,
/// <c>MethodRecognizer_&lt;Construct&gt;.cs</c>, as in Roslyn's lowering.
/// </summary>
internal sealed partial class MethodRecognizer
{
    private readonly SemanticModel _model;
    private readonly IMethodSymbol _method;
    private readonly CancellationToken _cancellationToken;
    private readonly List<Variable> _variables = new();
    private readonly Dictionary<ISymbol, int> _variableIds = new(SymbolEqualityComparer.Default);
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private int _nextStatementId = 1;
    private int _nextConditionalId = 1;
    private int _loopDepth;
    private int _blockDepth;
    private bool _seenJump;

    /// <summary>Calls met while reading the current statement, hoisted to run before it.</summary>
    private List<Statement>? _hoistedCalls;

    /// <summary>Why a call may not be hoisted here, or null where it may.</summary>
    private string? _callRestriction;

    /// <summary>How deep calls to [Differentiable] methods of this compilation are checked for getting a gradient.</summary>
    private readonly int _validateCallees;

    /// <summary>Callees already checked by this recognition, shared with the recognizers it starts.</summary>
    private readonly CalleeChecks _calleeChecks;

    private MethodRecognizer(SemanticModel model, IMethodSymbol method, CancellationToken cancellationToken, int validateCallees = 32,
        CalleeChecks? calleeChecks = null)
    {
        _model = model;
        _method = method;
        _cancellationToken = cancellationToken;
        _validateCallees = validateCallees;
        _calleeChecks = calleeChecks ?? new CalleeChecks(method);
    }

    /// <returns>The model, or null when another [Differentiable] part of the same partial method stands for it.</returns>
    public static MethodModel? Recognize(SyntaxNode node, ISymbol symbol, SemanticModel model, CancellationToken cancellationToken)
    {
        if (node is not MethodDeclarationSyntax syntax || symbol is not IMethodSymbol method)
        {
            // Local functions, lambdas, accessors and operators are methods to the attribute, not to the generator.
            string kind = node switch
            {
                LocalFunctionStatementSyntax => "a local function",
                AnonymousFunctionExpressionSyntax => "a lambda",
                AccessorDeclarationSyntax => "a property accessor",
                OperatorDeclarationSyntax or ConversionOperatorDeclarationSyntax => "an operator",
                _ => "this declaration",
            };
            LocationInfo? where = LocationInfo.From(node.GetLocation());
            var diagnostic = new DiagnosticInfo(DiagnosticDescriptors.NotAMethod.Id, where,
                new[] { symbol.Name, kind }.ToEquatableArray());
            return new MethodModel("", null, EquatableArray<ContainingType>.Empty, "", symbol.Name, null,
                EquatableArray<int>.Empty, EquatableArray<Variable>.Empty, new Block(0, EquatableArray<Statement>.Empty), 0,
                new[] { diagnostic }.ToEquatableArray(), where);
        }

        // [Differentiable] on the declaration of a partial method: differentiate its implementation.
        if (method.PartialImplementationPart is { } implementation
            && implementation.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is MethodDeclarationSyntax body)
        {
            if (HasOwnDifferentiableAttribute(implementation, body))
            {
                // The implementation carries the attribute too and is found on its own: one gradient, not two.
                return null;
            }

            syntax = body;
            model = body.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(body.SyntaxTree);
            method = implementation;
        }

        return Recognize(syntax, method, model, cancellationToken);
    }

    /// <summary>Whether [Differentiable] is written on this declaration itself (a partial method merges both parts' attributes).</summary>
    private static bool HasOwnDifferentiableAttribute(IMethodSymbol method, MethodDeclarationSyntax declaration) =>
        method.GetAttributes().Any(attribute =>
            attribute.AttributeClass?.ToDisplayString() == Types.DifferentiableAttribute
            && attribute.ApplicationSyntaxReference is { } reference
            && reference.SyntaxTree == declaration.SyntaxTree
            && declaration.Span.Contains(reference.Span));

    public static MethodModel Recognize(
        MethodDeclarationSyntax syntax,
        IMethodSymbol method,
        SemanticModel model,
        CancellationToken cancellationToken)
    {
        var recognizer = new MethodRecognizer(model, method, cancellationToken);
        try
        {
            return recognizer.Run(syntax);
        }
        catch (System.Exception exception) when (exception is not System.OperationCanceledException)
        {
            // The generator never throws: a bug becomes a diagnostic on the method, and the build goes on.
            return recognizer.Failed(syntax, exception);
        }
    }

    private MethodModel Failed(MethodDeclarationSyntax syntax, System.Exception exception)
    {
        LocationInfo? location = LocationInfo.From(syntax.Identifier.GetLocation());
        var diagnostic = new DiagnosticInfo(DiagnosticDescriptors.InternalError.Id, location,
            new[] { _method.Name, exception.GetType().Name + ": " + exception.Message }.ToEquatableArray());
        return new MethodModel("", null, EquatableArray<ContainingType>.Empty, "", _method.Name, null,
            EquatableArray<int>.Empty, EquatableArray<Variable>.Empty, new Block(0, EquatableArray<Statement>.Empty), 0,
            new[] { diagnostic }.ToEquatableArray(), location);
    }

    private MethodModel Run(MethodDeclarationSyntax syntax)
    {
        LocationInfo? location = LocationInfo.From(syntax.Identifier.GetLocation());
        CheckSignature(syntax, location);
        CheckGeneratedNames();
        var parameters = new List<int>();
        foreach (IParameterSymbol parameter in _method.Parameters)
        {
            parameters.Add(DeclareParameter(parameter));
        }

        Block body = new(0, EquatableArray<Statement>.Empty);
        if (syntax.Body is null && syntax.ExpressionBody is null)
        {
            Report(DiagnosticDescriptors.MethodHasNoBody, location, _method.Name);
        }
        else if (_model.GetOperation(syntax, _cancellationToken) is IMethodBodyOperation operation
            && (operation.BlockBody ?? operation.ExpressionBody) is IBlockOperation block)
        {
            body = RecognizeBlock(block);
        }
        else
        {
            Report(DiagnosticDescriptors.MethodHasNoBody, location, _method.Name);
        }

        int snapshots = CheckedSnapshots();
        return new MethodModel(
            HintName(),
            _method.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
            ContainingTypes(),
            Accessibility(_method.DeclaredAccessibility),
            _method.Name,
            _method.ReturnsVoid ? null : Types.Scalar(_method.ReturnType),
            parameters.ToEquatableArray(),
            _variables.ToEquatableArray(),
            body,
            _nextStatementId,
            _diagnostics.ToEquatableArray(),
            location,
            CheckFinite: AttributeFlag("CheckFinite", unset: false),
            Vectorize: AttributeFlag("Vectorize", unset: true),
            Tangent: AttributeFlag("Tangent", unset: false),
            Key: Types.MethodKey(_method),
            TangentNameTaken: TakenName("Tangent"),
            HessianVector: AttributeFlag("HessianVector", unset: false),
            HessianVectorNameTaken: TakenName("HessianVector"),
            Split: AttributeFlag("Split", unset: false),
            SplitNameTaken: TakenName("Forward") ?? TakenName("Backward"),
            Checkpoint: (CheckpointKind)(AttributeValue("Checkpoint") is int mode && mode is >= 0 and <= 2 ? mode : 0),
            Snapshots: snapshots,
            CheckpointLoop: AttributeValue("CheckpointLoop") as string);
    }

    private static string StatementSource(SyntaxNode syntax)
    {
        string text = syntax is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax declaration } declarator
            ? $"{declaration.Type} {declarator};"
            : syntax.ToString();
        return FirstLine(text);
    }

    private static string FirstLine(string text)
    {
        string collapsed = Regex.Replace(text, @"\s+", " ").Trim();
        return collapsed.Length > 120 ? collapsed.Substring(0, 117) + "..." : collapsed;
    }

    private void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        _diagnostics.Add(new DiagnosticInfo(descriptor.Id, location ?? LocationInfo.From(_method.Locations.FirstOrDefault()), arguments.ToEquatableArray()));
}
