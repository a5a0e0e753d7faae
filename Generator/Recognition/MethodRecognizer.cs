using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;
using Conversion = SourceGrad.Generator.Model.Conversion;
using LoopKind = SourceGrad.Generator.Model.LoopKind;

namespace SourceGrad.Generator.Recognition;

/// <summary>
/// Recognition: reads a [Differentiable] method through the semantic model into the IR, reporting an SG
/// diagnostic at the exact location of every construct the IR cannot express. Never throws on user code.
/// </summary>
internal sealed class MethodRecognizer
{
    private static readonly HashSet<string> s_intrinsics = new()
    {
        "Exp", "Log", "Log2", "Log10", "Sqrt", "Cbrt", "Pow", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Atan2",
        "Sinh", "Cosh", "Tanh", "Abs", "Min", "Max", "Clamp", "FusedMultiplyAdd", "Sign", "Floor", "Ceiling",
        "Round", "Truncate",
    };

    private readonly SemanticModel _model;
    private readonly IMethodSymbol _method;
    private readonly CancellationToken _cancellationToken;
    private readonly List<Variable> _variables = new();
    private readonly Dictionary<ISymbol, int> _variableIds = new(SymbolEqualityComparer.Default);
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private int _nextStatementId = 1;
    private int _nextConditionalId = 1;
    private int _loopDepth;
    private int _blockDepth;
    private bool _seenJump;

    /// <summary>Calls met while reading the current statement, hoisted to run before it.</summary>
    private List<Statement>? _hoistedCalls;

    /// <summary>Why a call may not be hoisted here, or null where it may.</summary>
    private string? _callRestriction;

    /// <summary>How deep calls to [Differentiable] methods of this compilation are checked for getting a gradient.</summary>
    private readonly int _validateCallees;

    /// <summary>Callees already checked by this recognition, shared with the recognizers it starts.</summary>
    private readonly CalleeChecks _calleeChecks;

    private MethodRecognizer(SemanticModel model, IMethodSymbol method, CancellationToken cancellationToken, int validateCallees = 32,
        CalleeChecks? calleeChecks = null)
    {
        _model = model;
        _method = method;
        _cancellationToken = cancellationToken;
        _validateCallees = validateCallees;
        _calleeChecks = calleeChecks ?? new CalleeChecks(method);
    }

    /// <returns>The model, or null when another [Differentiable] part of the same partial method stands for it.</returns>
    public static MethodModel? Recognize(SyntaxNode node, ISymbol symbol, SemanticModel model, CancellationToken cancellationToken)
    {
        if (node is not MethodDeclarationSyntax syntax || symbol is not IMethodSymbol method)
        {
            // Local functions, lambdas, accessors and operators are methods to the attribute, not to the generator.
            string kind = node switch
            {
                LocalFunctionStatementSyntax => "a local function",
                AnonymousFunctionExpressionSyntax => "a lambda",
                AccessorDeclarationSyntax => "a property accessor",
                OperatorDeclarationSyntax or ConversionOperatorDeclarationSyntax => "an operator",
                _ => "this declaration",
            };
            LocationInfo? where = LocationInfo.From(node.GetLocation());
            var diagnostic = new DiagnosticInfo(DiagnosticDescriptors.NotAMethod.Id, where,
                new[] { symbol.Name, kind }.ToEquatableArray());
            return new MethodModel("", null, EquatableArray<ContainingType>.Empty, "", symbol.Name, null,
                EquatableArray<int>.Empty, EquatableArray<Variable>.Empty, new Block(0, EquatableArray<Statement>.Empty), 0,
                new[] { diagnostic }.ToEquatableArray(), where);
        }

        // [Differentiable] on the declaration of a partial method: differentiate its implementation.
        if (method.PartialImplementationPart is { } implementation
            && implementation.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is MethodDeclarationSyntax body)
        {
            if (HasOwnDifferentiableAttribute(implementation, body))
            {
                // The implementation carries the attribute too and is found on its own: one gradient, not two.
                return null;
            }

            syntax = body;
            model = body.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(body.SyntaxTree);
            method = implementation;
        }

        return Recognize(syntax, method, model, cancellationToken);
    }

