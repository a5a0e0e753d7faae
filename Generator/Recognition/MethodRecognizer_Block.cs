using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary>Blocks and the statement dispatch: one line per statement kind, each kind in a file of its own.</summary>
internal sealed partial class MethodRecognizer
{
    private Block RecognizeBlock(IBlockOperation block)
    {
        int id = _nextStatementId++;
        var statements = new List<Statement>();
        _blockDepth++;
        foreach (IOperation operation in block.Operations)
        {
            RecognizeStatement(operation, statements);
        }

        _blockDepth--;
        return new Block(id, statements.ToEquatableArray());
    }

    /// <summary>A statement that C# allows without braces, read as a block.</summary>
    private Block RecognizeEmbedded(IOperation operation)
    {
        if (operation is IBlockOperation block)
        {
            return RecognizeBlock(block);
        }

        int id = _nextStatementId++;
        var statements = new List<Statement>();
        _blockDepth++;
        RecognizeStatement(operation, statements);
        _blockDepth--;
        return new Block(id, statements.ToEquatableArray());
    }

    private void RecognizeStatement(IOperation operation, List<Statement> output)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        List<Statement>? outerHoisted = _hoistedCalls;
        _hoistedCalls = output;
        try
        {
            RecognizeStatementCore(operation, output);
        }
        finally
        {
            _hoistedCalls = outerHoisted;
        }
    }

    private void RecognizeStatementCore(IOperation operation, List<Statement> output)
    {
        switch (operation)
        {
            case IBlockOperation block:
                output.Add(RecognizeBlock(block));
                return;
            case IEmptyOperation:
                return;
            case IVariableDeclarationGroupOperation group:
                RecognizeLocalDeclaration(group, output);
                return;
            case IExpressionStatementOperation { Operation: var expression }:
                RecognizeExpressionStatement(expression, operation, output);
                return;
            case IConditionalOperation conditional when conditional.Syntax is IfStatementSyntax ifSyntax:
                output.Add(RecognizeIf(conditional, ifSyntax));
                return;
            case IForLoopOperation forLoop:
                output.Add(RecognizeFor(forLoop));
                return;
            case IWhileLoopOperation whileLoop:
                output.Add(RecognizeWhile(whileLoop));
                return;
            case IBranchOperation { BranchKind: BranchKind.Break or BranchKind.Continue } branch
                when branch.Syntax is BreakStatementSyntax or ContinueStatementSyntax:
                output.Add(RecognizeBreakOrContinue(branch));
                return;
            case IReturnOperation returnOperation:
                output.Add(RecognizeReturn(returnOperation));
                return;
            default:
                UnsupportedStatement(operation);
                return;
        }
    }

    private void UnsupportedStatement(IOperation operation)
    {
        (string construct, string fix) = operation switch
        {
            IForEachLoopOperation => ("foreach", "write a for loop over the indices"),
            ISwitchOperation => ("switch", "write it as if/else"),
            IBranchOperation { BranchKind: BranchKind.GoTo } => ("goto", "use break, continue or return"),
            ILabeledOperation => ("a labelled statement", "use break, continue or return"),
            ITryOperation => ("try", "keep exception handling outside the differentiable method"),
            IUsingOperation or IUsingDeclarationOperation => ("using", "keep resource handling outside the differentiable method"),
            ILockOperation => ("lock", "keep synchronisation outside the differentiable method"),
            IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation } =>
                ("throw", "validate the arguments before calling the differentiable method"),
            ILocalFunctionOperation => ("a local function", "make it a [Differentiable] method of its own"),
            _ => (FirstLine(operation.Syntax.ToString()), "rewrite it with the supported C# listed in docs/supported-csharp.md"),
        };
        Report(DiagnosticDescriptors.UnsupportedStatement, LocationInfo.From(operation.Syntax), construct, fix);
    }
}
