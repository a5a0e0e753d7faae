using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary><c>break</c>, <c>continue</c> and <c>return</c>.</summary>
internal sealed partial class MethodRecognizer
{
    private Jump RecognizeBreakOrContinue(IBranchOperation branch) =>
        new(
            _nextStatementId++,
            branch.Syntax.ToString(),
            LocationInfo.From(branch.Syntax),
            branch.BranchKind == BranchKind.Break ? JumpKind.Break : JumpKind.Continue,
            null);

    private Jump RecognizeReturn(IReturnOperation returnOperation)
    {
        Expr? value = returnOperation.ReturnedValue is null ? null : RecognizeExpression(returnOperation.ReturnedValue);
        _seenJump = true;
        // On one line, as every statement's source: it becomes a // comment above the statement's adjoint.
        string source = FirstLine(returnOperation.Syntax is ArrowExpressionClauseSyntax arrow
            ? $"return {arrow.Expression};"
            : returnOperation.Syntax.ToString());
        return new Jump(_nextStatementId++, source, LocationInfo.From(returnOperation.Syntax), JumpKind.Return, value);
    }
}
