using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary>The conditional operator <c>c ? a : b</c> (<c>if</c> is in <c>MethodRecognizer_IfStatement.cs</c>).</summary>
internal sealed partial class MethodRecognizer
{
    private Expr RecognizeConditional(IConditionalOperation conditional, IOperation otherwise, ScalarType type)
    {
        Expr condition = RecognizeExpression(conditional.Condition);
        string? outer = _callRestriction;
        _callRestriction ??= "in a branch of '?:'";
        Expr whenTrue = RecognizeExpression(conditional.WhenTrue);
        Expr whenFalse = RecognizeExpression(otherwise);
        _callRestriction = outer;
        return new Conditional(type, _nextConditionalId++, condition, whenTrue, whenFalse);
    }
}
