using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary>Arguments of calls: scalars, and buffers or slices of them.</summary>
internal sealed partial class MethodRecognizer
{
    private Argument? RecognizeArgument(IOperation value, CalleeParameter parameter)
    {
        if (!parameter.IsBuffer)
        {
            Expr scalar = RecognizeExpression(value);
            if (scalar is Literal or Opaque or VariableRef || _hoistedCalls is null)
            {
                return new Argument(scalar, -1, null, null);
            }

            // An argument is evaluated once, before the call: kept in a local so that the reverse sweep hands the
            // callee's reverse the value the call saw, even when the call writes what the argument read.
            int temp = AddVariable(null, new Variable("_" + parameter.Name, scalar.Type, VariableKind.CallResult, BufferKind.None, false,
                Types.Keyword(scalar.Type), _loopDepth));
            _hoistedCalls.Add(new Declaration(_nextStatementId++, $"{Types.Keyword(scalar.Type)} _{parameter.Name} = {FirstLine(value.Syntax.ToString())};",
                LocationInfo.From(value.Syntax), temp, scalar));
            return new Argument(new VariableRef(scalar.Type, temp), -1, null, null);
        }

        IOperation operand = StripImplicit(value);
        switch (operand)
        {
            case ILocalReferenceOperation or IParameterReferenceOperation when BufferId(operand) is int buffer:
                return new Argument(null, buffer, null, null);
            case IInvocationOperation { TargetMethod.Name: "Slice" or "AsSpan", Instance: { } instance } slice
                when BufferId(StripImplicit(instance)) is int buffer && slice.Arguments.Length <= 2:
            {
                Expr? start = slice.Arguments.Length > 0 ? RecognizeExpression(slice.Arguments[0].Value) : null;
                Expr? length = slice.Arguments.Length > 1 ? RecognizeExpression(slice.Arguments[1].Value) : null;
                return new Argument(null, buffer, start, length);
            }

            case IInvocationOperation { TargetMethod.Name: "AsSpan", Instance: null } asSpan
                when asSpan.Arguments.Length is >= 1 and <= 3 && BufferId(StripImplicit(asSpan.Arguments[0].Value)) is int buffer:
            {
                Expr? start = asSpan.Arguments.Length > 1 ? RecognizeExpression(asSpan.Arguments[1].Value) : null;
                Expr? length = asSpan.Arguments.Length > 2 ? RecognizeExpression(asSpan.Arguments[2].Value) : null;
                return new Argument(null, buffer, start, length);
            }

            default:
                Report(DiagnosticDescriptors.UnsupportedExpression, LocationInfo.From(value.Syntax), value.Syntax.ToString(),
                    "pass a span or array parameter, a local buffer, or a '.Slice(start, length)' of one");
                return null;
        }
    }

    private static IOperation StripImplicit(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }
}