    /// <summary>Whether [Differentiable] is written on this declaration itself (a partial method merges both parts' attributes).</summary>
    private static bool HasOwnDifferentiableAttribute(IMethodSymbol method, MethodDeclarationSyntax declaration) =>
        method.GetAttributes().Any(attribute =>
            attribute.AttributeClass?.ToDisplayString() == Types.DifferentiableAttribute
            && attribute.ApplicationSyntaxReference is { } reference
            && reference.SyntaxTree == declaration.SyntaxTree
            && declaration.Span.Contains(reference.Span));

    public static MethodModel Recognize(
        MethodDeclarationSyntax syntax,
        IMethodSymbol method,
        SemanticModel model,
        CancellationToken cancellationToken)
    {
        var recognizer = new MethodRecognizer(model, method, cancellationToken);
        try
        {
            return recognizer.Run(syntax);
        }
        catch (System.Exception exception) when (exception is not System.OperationCanceledException)
        {
            // The generator never throws: a bug becomes a diagnostic on the method, and the build goes on.
            return recognizer.Failed(syntax, exception);
        }
    }

    private MethodModel Failed(MethodDeclarationSyntax syntax, System.Exception exception)
    {
        LocationInfo? location = LocationInfo.From(syntax.Identifier.GetLocation());
        var diagnostic = new DiagnosticInfo(DiagnosticDescriptors.InternalError.Id, location,
            new[] { _method.Name, exception.GetType().Name + ": " + exception.Message }.ToEquatableArray());
        return new MethodModel("", null, EquatableArray<ContainingType>.Empty, "", _method.Name, null,
            EquatableArray<int>.Empty, EquatableArray<Variable>.Empty, new Block(0, EquatableArray<Statement>.Empty), 0,
            new[] { diagnostic }.ToEquatableArray(), location);
    }

    private MethodModel Run(MethodDeclarationSyntax syntax)
    {
        LocationInfo? location = LocationInfo.From(syntax.Identifier.GetLocation());
        CheckSignature(syntax, location);
        var parameters = new List<int>();
        foreach (IParameterSymbol parameter in _method.Parameters)
        {
            parameters.Add(DeclareParameter(parameter));
        }

        Block body = new(0, EquatableArray<Statement>.Empty);
        if (syntax.Body is null && syntax.ExpressionBody is null)
        {
            Report(DiagnosticDescriptors.MethodHasNoBody, location, _method.Name);
        }
        else if (_model.GetOperation(syntax, _cancellationToken) is IMethodBodyOperation operation
            && (operation.BlockBody ?? operation.ExpressionBody) is IBlockOperation block)
        {
            body = RecognizeBlock(block);
        }
        else
        {
            Report(DiagnosticDescriptors.MethodHasNoBody, location, _method.Name);
        }

        return new MethodModel(
            HintName(),
            _method.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
            ContainingTypes(),
            Accessibility(_method.DeclaredAccessibility),
            _method.Name,
            _method.ReturnsVoid ? null : Types.Scalar(_method.ReturnType),
            parameters.ToEquatableArray(),
            _variables.ToEquatableArray(),
            body,
            _nextStatementId,
            _diagnostics.ToEquatableArray(),
            location,
            CheckFinite());
    }

