using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary>Calls to [Differentiable] methods and [DerivativeOf] rules, and where calls may not be hoisted.</summary>
internal sealed partial class MethodRecognizer
{
    private int RecognizeCall(IInvocationOperation invocation, string source, LocationInfo? location, List<Statement> output, bool resultUsed)
    {
        IMethodSymbol method = invocation.TargetMethod;
        Callee? callee = method.IsStatic ? CalleeResolver.Resolve(method, out string? ruleProblem) : null;
        if (callee is null)
        {
            _ = CalleeResolver.Resolve(method, out ruleProblem);
            if (ruleProblem is not null)
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, LocationInfo.From(invocation.Syntax), invocation.Syntax.ToString(), ruleProblem);
            }
            else
            {
                Report(DiagnosticDescriptors.CallHasNoDerivative, LocationInfo.From(invocation.Syntax), method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat), method.Name);
            }

            return -1;
        }

        if (method.IsGenericMethod)
        {
            Report(DiagnosticDescriptors.CallHasNoDerivative, LocationInfo.From(invocation.Syntax), method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat), method.Name);
            return -1;
        }

        if (!callee.IsRule && _validateCallees > 0 && CalleeHasErrors(method))
        {
            Report(DiagnosticDescriptors.CalleeHasErrors, LocationInfo.From(invocation.Syntax), method.Name);
            return -1;
        }

        var arguments = new Argument?[method.Parameters.Length];
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter is null)
            {
                continue;
            }

            if (argument.Parameter.RefKind is RefKind.Ref or RefKind.Out)
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, LocationInfo.From(argument.Syntax), argument.Syntax.ToString(),
                    "pass arguments by value (ref and out arguments are not differentiated)");
                return -1;
            }

            arguments[argument.Parameter.Ordinal] = RecognizeArgument(argument.Value, callee.Parameters[argument.Parameter.Ordinal]);
        }

        if (arguments.Any(a => a is null))
        {
            return -1;
        }

        int result = -1;
        if (callee.ReturnType is ScalarType returnType)
        {
            string name = "_" + char.ToLowerInvariant(method.Name[0]) + method.Name.Substring(1);
            result = AddVariable(null, new Variable(name, returnType, VariableKind.CallResult, BufferKind.None, false, Types.Keyword(returnType), _loopDepth));
        }

        output.Add(new CallStatement(_nextStatementId++, source, location, callee, arguments.Select(a => a!).ToEquatableArray(), result));
        _ = resultUsed;
        return result;
    }

    /// <summary>Whether a [Differentiable] method of this compilation gets no gradient (it has SG errors).</summary>
    private bool CalleeHasErrors(IMethodSymbol callee)
    {
        IMethodSymbol definition = callee.OriginalDefinition;
        if (_calleeChecks.TryGetKnown(definition, out bool known))
        {
            return known;
        }

        _calleeChecks.Begin(definition);
        bool hasErrors = RecognizeCalleeHasErrors(callee);
        _calleeChecks.End(definition, hasErrors);
        return hasErrors;
    }

    private bool RecognizeCalleeHasErrors(IMethodSymbol callee)
    {
        foreach (SyntaxReference reference in callee.OriginalDefinition.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(_cancellationToken) is MethodDeclarationSyntax declaration)
            {
                SemanticModel model = declaration.SyntaxTree == _model.SyntaxTree
                    ? _model
                    : _model.Compilation.GetSemanticModel(declaration.SyntaxTree);
                var recognizer = new MethodRecognizer(model, callee.OriginalDefinition, _cancellationToken, validateCallees: _validateCallees - 1, _calleeChecks);
                try
                {
                    return recognizer.Run(declaration).HasErrors;
                }
                catch (System.Exception exception) when (exception is not System.OperationCanceledException)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private Expr RecognizeNestedCall(IInvocationOperation invocation)
    {
        string display = invocation.TargetMethod.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
        if (_callRestriction is not null)
        {
            Report(DiagnosticDescriptors.CallInCondition, LocationInfo.From(invocation.Syntax), display, _callRestriction);
            return Zero(Types.Scalar(invocation.Type) ?? ScalarType.Float);
        }

        if (invocation.TargetMethod.ReturnsVoid || Types.Scalar(invocation.Type) is not ScalarType type)
        {
            return Unsupported(invocation, "a call inside an expression must return a number");
        }

        string source = FirstLine(invocation.Syntax.ToString()) + ";";
        int result = RecognizeCall(invocation, source, LocationInfo.From(invocation.Syntax), _hoistedCalls!, resultUsed: true);
        return result < 0 ? Zero(type) : new VariableRef(type, result);
    }

    private Expr? RecognizeCondition(IOperation? condition, string where)
    {
        if (condition is null)
        {
            return null;
        }

        string? outer = _callRestriction;
        _callRestriction = where;
        try
        {
            return RecognizeExpression(condition);
        }
        finally
        {
            _callRestriction = outer;
        }
    }
}
