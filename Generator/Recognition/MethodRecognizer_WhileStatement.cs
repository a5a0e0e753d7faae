using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Model;
using LoopKind = SourceGrad.Generator.Model.LoopKind;

namespace SourceGrad.Generator.Recognition;

/// <summary><c>while</c> and <c>do</c> loops.</summary>
internal sealed partial class MethodRecognizer
{
    private Loop RecognizeWhile(IWhileLoopOperation loop)
    {
        int id = _nextStatementId++;
        int initializerId = _nextStatementId++;
        bool isDo = !loop.ConditionIsTop;
        string source = loop.Syntax switch
        {
            WhileStatementSyntax w => FirstLine($"while ({w.Condition})"),
            DoStatementSyntax d => FirstLine($"do ... while ({d.Condition})"),
            _ => FirstLine(loop.Syntax.ToString()),
        };
        _loopDepth++;
        Expr? condition = isDo ? null : RecognizeCondition(loop.Condition, "in a loop condition");
        Block body = RecognizeEmbedded(loop.Body);
        if (isDo)
        {
            condition = RecognizeCondition(loop.Condition, "in a loop condition");
        }

        _loopDepth--;
        return new Loop(id, source, LocationInfo.From(loop.Syntax), isDo ? LoopKind.Do : LoopKind.While,
            new Block(initializerId, EquatableArray<Statement>.Empty), condition, new Block(_nextStatementId++, EquatableArray<Statement>.Empty), body, null);
    }
}