    private bool CheckFinite()
    {
        foreach (AttributeData attribute in _method.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == Types.DifferentiableAttribute)
            {
                foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
                {
                    if (argument.Key == "CheckFinite" && argument.Value.Value is true)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    // ---- The method's shape -------------------------------------------------------------------------

    private void CheckSignature(MethodDeclarationSyntax syntax, LocationInfo? location)
    {
        if (!_method.IsStatic)
        {
            Report(DiagnosticDescriptors.MethodMustBeStatic, location, _method.Name);
        }

        if (_method.IsGenericMethod)
        {
            Report(DiagnosticDescriptors.GenericMethod, location, _method.Name);
        }

        if (!_method.ReturnsVoid && !Types.IsDifferentiable(Types.Scalar(_method.ReturnType)))
        {
            Report(DiagnosticDescriptors.UnsupportedReturnType, LocationInfo.From(syntax.ReturnType), _method.Name, _method.ReturnType.ToDisplayString());
        }

        if (_method.ReturnsByRef || _method.ReturnsByRefReadonly)
        {
            Report(DiagnosticDescriptors.UnsupportedReturnType, LocationInfo.From(syntax.ReturnType), _method.Name, "a ref");
        }

        for (INamedTypeSymbol? type = _method.ContainingType; type is not null; type = type.ContainingType)
        {
            if (type.IsFileLocal)
            {
                Report(DiagnosticDescriptors.FileLocalType, location, type.Name, _method.Name);
                continue;
            }

            bool isPartial = type.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(_cancellationToken))
                .OfType<TypeDeclarationSyntax>()
                .Any(t => t.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!isPartial)
            {
                Report(DiagnosticDescriptors.TypeMustBePartial, location, type.Name, _method.Name);
            }
        }

        var adjointNames = _method.Parameters.Where(Types.IsActiveParameter)
            .ToDictionary(p => Types.AdjointName(p.Name), p => p.Name);
        foreach (IParameterSymbol parameter in _method.Parameters)
        {
            LocationInfo? parameterLocation = LocationInfo.From(parameter.Locations.FirstOrDefault());
            if (adjointNames.TryGetValue(parameter.Name, out string? owner))
            {
                Report(DiagnosticDescriptors.AdjointNameCollision, parameterLocation, parameter.Name, owner);
            }

            if (!_method.ReturnsVoid && parameter.Name == "seed")
            {
                Report(DiagnosticDescriptors.AdjointNameCollision, parameterLocation, parameter.Name, "the result (the seed)");
            }

            if (parameter.RefKind != RefKind.None)
            {
                string kind = parameter.RefKind.ToString().ToLowerInvariant();
                Report(DiagnosticDescriptors.UnsupportedParameter, parameterLocation, parameter.Name, $"passed by '{kind}'");
            }
            else if (parameter.IsParams)
            {
                Report(DiagnosticDescriptors.UnsupportedParameter, parameterLocation, parameter.Name, "a 'params' parameter");
            }
        }
    }

    private string HintName()
    {
        string type = _method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)
            .Replace("global::", "");
        string arity = _method.Parameters.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string name = Regex.Replace(type + "." + _method.Name, "[^A-Za-z0-9_.]", "_");

        // Overloads with as many parameters differ by their types: a stable hash of them keeps the names apart.
        string signature = string.Join(",", _method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
        uint hash = 2166136261;
        foreach (char c in signature)
        {
            hash = (hash ^ c) * 16777619;
        }

        return $"{name}.{arity}.{hash:x8}.Gradient.g.cs";
    }

    private EquatableArray<ContainingType> ContainingTypes()
    {
        var types = new List<ContainingType>();
        for (INamedTypeSymbol? type = _method.ContainingType; type is not null; type = type.ContainingType)
        {
            string keyword = type switch
            {
                { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
                { IsRecord: true } => "record",
                { TypeKind: TypeKind.Struct } => "struct",
                { TypeKind: TypeKind.Interface } => "interface",
                _ => "class",
            };
            string name = type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat
                .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers));
            int dot = name.LastIndexOf('.');
            types.Insert(0, new ContainingType(keyword, dot >= 0 ? name.Substring(dot + 1) : name));
        }

        return types.ToEquatableArray();
    }

    private static string Accessibility(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };

    // ---- Variables ----------------------------------------------------------------------------------

    private int DeclareParameter(IParameterSymbol parameter)
    {
        (BufferKind buffer, ScalarType? element) = Types.Buffer(parameter.Type);
        ScalarType type = (buffer != BufferKind.None ? element : Types.Scalar(parameter.Type)) ?? ScalarType.Other;
        if (buffer != BufferKind.None && element is null)
        {
            buffer = BufferKind.None;
        }

        string typeCode = parameter.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        return AddVariable(parameter, new Variable(
            parameter.Name,
            type,
            VariableKind.Parameter,
            buffer,
            Types.HasAttribute(parameter, Types.NoGradAttribute),
            typeCode,
            0,
            LocationInfo.From(parameter.Locations.FirstOrDefault())));
    }

    private int AddVariable(ISymbol? symbol, Variable variable)
    {
        int id = _variables.Count;
        _variables.Add(variable);
        if (symbol is not null)
        {
            _variableIds[symbol] = id;
        }

        return id;
    }

    private int? DeclareLocal(ILocalSymbol local, SyntaxNode syntax, VariableKind kind = VariableKind.Local)
    {
        ScalarType? type = Types.Scalar(local.Type);
        if (type is null)
        {
            Report(DiagnosticDescriptors.UnsupportedVariableType, LocationInfo.From(syntax), local.Name, local.Type.ToDisplayString());
            return null;
        }

        return AddVariable(local, new Variable(local.Name, type.Value, kind, BufferKind.None, false, Types.Keyword(type.Value), _loopDepth));
    }

    // ---- Statements ---------------------------------------------------------------------------------

    private Block RecognizeBlock(IBlockOperation block)
    {
        int id = _nextStatementId++;
        var statements = new List<Statement>();
        _blockDepth++;
        foreach (IOperation operation in block.Operations)
        {
            RecognizeStatement(operation, statements);
        }

        _blockDepth--;
        return new Block(id, statements.ToEquatableArray());
    }

    /// <summary>A statement that C# allows without braces, read as a block.</summary>
    private Block RecognizeEmbedded(IOperation operation)
    {
        if (operation is IBlockOperation block)
        {
            return RecognizeBlock(block);
        }

        int id = _nextStatementId++;
        var statements = new List<Statement>();
        _blockDepth++;
        RecognizeStatement(operation, statements);
        _blockDepth--;
        return new Block(id, statements.ToEquatableArray());
    }

    private void RecognizeStatement(IOperation operation, List<Statement> output)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        List<Statement>? outerHoisted = _hoistedCalls;
        _hoistedCalls = output;
        try
        {
            RecognizeStatementCore(operation, output);
        }
        finally
        {
            _hoistedCalls = outerHoisted;
        }
    }

