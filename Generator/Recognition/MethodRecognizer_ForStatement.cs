using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Model;
using LoopKind = SourceGrad.Generator.Model.LoopKind;

namespace SourceGrad.Generator.Recognition;

/// <summary><c>for</c> loops, and the canonical counter the reverse sweep runs backwards.</summary>
internal sealed partial class MethodRecognizer
{
    private Loop RecognizeFor(IForLoopOperation loop)
    {
        var syntax = (ForStatementSyntax)loop.Syntax;
        string source = FirstLine($"for ({syntax.Declaration?.ToString() ?? string.Join(", ", syntax.Initializers)}; {syntax.Condition}; {string.Join(", ", syntax.Incrementors)})");
        int id = _nextStatementId++;
        int initializerId = _nextStatementId++;
        CanonicalCounter? counter = null;
        var initializer = new List<Statement>();
        ILocalSymbol? counterSymbol = CanonicalCounterSymbol(loop, out int step);
        if (counterSymbol is not null
            && loop.Before[0] is IVariableDeclarationGroupOperation { Declarations: [{ Declarators: [var declarator] } declaration] })
        {
            IOperation? start = (declarator.Initializer ?? declaration.Initializer)?.Value;
            Expr startExpr = start is null ? Zero(ScalarType.Int) : RecognizeExpression(start);
            int? counterId = DeclareLocal(counterSymbol, declarator.Syntax, VariableKind.LoopCounter);
            if (counterId is not null)
            {
                counter = new CanonicalCounter(counterId.Value, startExpr, step);
            }
        }
        else
        {
            _blockDepth++;
            foreach (IOperation before in loop.Before)
            {
                RecognizeStatement(before, initializer);
            }

            _blockDepth--;
        }

        _loopDepth++;
        Expr? condition = RecognizeCondition(loop.Condition, "in a loop condition");
        Block body = RecognizeEmbedded(loop.Body);
        var increment = new List<Statement>();
        int incrementId = _nextStatementId++;
        if (counter is null)
        {
            _blockDepth++;
            foreach (IOperation after in loop.AtLoopBottom)
            {
                RecognizeStatement(after, increment);
            }

            _blockDepth--;
        }

        _loopDepth--;
        return new Loop(id, source, LocationInfo.From(syntax.ForKeyword), LoopKind.For,
            new Block(initializerId, initializer.ToEquatableArray()), condition, new Block(incrementId, increment.ToEquatableArray()), body, counter);
    }

    /// <summary>
    /// The counter of <c>for (int i = a; cond; i++ / i-- / i += c / i -= c)</c> when the body never assigns it:
    /// its value in iteration k is a + k·step, so the reverse sweep recomputes it instead of saving it.
    /// </summary>
    private static ILocalSymbol? CanonicalCounterSymbol(IForLoopOperation loop, out int step)
    {
        step = 0;
        if (loop.Before is not [IVariableDeclarationGroupOperation { Declarations: [{ Declarators: [var declarator] }] }]
            || declarator.Symbol.Type.SpecialType != SpecialType.System_Int32
            || loop.AtLoopBottom is not [IExpressionStatementOperation { Operation: var increment }])
        {
            return null;
        }

        ILocalSymbol counter = declarator.Symbol;
        switch (increment)
        {
            case IIncrementOrDecrementOperation { Target: ILocalReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Local, counter):
                step = increment.Kind == OperationKind.Increment ? 1 : -1;
                break;
            case ICompoundAssignmentOperation { Target: ILocalReferenceOperation target, Value.ConstantValue: { HasValue: true, Value: int constant } } compound
                when SymbolEqualityComparer.Default.Equals(target.Local, counter) && constant != 0:
                step = compound.OperatorKind switch
                {
                    BinaryOperatorKind.Add => constant,
                    BinaryOperatorKind.Subtract => -constant,
                    _ => 0,
                };
                break;
        }

        if (step == 0 || AssignsLocal(loop.Body, counter) || (loop.Condition is not null && AssignsLocal(loop.Condition, counter)))
        {
            return null;
        }

        return counter;
    }

    private static bool AssignsLocal(IOperation root, ILocalSymbol local)
    {
        foreach (IOperation operation in root.DescendantsAndSelf())
        {
            IOperation? target = operation switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                IArgumentOperation { Parameter.RefKind: not RefKind.None } argument => argument.Value,
                _ => null,
            };
            if (target is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                return true;
            }
        }

        return false;
    }
}
