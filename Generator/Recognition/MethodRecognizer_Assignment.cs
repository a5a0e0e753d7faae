using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary>Expression statements: assignments, compound assignments, <c>++</c>/<c>--</c> and calls whose result is unused.</summary>
internal sealed partial class MethodRecognizer
{
    private void RecognizeExpressionStatement(IOperation expression, IOperation statement, List<Statement> output)
    {
        string source = StatementSource(statement.Syntax);
        LocationInfo? location = LocationInfo.From(statement.Syntax);
        switch (expression)
        {
            case ISimpleAssignmentOperation assignment when !assignment.IsRef:
                RecognizeAssignment(assignment, source, location, output);
                return;
            case ICompoundAssignmentOperation compound:
                RecognizeCompoundAssignment(compound, source, location, output);
                return;
            case IIncrementOrDecrementOperation increment:
                RecognizeIncrementOrDecrement(increment, source, location, output);
                return;
            case IInvocationOperation invocation when !IsIntrinsic(invocation.TargetMethod):
                RecognizeCall(invocation, source, location, output, resultUsed: false);
                return;
            case IConversionOperation { Operand: IInvocationOperation invocation } when !IsIntrinsic(invocation.TargetMethod):
                RecognizeCall(invocation, source, location, output, resultUsed: false);
                return;
            default:
                UnsupportedStatement(statement);
                return;
        }
    }

    private void RecognizeAssignment(ISimpleAssignmentOperation assignment, string source, LocationInfo? location, List<Statement> output)
    {
        Expr? target = RecognizeTarget(assignment.Target);
        Expr value = RecognizeExpression(assignment.Value);
        if (target is not null)
        {
            output.Add(new Assignment(_nextStatementId++, source, location, target, "", value));
        }
    }

    private void RecognizeCompoundAssignment(ICompoundAssignmentOperation compound, string source, LocationInfo? location, List<Statement> output)
    {
        string? op = compound.OperatorKind switch
        {
            BinaryOperatorKind.Add => "+",
            BinaryOperatorKind.Subtract => "-",
            BinaryOperatorKind.Multiply => "*",
            BinaryOperatorKind.Divide => "/",
            _ => null,
        };
        Expr? target = RecognizeTarget(compound.Target);
        Expr value = RecognizeExpression(compound.Value);
        if (op is null && target is not null)
        {
            // %=, &=, |=, ^=, <<= and >>= have no derivative: accepted on int, long and bool targets only.
            if (!Types.IsDifferentiable(target.Type))
            {
                op = compound.Syntax.Kind() switch
                {
                    SyntaxKind.ModuloAssignmentExpression => "%",
                    SyntaxKind.AndAssignmentExpression => "&",
                    SyntaxKind.OrAssignmentExpression => "|",
                    SyntaxKind.ExclusiveOrAssignmentExpression => "^",
                    SyntaxKind.LeftShiftAssignmentExpression => "<<",
                    SyntaxKind.RightShiftAssignmentExpression => ">>",
                    _ => null,
                };
            }

            if (op is null)
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, location, source.TrimEnd(';'), "write the operation out as 'x = x op y'");
            }
        }

        if (target is not null && op is not null)
        {
            output.Add(new Assignment(_nextStatementId++, source, location, target, op, value));
        }
    }

    private void RecognizeIncrementOrDecrement(IIncrementOrDecrementOperation increment, string source, LocationInfo? location, List<Statement> output)
    {
        Expr? target = RecognizeTarget(increment.Target);
        if (target is not null)
        {
            string op = increment.Kind == OperationKind.Increment ? "+" : "-";
            output.Add(new Assignment(_nextStatementId++, source, location, target, op, One(target.Type)));
        }
    }

    private Expr? RecognizeTarget(IOperation target)
    {
        Expr? expr = target switch
        {
            ILocalReferenceOperation or IParameterReferenceOperation => RecognizeExpression(target),
            IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true } => RecognizeExpression(target),
            _ => null,
        };
        if (expr is VariableRef variable && _variables[variable.Variable].Kind == VariableKind.LoopCounter)
        {
            return expr;
        }

        if (expr is VariableRef { Variable: var id } && _variables[id].IsBuffer)
        {
            Report(DiagnosticDescriptors.UnsupportedStatement, LocationInfo.From(target.Syntax), $"assigning the buffer '{_variables[id].Name}'",
                "write its elements instead, or declare another buffer");
            return null;
        }

        if (expr is ElementRef { Buffer: var buffer } && _variables[buffer].Buffer == BufferKind.ReadOnlySpan)
        {
            return null;
        }

        if (expr is null)
        {
            Report(DiagnosticDescriptors.UnsupportedExpression, LocationInfo.From(target.Syntax), target.Syntax.ToString(),
                "only locals, parameters and span or array elements can be assigned (fields and properties cannot)");
        }

        return expr is VariableRef or ElementRef ? expr : null;
    }
}