    private void RecognizeStatementCore(IOperation operation, List<Statement> output)
    {
        switch (operation)
        {
            case IBlockOperation block:
                output.Add(RecognizeBlock(block));
                return;
            case IEmptyOperation:
                return;
            case IVariableDeclarationGroupOperation group:
                foreach (IVariableDeclarationOperation declaration in group.Declarations)
                {
                    foreach (IVariableDeclaratorOperation declarator in declaration.Declarators)
                    {
                        RecognizeDeclarator(declarator, declaration.Initializer, output);
                    }
                }

                return;
            case IExpressionStatementOperation { Operation: var expression }:
                RecognizeExpressionStatement(expression, operation, output);
                return;
            case IConditionalOperation conditional when conditional.Syntax is IfStatementSyntax ifSyntax:
            {
                Expr condition = RecognizeExpression(conditional.Condition);
                int id = _nextStatementId++;
                Block then = RecognizeEmbedded(conditional.WhenTrue);
                Block? otherwise = conditional.WhenFalse is null ? null : RecognizeEmbedded(conditional.WhenFalse);
                output.Add(new IfStatement(id, FirstLine($"if ({ifSyntax.Condition})"), LocationInfo.From(ifSyntax), condition, then, otherwise));
                return;
            }

            case IForLoopOperation forLoop:
                output.Add(RecognizeFor(forLoop));
                return;
            case IWhileLoopOperation whileLoop:
                output.Add(RecognizeWhile(whileLoop));
                return;
            case IBranchOperation { BranchKind: BranchKind.Break or BranchKind.Continue } branch
                when branch.Syntax is BreakStatementSyntax or ContinueStatementSyntax:
                output.Add(new Jump(
                    _nextStatementId++,
                    branch.Syntax.ToString(),
                    LocationInfo.From(branch.Syntax),
                    branch.BranchKind == BranchKind.Break ? JumpKind.Break : JumpKind.Continue,
                    null));
                return;
            case IReturnOperation returnOperation:
            {
                Expr? value = returnOperation.ReturnedValue is null ? null : RecognizeExpression(returnOperation.ReturnedValue);
                _seenJump = true;
                // On one line, as every statement's source: it becomes a // comment above the statement's adjoint.
                string source = FirstLine(returnOperation.Syntax is ArrowExpressionClauseSyntax arrow
                    ? $"return {arrow.Expression};"
                    : returnOperation.Syntax.ToString());
                output.Add(new Jump(_nextStatementId++, source, LocationInfo.From(returnOperation.Syntax), JumpKind.Return, value));
                return;
            }

            default:
                UnsupportedStatement(operation);
                return;
        }
    }

