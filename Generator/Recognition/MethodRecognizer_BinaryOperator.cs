using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary>Binary operators.</summary>
internal sealed partial class MethodRecognizer
{
    private Expr RecognizeBinary(IBinaryOperation binary)
    {
        string? op = binary.OperatorKind switch
        {
            BinaryOperatorKind.Add => "+",
            BinaryOperatorKind.Subtract => "-",
            BinaryOperatorKind.Multiply => "*",
            BinaryOperatorKind.Divide => "/",
            BinaryOperatorKind.Remainder => "%",
            BinaryOperatorKind.Equals => "==",
            BinaryOperatorKind.NotEquals => "!=",
            BinaryOperatorKind.LessThan => "<",
            BinaryOperatorKind.LessThanOrEqual => "<=",
            BinaryOperatorKind.GreaterThan => ">",
            BinaryOperatorKind.GreaterThanOrEqual => ">=",
            BinaryOperatorKind.ConditionalAnd => "&&",
            BinaryOperatorKind.ConditionalOr => "||",
            BinaryOperatorKind.And => "&",
            BinaryOperatorKind.Or => "|",
            BinaryOperatorKind.ExclusiveOr => "^",
            BinaryOperatorKind.LeftShift => "<<",
            BinaryOperatorKind.RightShift => ">>",
            _ => null,
        };
        if (op is null || Types.Scalar(binary.Type) is not ScalarType type || binary.OperatorMethod is not null)
        {
            return Unsupported(binary, "use arithmetic, comparison and logical operators on numbers");
        }

        Expr left = RecognizeExpression(binary.LeftOperand);
        Expr right;
        if (op is "&&" or "||")
        {
            string? outer = _callRestriction;
            _callRestriction ??= $"on the right of '{op}'";
            right = RecognizeExpression(binary.RightOperand);
            _callRestriction = outer;
        }
        else
        {
            right = RecognizeExpression(binary.RightOperand);
        }

        return new Binary(type, op, left, right);
    }
}
