using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary>Declarations of scalar locals.</summary>
internal sealed partial class MethodRecognizer
{
    private void RecognizeLocalDeclaration(IVariableDeclarationGroupOperation group, List<Statement> output)
    {
        foreach (IVariableDeclarationOperation declaration in group.Declarations)
        {
            foreach (IVariableDeclaratorOperation declarator in declaration.Declarators)
            {
                RecognizeDeclarator(declarator, declaration.Initializer, output);
            }
        }
    }

    private void RecognizeDeclarator(IVariableDeclaratorOperation declarator, IVariableInitializerOperation? sharedInitializer, List<Statement> output)
    {
        ILocalSymbol local = declarator.Symbol;
        if (local.IsConst)
        {
            // Every use of a constant is folded into a literal.
            return;
        }

        IOperation? initializer = (declarator.Initializer ?? sharedInitializer)?.Value;
        string source = StatementSource(declarator.Syntax);
        (BufferKind buffer, ScalarType? element) = Types.Buffer(local.Type);
        if (buffer != BufferKind.None)
        {
            RecognizeBufferDeclaration(declarator, local, buffer, element, initializer, source, output);
            return;
        }

        if (local.IsRef)
        {
            Report(DiagnosticDescriptors.UnsupportedStatement, LocationInfo.From(declarator.Syntax), "a ref local", "use a plain local and write back explicitly");
            return;
        }

        Expr? value = initializer is null ? null : RecognizeExpression(initializer);
        int? id = DeclareLocal(local, declarator.Syntax);
        if (id is not null)
        {
            output.Add(new Declaration(_nextStatementId++, source, LocationInfo.From(declarator.Syntax), id.Value, value));
        }
    }
}