    private void UnsupportedStatement(IOperation operation)
    {
        (string construct, string fix) = operation switch
        {
            IForEachLoopOperation => ("foreach", "write a for loop over the indices"),
            ISwitchOperation => ("switch", "write it as if/else"),
            IBranchOperation { BranchKind: BranchKind.GoTo } => ("goto", "use break, continue or return"),
            ILabeledOperation => ("a labelled statement", "use break, continue or return"),
            ITryOperation => ("try", "keep exception handling outside the differentiable method"),
            IUsingOperation or IUsingDeclarationOperation => ("using", "keep resource handling outside the differentiable method"),
            ILockOperation => ("lock", "keep synchronisation outside the differentiable method"),
            IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation } =>
                ("throw", "validate the arguments before calling the differentiable method"),
            ILocalFunctionOperation => ("a local function", "make it a [Differentiable] method of its own"),
            _ => (FirstLine(operation.Syntax.ToString()), "rewrite it with the supported C# listed in docs/supported-csharp.md"),
        };
        Report(DiagnosticDescriptors.UnsupportedStatement, LocationInfo.From(operation.Syntax), construct, fix);
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

    private void RecognizeBufferDeclaration(
        IVariableDeclaratorOperation declarator,
        ILocalSymbol local,
        BufferKind buffer,
        ScalarType? element,
        IOperation? initializer,
        string source,
        List<Statement> output)
    {
        LocationInfo? location = LocationInfo.From(declarator.Syntax);
        if (element is null)
        {
            Report(DiagnosticDescriptors.UnsupportedVariableType, location, local.Name, local.Type.ToDisplayString());
            return;
        }

        SyntaxNode? valueSyntax = (declarator.Syntax as VariableDeclaratorSyntax)?.Initializer?.Value;
        while (valueSyntax is ParenthesizedExpressionSyntax parenthesized)
        {
            valueSyntax = parenthesized.Expression;
        }

        ExpressionSyntax? sizeSyntax = valueSyntax switch
        {
            StackAllocArrayCreationExpressionSyntax { Type: ArrayTypeSyntax { RankSpecifiers: [{ Sizes: [var size] }] }, Initializer: null } => size,
            ArrayCreationExpressionSyntax { Type.RankSpecifiers: [{ Sizes: [var size] }], Initializer: null } => size,
            _ => null,
        };
        if (sizeSyntax is null or OmittedArraySizeExpressionSyntax || initializer is null)
        {
            Report(DiagnosticDescriptors.UnsupportedStatement, location, source.TrimEnd(';'),
                "a local buffer is created with 'stackalloc T[n]' or 'new T[n]' (a slice or another buffer would alias it; pass slices as call arguments instead)");
            return;
        }

        if (_loopDepth > 0 || _blockDepth > 1 || _seenJump)
        {
            string where = _loopDepth > 0 ? "inside a loop" : _blockDepth > 1 ? "inside a nested block" : "after a return, break or continue";
            Report(DiagnosticDescriptors.LocalBufferPlacement, location, local.Name, where);
            return;
        }

        if (_model.GetOperation(sizeSyntax, _cancellationToken) is not IOperation sizeOperation)
        {
            Report(DiagnosticDescriptors.UnsupportedExpression, LocationInfo.From(sizeSyntax), sizeSyntax.ToString(), "the buffer length must be an int expression");
            return;
        }

        Expr length = RecognizeExpression(sizeOperation);
        int id = AddVariable(local, new Variable(local.Name, element.Value, VariableKind.Local, buffer, false,
            local.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), 0));
        output.Add(new BufferDeclaration(_nextStatementId++, source, location, id, length, valueSyntax is StackAllocArrayCreationExpressionSyntax));
    }

    private void RecognizeExpressionStatement(IOperation expression, IOperation statement, List<Statement> output)
    {
        string source = StatementSource(statement.Syntax);
        LocationInfo? location = LocationInfo.From(statement.Syntax);
        switch (expression)
        {
            case ISimpleAssignmentOperation assignment when !assignment.IsRef:
            {
                Expr? target = RecognizeTarget(assignment.Target);
                Expr value = RecognizeExpression(assignment.Value);
                if (target is not null)
                {
                    output.Add(new Assignment(_nextStatementId++, source, location, target, "", value));
                }

                return;
            }

            case ICompoundAssignmentOperation compound:
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
                if (op is null)
                {
                    if (target is not null && Types.IsDifferentiable(target.Type))
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, location, source.TrimEnd(';'), "write the operation out as 'x = x op y'");
                    }
                    else if (target is not null)
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
                        if (op is null)
                        {
                            Report(DiagnosticDescriptors.UnsupportedExpression, location, source.TrimEnd(';'), "write the operation out as 'x = x op y'");
                        }
                    }
                }

                if (target is not null && op is not null)
                {
                    output.Add(new Assignment(_nextStatementId++, source, location, target, op, value));
                }

                return;
            }

            case IIncrementOrDecrementOperation increment:
            {
                Expr? target = RecognizeTarget(increment.Target);
                if (target is not null)
                {
                    string op = increment.Kind == OperationKind.Increment ? "+" : "-";
                    output.Add(new Assignment(_nextStatementId++, source, location, target, op, One(target.Type)));
                }

                return;
            }

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

    // ---- Calls --------------------------------------------------------------------------------------

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

        IOperation operand = value;
        while (operand is IConversionOperation { IsImplicit: true } conversion)
        {
            operand = conversion.Operand;
        }

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

    private int? BufferId(IOperation operation)
    {
        ISymbol? symbol = operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };
        return symbol is not null && _variableIds.TryGetValue(symbol, out int id) && _variables[id].IsBuffer ? id : null;
    }

    // ---- Expressions --------------------------------------------------------------------------------

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

            case IArrayElementReferenceOperation { Indices: [var index] } element when BufferId(element.ArrayReference) is int array:
                return new ElementRef(_variables[array].Type, array, RecognizeExpression(index));
            case IPropertyReferenceOperation { Property.IsIndexer: true, Arguments: [var index], Instance: { } instance } indexer
                when BufferId(instance) is int span && index.Value.Type?.SpecialType == SpecialType.System_Int32:
                _ = indexer;
                return new ElementRef(_variables[span].Type, span, RecognizeExpression(index.Value));
            case IPropertyReferenceOperation { Property.Name: "Length", Instance: { } instance } when BufferId(instance) is int buffer:
                return new LengthOf(buffer);
            case IBinaryOperation binary:
                return RecognizeBinary(binary);
            case IUnaryOperation unary:
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
                    return Unsupported(operation, "use arithmetic, comparison and logical operators on numbers");
                }

                return new Unary(type, op, RecognizeExpression(unary.Operand));
            }

            case IConversionOperation { Operand: IThrowOperation }:
                return Unsupported(operation, "validate the arguments before calling the differentiable method");
            case IConversionOperation conversion:
            {
                ScalarType? to = Types.Scalar(conversion.Type);
                ScalarType? from = Types.Scalar(conversion.Operand.Type);
                if (to is null || from is null)
                {
                    return Unsupported(operation, "only conversions between float, double, int and long are supported");
                }

                Expr operand = RecognizeExpression(conversion.Operand);
                return to == from ? operand : new Conversion(to.Value, operand);
            }

            case IConditionalOperation conditional when conditional.WhenFalse is not null && Types.Scalar(conditional.Type) is ScalarType type:
            {
                Expr condition = RecognizeExpression(conditional.Condition);
                string? outer = _callRestriction;
                _callRestriction ??= "in a branch of '?:'";
                Expr whenTrue = RecognizeExpression(conditional.WhenTrue);
                Expr whenFalse = RecognizeExpression(conditional.WhenFalse);
                _callRestriction = outer;
                return new Conditional(type, _nextConditionalId++, condition, whenTrue, whenFalse);
            }

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

    private Expr RecognizeIntrinsic(IInvocationOperation invocation)
    {
        IMethodSymbol method = invocation.TargetMethod;
        if (Types.Scalar(method.ReturnType) is not ScalarType type)
        {
            return Unsupported(invocation, "this overload does not return a number");
        }

        bool twoArgumentLog = method.Name == "Log" && invocation.Arguments.Length == 2;
        if ((method.Name == "Round" && invocation.Arguments.Length != 1)
            || invocation.Arguments.Any(a => Types.Scalar(a.Value.Type) is null))
        {
            return Unsupported(invocation, $"use the overload of {method.Name} that takes only numbers");
        }

        var arguments = invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => RecognizeExpression(a.Value)).ToList();
        if (twoArgumentLog)
        {
            // log_b(a) = ln a / ln b: the IR keeps one-argument logarithms only.
            return new Binary(type, "/",
                new Intrinsic(type, "Log", new[] { arguments[0] }.ToEquatableArray()),
                new Intrinsic(type, "Log", new[] { arguments[1] }.ToEquatableArray()));
        }

        return new Intrinsic(type, method.Name, arguments.ToEquatableArray());
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

    private static bool IsIntrinsic(IMethodSymbol method) =>
        method.IsStatic
        && s_intrinsics.Contains(method.Name)
        && method.ContainingType.ContainingNamespace?.ToDisplayString() == "System"
        && method.ContainingType.Name is "Math" or "MathF" or "Single" or "Double";

    private Expr Unsupported(IOperation operation, string fix)
    {
        Report(DiagnosticDescriptors.UnsupportedExpression, LocationInfo.From(operation.Syntax), FirstLine(operation.Syntax.ToString()), fix);
        return Zero(Types.Scalar(operation.Type) ?? ScalarType.Float);
    }

    // ---- Helpers ------------------------------------------------------------------------------------

    private static Literal Zero(ScalarType type) => new(type, type switch
    {
        ScalarType.Float => "0f",
        ScalarType.Double => "0d",
        ScalarType.Long => "0L",
        ScalarType.Bool => "false",
        _ => "0",
    });

    private static Literal One(ScalarType type) => new(type, type switch
    {
        ScalarType.Float => "1f",
        ScalarType.Double => "1d",
        ScalarType.Long => "1L",
        _ => "1",
    });

    internal static Literal Constant(ScalarType type, object? value)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        string code = (type, value) switch
        {
            (ScalarType.Bool, bool b) => b ? "true" : "false",
            (ScalarType.Float, float f) when float.IsNaN(f) => "float.NaN",
            (ScalarType.Float, float f) when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
            (ScalarType.Float, float f) when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
            (ScalarType.Float, float f) => f.ToString("R", culture) + "f",
            (ScalarType.Double, double d) when double.IsNaN(d) => "double.NaN",
            (ScalarType.Double, double d) when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
            (ScalarType.Double, double d) when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
            (ScalarType.Double, double d) => d.ToString("R", culture) + "d",
            (ScalarType.Long, _) => System.Convert.ToInt64(value, culture).ToString(culture) + "L",
            (ScalarType.Int, _) => System.Convert.ToInt32(value, culture).ToString(culture),
            (ScalarType.Float, _) => System.Convert.ToSingle(value, culture).ToString("R", culture) + "f",
            (ScalarType.Double, _) => System.Convert.ToDouble(value, culture).ToString("R", culture) + "d",
            _ => "default",
        };
        return new Literal(type, code);
    }

    private static string StatementSource(SyntaxNode syntax)
    {
        string text = syntax is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax declaration } declarator
            ? $"{declaration.Type} {declarator};"
            : syntax.ToString();
        return FirstLine(text);
    }

    private static string FirstLine(string text)
    {
        string collapsed = Regex.Replace(text, @"\s+", " ").Trim();
        return collapsed.Length > 120 ? collapsed.Substring(0, 117) + "..." : collapsed;
    }

    private void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        _diagnostics.Add(new DiagnosticInfo(descriptor.Id, location ?? LocationInfo.From(_method.Locations.FirstOrDefault()), arguments.ToEquatableArray()));
}
