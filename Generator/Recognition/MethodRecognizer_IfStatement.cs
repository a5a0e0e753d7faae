using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary><c>if</c> statements (<c>?:</c> is in <c>MethodRecognizer_Conditional.cs</c>).</summary>
internal sealed partial class MethodRecognizer
{
    private IfStatement RecognizeIf(IConditionalOperation conditional, IfStatementSyntax syntax)
    {
        Expr condition = RecognizeExpression(conditional.Condition);
        int id = _nextStatementId++;
        Block then = RecognizeEmbedded(conditional.WhenTrue);
        Block? otherwise = conditional.WhenFalse is null ? null : RecognizeEmbedded(conditional.WhenFalse);
        return new IfStatement(id, FirstLine($"if ({syntax.Condition})"), LocationInfo.From(syntax), condition, then, otherwise);
    }
}
