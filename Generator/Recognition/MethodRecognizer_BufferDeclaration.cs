using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary>Declarations of local buffers (<c>stackalloc T[n]</c>, <c>new T[n]</c>).</summary>
internal sealed partial class MethodRecognizer
{
    private void RecognizeBufferDeclaration(
        IVariableDeclaratorOperation declarator,
        ILocalSymbol local,
        BufferKind buffer,
        ScalarType? element,
        IOperation? initializer,
        string source,
        List<Statement> output)
    {
        LocationInfo? location = LocationInfo.From(declarator.Syntax);
        if (element is null)
        {
            Report(DiagnosticDescriptors.UnsupportedVariableType, location, local.Name, local.Type.ToDisplayString());
            return;
        }

        SyntaxNode? valueSyntax = (declarator.Syntax as VariableDeclaratorSyntax)?.Initializer?.Value;
        while (valueSyntax is ParenthesizedExpressionSyntax parenthesized)
        {
            valueSyntax = parenthesized.Expression;
        }

        ExpressionSyntax? sizeSyntax = valueSyntax switch
        {
            StackAllocArrayCreationExpressionSyntax { Type: ArrayTypeSyntax { RankSpecifiers: [{ Sizes: [var size] }] }, Initializer: null } => size,
            ArrayCreationExpressionSyntax { Type.RankSpecifiers: [{ Sizes: [var size] }], Initializer: null } => size,
            _ => null,
        };
        if (sizeSyntax is null or OmittedArraySizeExpressionSyntax || initializer is null)
        {
            Report(DiagnosticDescriptors.UnsupportedStatement, location, source.TrimEnd(';'),
                "a local buffer is created with 'stackalloc T[n]' or 'new T[n]' (a slice or another buffer would alias it; pass slices as call arguments instead)");
            return;
        }

        if (_loopDepth > 0 || _blockDepth > 1 || _seenJump)
        {
            string where = _loopDepth > 0 ? "inside a loop" : _blockDepth > 1 ? "inside a nested block" : "after a return, break or continue";
            Report(DiagnosticDescriptors.LocalBufferPlacement, location, local.Name, where);
            return;
        }

        if (_model.GetOperation(sizeSyntax, _cancellationToken) is not IOperation sizeOperation)
        {
            Report(DiagnosticDescriptors.UnsupportedExpression, LocationInfo.From(sizeSyntax), sizeSyntax.ToString(), "the buffer length must be an int expression");
            return;
        }

        Expr length = RecognizeExpression(sizeOperation);
        int id = AddVariable(local, new Variable(local.Name, element.Value, VariableKind.Local, buffer, false,
            local.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), 0));
        output.Add(new BufferDeclaration(_nextStatementId++, source, location, id, length, valueSyntax is StackAllocArrayCreationExpressionSyntax));
    }
}
