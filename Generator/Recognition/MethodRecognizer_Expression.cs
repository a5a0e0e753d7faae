using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;
using Conversion = SourceGrad.Generator.Model.Conversion;

namespace SourceGrad.Generator.Recognition;

/// <summary>The expression dispatch (one line per kind) and the small kinds: references, elements, lengths, unary operators, conversions.</summary>
internal sealed partial class MethodRecognizer
{
    private Expr RecognizeExpression(IOperation operation)
    {
        if (operation.ConstantValue is { HasValue: true, Value: var constant }
            && Types.Scalar(operation.Type) is ScalarType constantType)
        {
            return Constant(constantType, constant);
        }

        switch (operation)
        {
            case IParenthesizedOperation parenthesized:
                return RecognizeExpression(parenthesized.Operand);
            case ILocalReferenceOperation or IParameterReferenceOperation:
                return RecognizeVariableReference(operation);
            case IArrayElementReferenceOperation { Indices: [var index] } element when BufferId(element.ArrayReference) is int array:
                return new ElementRef(_variables[array].Type, array, RecognizeExpression(index));
            case IPropertyReferenceOperation { Property.IsIndexer: true, Arguments: [var index], Instance: { } instance }
                when BufferId(instance) is int span && index.Value.Type?.SpecialType == SpecialType.System_Int32:
                return new ElementRef(_variables[span].Type, span, RecognizeExpression(index.Value));
            case IPropertyReferenceOperation { Property.Name: "Length", Instance: { } instance } when BufferId(instance) is int buffer:
                return new LengthOf(buffer);
            case IBinaryOperation binary:
                return RecognizeBinary(binary);
            case IUnaryOperation unary:
                return RecognizeUnary(unary);
            case IConversionOperation { Operand: IThrowOperation }:
                return Unsupported(operation, "validate the arguments before calling the differentiable method");
            case IConversionOperation conversion:
                return RecognizeConversion(conversion);
            case IConditionalOperation { WhenFalse: { } whenFalse } conditional when Types.Scalar(conditional.Type) is ScalarType type:
                return RecognizeConditional(conditional, whenFalse, type);
            case IInvocationOperation invocation when IsIntrinsic(invocation.TargetMethod):
                return RecognizeIntrinsic(invocation);
            case IInvocationOperation invocation:
                return RecognizeNestedCall(invocation);
            case IFieldReferenceOperation { Field: { IsStatic: true, IsReadOnly: true } field } when Types.Scalar(field.Type) is ScalarType fieldType:
                return new Opaque(fieldType, field.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "."
                    + Emission.Names.Escape(field.Name));
            case IFieldReferenceOperation or IPropertyReferenceOperation:
                return Unsupported(operation, "pass the value in as a parameter (fields and properties other than constants, static readonly fields and Length are not read)");
            case IAssignmentOperation or IIncrementOrDecrementOperation:
                return Unsupported(operation, "assign in a statement of its own");
            case IThrowOperation:
                return Unsupported(operation, "validate the arguments before calling the differentiable method");
            case IAnonymousFunctionOperation or IDelegateCreationOperation:
                return Unsupported(operation, "make the lambda a [Differentiable] method of its own");
            case IInterpolatedStringOperation or ILiteralOperation:
                return Unsupported(operation, "a differentiable method computes with numbers only");
            default:
                return Unsupported(operation, "rewrite it with the supported C# listed in docs/supported-csharp.md");
        }
    }

    private Expr RecognizeVariableReference(IOperation operation)
    {
        ISymbol symbol = operation is ILocalReferenceOperation l ? l.Local : ((IParameterReferenceOperation)operation).Parameter;
        if (_variableIds.TryGetValue(symbol, out int id))
        {
            Variable variable = _variables[id];
            if (variable.Type != ScalarType.Other && !variable.IsBuffer)
            {
                return new VariableRef(variable.Type, id);
            }

            if (variable.IsBuffer)
            {
                return Unsupported(operation, "a whole buffer can only be indexed, measured (.Length) or passed to a call");
            }
        }

        return Unsupported(operation, "only float, double, int, long and bool values can be computed with");
    }

    private Expr RecognizeUnary(IUnaryOperation unary)
    {
        string? op = unary.OperatorKind switch
        {
            UnaryOperatorKind.Minus => "-",
            UnaryOperatorKind.Plus => "+",
            UnaryOperatorKind.Not => "!",
            UnaryOperatorKind.BitwiseNegation => "~",
            _ => null,
        };
        if (op is null || Types.Scalar(unary.Type) is not ScalarType type)
        {
            return Unsupported(unary, "use arithmetic, comparison and logical operators on numbers");
        }

        return new Unary(type, op, RecognizeExpression(unary.Operand));
    }

    private Expr RecognizeConversion(IConversionOperation conversion)
    {
        ScalarType? to = Types.Scalar(conversion.Type);
        ScalarType? from = Types.Scalar(conversion.Operand.Type);
        if (to is null || from is null)
        {
            return Unsupported(conversion, "only conversions between float, double, int and long are supported");
        }

        Expr operand = RecognizeExpression(conversion.Operand);
        return to == from ? operand : new Conversion(to.Value, operand);
    }

    private Expr Unsupported(IOperation operation, string fix)
    {
        Report(DiagnosticDescriptors.UnsupportedExpression, LocationInfo.From(operation.Syntax), FirstLine(operation.Syntax.ToString()), fix);
        return Zero(Types.Scalar(operation.Type) ?? ScalarType.Float);
    }
}
