using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SourceGrad.Oracle;

/// <summary>A construct the translator cannot write against the tape: names it and where it is.</summary>
internal sealed class TapeTranslationException(string message) : Exception(message)
{
    public static TapeTranslationException At(SyntaxNode node, string what)
    {
        FileLinePositionSpan span = node.GetLocation().GetLineSpan();
        string text = node.ToString();
        if (text.Length > 80) text = text[..77] + "...";
        return new TapeTranslationException($"{Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1}): cannot translate {what} to the tape: `{text}`");
    }
}

/// <summary>Where the translated methods go: a class nested in the original type (which must be partial, in the same compilation) or one standalone class per type.</summary>
internal enum TapeOutput
{
    /// <summary><c>partial class T { public static class OnTape { ... } }</c>: the translation can read T's private fields.</summary>
    NestedInType,

    /// <summary><c>namespace SourceGrad.Oracle.Translated; public static class T_OnTape { ... }</c>: for types compiled elsewhere.</summary>
    Standalone,
}

/// <summary>
/// Translates [Differentiable] methods from their C# source into the same methods written against the scalar tape
/// (<c>SourceGrad.Tape</c>), the second oracle for the generator (docs/tape-oracle.md). Every float or double value
/// becomes a <c>Var</c>: parameters, locals and buffers (<c>double[]</c>, <c>Span&lt;double&gt;</c>, <c>stackalloc</c>
/// become <c>Var[]</c>, <c>Span&lt;Var&gt;</c>, zero constants); <c>Math</c>, <c>MathF</c>, <c>double</c> and
/// <c>float</c> functions of active values become <c>Var</c>'s; literals and inactive values become tape constants
/// where a <c>Var</c> is needed; int, bool and control flow stay as they are (comparisons read values); calls to
/// translated methods call their tape versions, runtime kernels call <c>VarKernels</c>. A callee with a hand-written
/// rule is translated from its body (the tape differentiates the body, not the rule). Anything else fails with a
/// <see cref="TapeTranslationException"/> naming the construct: nothing is skipped silently.
/// </summary>
internal sealed class TapeTranslator
{
    public const string TapeParameter = "__tape";
    private const string Var = "global::SourceGrad.Tape.Var";
    private const string TapeType = "global::SourceGrad.Tape.Tape";
    private const string Kernels = "global::SourceGrad.Tape.VarKernels";

    /// <summary>Math functions with a Var version taking the same arguments (a Var where the argument is active).</summary>
    private static readonly ImmutableHashSet<string> s_intrinsics =
    [
        "Exp", "Log", "Log2", "Log10", "Sqrt", "Cbrt", "Pow", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Atan2",
        "Sinh", "Cosh", "Tanh", "Abs", "Max", "Min", "Clamp", "FusedMultiplyAdd", "Sign", "Floor", "Ceiling", "Round", "Truncate",
    ];

    private static readonly ImmutableHashSet<string> s_kernelTypes = ["Activations", "Linalg", "Reductions", "Losses"];

    private static readonly ImmutableHashSet<string> s_kernels = ["Relu", "Sigmoid", "Tanh", "LeakyRelu", "AddBias", "Sum", "Mean"];

    private readonly Compilation _compilation;
    private readonly TapeOutput _output;
    private readonly HashSet<IMethodSymbol> _methods = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _elsewhere = new(SymbolEqualityComparer.Default);

    private TapeTranslator(Compilation compilation, TapeOutput output)
    {
        _compilation = compilation;
        _output = output;
    }

    /// <summary>
    /// The tape versions of <paramref name="methods"/> and of every method with source they call (transitively), as
    /// one C# file; calls to <paramref name="translatedElsewhere"/> go to their tape versions, which are not written
    /// here. Throws <see cref="TapeTranslationException"/> on the first construct it cannot translate.
    /// </summary>
    public static string Translate(Compilation compilation, IEnumerable<IMethodSymbol> methods, TapeOutput output, IEnumerable<IMethodSymbol>? translatedElsewhere = null)
    {
        var translator = new TapeTranslator(compilation, output);
        foreach (IMethodSymbol method in translatedElsewhere ?? []) translator._elsewhere.Add(method.OriginalDefinition);
        foreach (IMethodSymbol method in methods) translator.Include(method);
        return translator.Write();
    }

    /// <summary>The expression that calls the tape version of <paramref name="method"/> (without arguments).</summary>
    public static string TapeName(IMethodSymbol method, TapeOutput output) => TapeClass(method.ContainingType, output) + "." + method.Name;

    public static bool IsReal(ITypeSymbol? type) => type?.SpecialType is SpecialType.System_Double or SpecialType.System_Single;

    /// <summary>The element type of a float or double buffer (array, Span, ReadOnlySpan), or null.</summary>
    public static ITypeSymbol? RealElement(ITypeSymbol? type) => type switch
    {
        IArrayTypeSymbol { Rank: 1 } array when IsReal(array.ElementType) => array.ElementType,
        INamedTypeSymbol { Name: "Span" or "ReadOnlySpan", TypeArguments: [var element] } named
            when IsReal(element) && named.ContainingNamespace.ToDisplayString() == "System" => element,
        _ => null,
    };

    private static string TapeClass(INamedTypeSymbol type, TapeOutput output) => output == TapeOutput.NestedInType
        ? type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + ".OnTape"
        : "global::SourceGrad.Oracle.Translated." + FlatName(type) + "_OnTape";

    private static string FlatName(INamedTypeSymbol type) =>
        (type.ContainingType is { } outer ? FlatName(outer) + "_" : "") + type.Name;

    private void Include(IMethodSymbol method)
    {
        method = method.OriginalDefinition;
        if (_elsewhere.Contains(method) || !_methods.Add(method)) return;
        foreach (IMethodSymbol callee in Callees(method)) Include(callee);
    }

    private MethodDeclarationSyntax Declaration(IMethodSymbol method) =>
        method.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<MethodDeclarationSyntax>().FirstOrDefault(d => d.Body is not null || d.ExpressionBody is not null)
        ?? throw new TapeTranslationException($"cannot translate {method.ToDisplayString()} to the tape: its source is not in the compilation");

    /// <summary>The methods with source that <paramref name="method"/> calls (other than runtime kernels and Math).</summary>
    private IEnumerable<IMethodSymbol> Callees(IMethodSymbol method)
    {
        MethodDeclarationSyntax declaration = Declaration(method);
        SemanticModel model = _compilation.GetSemanticModel(declaration.SyntaxTree);
        foreach (InvocationExpressionSyntax call in declaration.DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            if (model.GetSymbolInfo(call).Symbol is IMethodSymbol callee && callee.IsStatic
                && callee.DeclaringSyntaxReferences.Length > 0 && !IsKernel(callee))
            {
                yield return callee;
            }
        }
    }

    private bool IsTranslated(IMethodSymbol method) => _methods.Contains(method.OriginalDefinition) || _elsewhere.Contains(method.OriginalDefinition);

    private static bool IsKernel(IMethodSymbol method) =>
        s_kernelTypes.Contains(method.ContainingType.Name) && method.ContainingNamespace.ToDisplayString() == "SourceGrad";

    private string Write()
    {
        var file = new StringBuilder("// <auto-generated/> by the tape oracle's translator\n#nullable disable\nusing System;\n\n");
        foreach (var group in _methods.GroupBy(m => m.ContainingType, SymbolEqualityComparer.Default))
        {
            var type = (INamedTypeSymbol)group.Key!;
            var body = new StringBuilder();
            foreach (IMethodSymbol method in group.OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                body.Append(TranslateMethod(method)).Append('\n');
            }

            if (_output == TapeOutput.Standalone)
            {
                file.Append("namespace SourceGrad.Oracle.Translated\n{\n")
                    .Append($"public static class {FlatName(type)}_OnTape\n{{\n").Append(body).Append("}\n}\n\n");
                continue;
            }

            // partial declarations of the type and every type around it, then the nested OnTape class.
            var chain = new List<INamedTypeSymbol>();
            for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType) chain.Insert(0, t);
            string ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString();
            if (ns.Length > 0) file.Append($"namespace {ns}\n{{\n");
            foreach (INamedTypeSymbol t in chain)
            {
                string kind = t.TypeKind == TypeKind.Struct ? "struct" : "class";
                file.Append($"{(t.IsStatic ? "static " : "")}partial {(t.IsRecord ? "record " : "")}{kind} {t.Name}\n{{\n");
            }

            file.Append("public static class OnTape\n{\n").Append(body).Append("}\n");
            foreach (INamedTypeSymbol _ in chain) file.Append("}\n");
            if (ns.Length > 0) file.Append("}\n");
            file.Append('\n');
        }

        return file.ToString();
    }

    private string TranslateMethod(IMethodSymbol method)
    {
        MethodDeclarationSyntax declaration = Declaration(method);
        if (declaration.TypeParameterList is not null) throw TapeTranslationException.At(declaration, "a generic method");
        SemanticModel model = _compilation.GetSemanticModel(declaration.SyntaxTree);
        var parameters = new List<string> { $"{TapeType} {TapeParameter}" };
        foreach (IParameterSymbol p in method.Parameters)
        {
            if (p.RefKind != RefKind.None) throw TapeTranslationException.At(p.DeclaringSyntaxReferences[0].GetSyntax(), "a ref, out or in parameter");
            parameters.Add($"{TypeName(p.Type, p.DeclaringSyntaxReferences[0].GetSyntax())} @{p.Name}");
        }

        var rewriter = new BodyRewriter(this, model, method);
        string returnType = method.ReturnsVoid ? "void" : TypeName(method.ReturnType, declaration.ReturnType);
        string header = $"public static {returnType} {method.Name}({string.Join(", ", parameters)})";
        if (declaration.ExpressionBody is { } arrow)
        {
            rewriter.CheckSupported(arrow.Expression);
            string expression = method.ReturnsVoid ? rewriter.Expression(arrow.Expression) : rewriter.Needing(arrow.Expression, method.ReturnType);
            return $"{header}\n    => {expression};\n";
        }

        rewriter.CheckSupported(declaration.Body!);
        return $"{header}\n{rewriter.Visit(declaration.Body!)!.ToFullString()}\n";
    }

    /// <summary>The tape version of a type: Var for float and double, Var buffers for float and double buffers, anything else unchanged.</summary>
    private static string TypeName(ITypeSymbol type, SyntaxNode where)
    {
        if (IsReal(type)) return Var;
        if (RealElement(type) is not null)
        {
            return type is IArrayTypeSymbol ? Var + "[]" : $"global::System.{type.Name}<{Var}>";
        }

        if (ContainsReal(type)) throw TapeTranslationException.At(where, $"the type {type.ToDisplayString()}");
        return type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
    }

    private static bool ContainsReal(ITypeSymbol type) => type switch
    {
        _ when IsReal(type) => true,
        IArrayTypeSymbol array => ContainsReal(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsReal) || (named.IsTupleType && named.TupleElements.Any(e => ContainsReal(e.Type))),
        IPointerTypeSymbol pointer => ContainsReal(pointer.PointedAtType),
        _ => false,
    };

    /// <summary>Rewrites one method body; every query to the semantic model is about an original (unrewritten) node.</summary>
    private sealed class BodyRewriter(TapeTranslator translator, SemanticModel model, IMethodSymbol method) : CSharpSyntaxRewriter
    {
        /// <summary>The node kinds a translatable body may contain; anything else is named in the failure.</summary>
        private static readonly ImmutableHashSet<SyntaxKind> s_supported =
        [
            SyntaxKind.Block, SyntaxKind.LocalDeclarationStatement, SyntaxKind.VariableDeclaration, SyntaxKind.VariableDeclarator,
            SyntaxKind.EqualsValueClause, SyntaxKind.ExpressionStatement, SyntaxKind.IfStatement, SyntaxKind.ElseClause,
            SyntaxKind.ForStatement, SyntaxKind.WhileStatement, SyntaxKind.DoStatement, SyntaxKind.BreakStatement,
            SyntaxKind.ContinueStatement, SyntaxKind.ReturnStatement, SyntaxKind.EmptyStatement,
            SyntaxKind.PredefinedType, SyntaxKind.IdentifierName, SyntaxKind.GenericName, SyntaxKind.TypeArgumentList,
            SyntaxKind.ArrayType, SyntaxKind.ArrayRankSpecifier, SyntaxKind.OmittedArraySizeExpression, SyntaxKind.QualifiedName,
            SyntaxKind.NumericLiteralExpression, SyntaxKind.TrueLiteralExpression, SyntaxKind.FalseLiteralExpression,
            SyntaxKind.DefaultLiteralExpression, SyntaxKind.ParenthesizedExpression, SyntaxKind.CastExpression,
            SyntaxKind.ConditionalExpression, SyntaxKind.InvocationExpression, SyntaxKind.ArgumentList, SyntaxKind.Argument,
            SyntaxKind.NameColon, SyntaxKind.SimpleMemberAccessExpression, SyntaxKind.ElementAccessExpression,
            SyntaxKind.BracketedArgumentList, SyntaxKind.ArrayCreationExpression, SyntaxKind.StackAllocArrayCreationExpression,
            SyntaxKind.ArrayInitializerExpression,
            SyntaxKind.AddExpression, SyntaxKind.SubtractExpression, SyntaxKind.MultiplyExpression, SyntaxKind.DivideExpression,
            SyntaxKind.ModuloExpression, SyntaxKind.LessThanExpression, SyntaxKind.LessThanOrEqualExpression,
            SyntaxKind.GreaterThanExpression, SyntaxKind.GreaterThanOrEqualExpression, SyntaxKind.EqualsExpression,
            SyntaxKind.NotEqualsExpression, SyntaxKind.LogicalAndExpression, SyntaxKind.LogicalOrExpression,
            SyntaxKind.LogicalNotExpression, SyntaxKind.UnaryMinusExpression, SyntaxKind.UnaryPlusExpression,
            SyntaxKind.PreIncrementExpression, SyntaxKind.PreDecrementExpression, SyntaxKind.PostIncrementExpression,
            SyntaxKind.PostDecrementExpression, SyntaxKind.SimpleAssignmentExpression, SyntaxKind.AddAssignmentExpression,
            SyntaxKind.SubtractAssignmentExpression, SyntaxKind.MultiplyAssignmentExpression, SyntaxKind.DivideAssignmentExpression,
            SyntaxKind.ModuloAssignmentExpression, SyntaxKind.RangeExpression, SyntaxKind.IndexExpression,
            SyntaxKind.BitwiseAndExpression, SyntaxKind.BitwiseOrExpression, SyntaxKind.ExclusiveOrExpression,
            SyntaxKind.LeftShiftExpression, SyntaxKind.RightShiftExpression, SyntaxKind.CheckedExpression, SyntaxKind.UncheckedExpression,
        ];

        public void CheckSupported(SyntaxNode body)
        {
            foreach (SyntaxNode node in body.DescendantNodesAndSelf())
            {
                if (!s_supported.Contains(node.Kind()))
                {
                    throw TapeTranslationException.At(node, $"a {node.Kind()}");
                }

                // Integer bit operations and checked blocks are fine; on active values they are not C# anyway.
                if (node is ExpressionSyntax expression and not (TypeSyntax or InitializerExpressionSyntax)
                    && node.Kind() is SyntaxKind.BitwiseAndExpression or SyntaxKind.BitwiseOrExpression or SyntaxKind.ExclusiveOrExpression
                    && IsActive(expression))
                {
                    throw TapeTranslationException.At(node, "a bit operation on a float or double");
                }
            }
        }

        /// <summary>The translation of an expression, as text.</summary>
        public string Expression(ExpressionSyntax expression) => Visit(expression)!.ToString();

        /// <summary>The translation where a value of type <paramref name="target"/> is needed: a tape constant if target is real and the value is not a Var.</summary>
        public string Needing(ExpressionSyntax expression, ITypeSymbol? target)
        {
            string text = Expression(expression);
            return IsReal(target) && !IsActive(expression) ? $"{TapeParameter}.Constant({text})" : text;
        }

        private ExpressionSyntax Parse(string text) => SyntaxFactory.ParseExpression(text);

        private static bool IsReal(ITypeSymbol? type) => TapeTranslator.IsReal(type);

        /// <summary>Whether the translation of <paramref name="expression"/> is a Var (it reads a translated value).</summary>
        private bool IsActive(ExpressionSyntax expression) => expression switch
        {
            ParenthesizedExpressionSyntax p => IsActive(p.Expression),
            IdentifierNameSyntax => model.GetSymbolInfo(expression).Symbol switch
            {
                ILocalSymbol { IsConst: false } local => IsReal(local.Type),
                IParameterSymbol parameter => IsReal(parameter.Type),
                _ => false,
            },
            ElementAccessExpressionSyntax element => IsReal(model.GetTypeInfo(element).Type) && IsTranslatedBuffer(element.Expression),
            BinaryExpressionSyntax binary => IsReal(model.GetTypeInfo(binary).Type) && (IsActive(binary.Left) || IsActive(binary.Right)),
            PrefixUnaryExpressionSyntax unary => IsReal(model.GetTypeInfo(unary).Type) && IsActive(unary.Operand),
            PostfixUnaryExpressionSyntax unary => IsReal(model.GetTypeInfo(unary).Type) && IsActive(unary.Operand),
            CastExpressionSyntax cast => IsReal(model.GetTypeInfo(cast).Type) && IsActive(cast.Expression),
            ConditionalExpressionSyntax conditional => IsReal(model.GetTypeInfo(conditional).Type) && (IsActive(conditional.WhenTrue) || IsActive(conditional.WhenFalse)),
            AssignmentExpressionSyntax assignment => IsActive(assignment.Left),
            InvocationExpressionSyntax call => IsReal(model.GetTypeInfo(call).Type) && model.GetSymbolInfo(call).Symbol is IMethodSymbol callee
                && (translator.IsTranslated(callee) || IsKernel(callee) || (IsMath(callee) && call.ArgumentList.Arguments.Any(a => IsActive(a.Expression)))),
            CheckedExpressionSyntax checkedExpression => IsActive(checkedExpression.Expression),
            _ => false,
        };

        /// <summary>A float or double buffer that is a local or a parameter (translated to Var), possibly sliced.</summary>
        private bool IsTranslatedBuffer(ExpressionSyntax expression) =>
            RealElement(model.GetTypeInfo(expression).Type) is not null && model.GetSymbolInfo(expression).Symbol switch
            {
                ILocalSymbol or IParameterSymbol => true,
                IMethodSymbol { Name: "Slice" or "AsSpan" } => expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax m } && IsTranslatedBuffer(m.Expression),
                _ => expression is ElementAccessExpressionSyntax e && IsTranslatedBuffer(e.Expression), // a[1..]
            };

        private static bool IsMath(IMethodSymbol method) =>
            method.ContainingType.ToDisplayString() is "System.Math" or "System.MathF" or "double" or "float";

        public override SyntaxNode? VisitIdentifierName(IdentifierNameSyntax node)
        {
            // A field or constant of a type: qualified, since the translation lives in another class.
            if (node.Parent is MemberAccessExpressionSyntax { Name: var name } && name == node) return node;
            if (node.Parent is NameColonSyntax) return node;
            ISymbol? symbol = model.GetSymbolInfo(node).Symbol;
            if (symbol is IFieldSymbol or IPropertySymbol && symbol.IsStatic)
            {
                // Read as it is: an inactive value (a constant, or a buffer whose elements are constants).
                return Parse(symbol.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + symbol.Name).WithTriviaFrom(node);
            }

            if (symbol is IFieldSymbol or IPropertySymbol or IEventSymbol) throw TapeTranslationException.At(node, "an instance member");
            if (symbol is ILocalSymbol or IParameterSymbol) return SyntaxFactory.IdentifierName("@" + symbol.Name).WithTriviaFrom(node);
            return node;
        }

        public override SyntaxNode? VisitVariableDeclaration(VariableDeclarationSyntax node)
        {
            ITypeSymbol? type = model.GetTypeInfo(node.Type).Type;
            if (node.Parent is LocalDeclarationStatementSyntax { IsConst: true })
            {
                return node; // a const stays a constant
            }

            var declarators = node.Variables.Select(v =>
            {
                var declarator = SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier("@" + v.Identifier.ValueText));
                if (v.Initializer is { } initializer)
                {
                    declarator = declarator.WithInitializer(SyntaxFactory.EqualsValueClause(Parse(Needing(initializer.Value, type))));
                }

                return declarator;
            });
            TypeSyntax translatedType = node.Type.IsVar && !ContainsReal(type!) ? node.Type : SyntaxFactory.ParseTypeName(TypeName(type!, node.Type));
            return SyntaxFactory.VariableDeclaration(translatedType.WithTrailingTrivia(SyntaxFactory.Space), SyntaxFactory.SeparatedList(declarators));
        }

        public override SyntaxNode? VisitReturnStatement(ReturnStatementSyntax node) =>
            node.Expression is null ? node : node.WithExpression(Parse(Needing(node.Expression, method.ReturnType)).WithLeadingTrivia(SyntaxFactory.Space));

        public override SyntaxNode? VisitAssignmentExpression(AssignmentExpressionSyntax node)
        {
            var left = (ExpressionSyntax)Visit(node.Left)!;
            ITypeSymbol? type = model.GetTypeInfo(node.Left).Type;
            if (node.IsKind(SyntaxKind.SimpleAssignmentExpression))
            {
                return node.WithLeft(left).WithRight(Parse(Needing(node.Right, type)));
            }

            // x op= e on a Var: the operators take a Var or a double on either side.
            return node.WithLeft(left).WithRight((ExpressionSyntax)Visit(node.Right)!);
        }

        public override SyntaxNode? VisitBinaryExpression(BinaryExpressionSyntax node)
        {
            var left = (ExpressionSyntax)Visit(node.Left)!;
            var right = (ExpressionSyntax)Visit(node.Right)!;
            if (node.Kind() is SyntaxKind.LessThanExpression or SyntaxKind.LessThanOrEqualExpression or SyntaxKind.GreaterThanExpression
                or SyntaxKind.GreaterThanOrEqualExpression or SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression)
            {
                // Comparisons read values: control flow is not differentiated.
                left = IsActive(node.Left) ? Parse($"({left}).Value") : left;
                right = IsActive(node.Right) ? Parse($"({right}).Value") : right;
            }

            return node.WithLeft(left).WithRight(right);
        }

        public override SyntaxNode? VisitCastExpression(CastExpressionSyntax node)
        {
            ITypeSymbol? target = model.GetTypeInfo(node.Type).Type;
            if (!IsActive(node.Expression))
            {
                return node.WithExpression((ExpressionSyntax)Visit(node.Expression)!);
            }

            string operand = Expression(node.Expression);
            return Parse(target?.SpecialType switch
            {
                SpecialType.System_Double => $"({operand})",
                SpecialType.System_Single => $"{Var}.RoundToFloat({operand})",
                SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16 or SpecialType.System_Byte
                    or SpecialType.System_UInt32 or SpecialType.System_UInt64 => $"({node.Type})({operand}).Value",
                _ => throw TapeTranslationException.At(node, $"a cast of a float or double to {target}"),
            }).WithTriviaFrom(node);
        }

        public override SyntaxNode? VisitConditionalExpression(ConditionalExpressionSyntax node)
        {
            var condition = (ExpressionSyntax)Visit(node.Condition)!;
            if (!IsActive(node))
            {
                return node.WithCondition(condition).WithWhenTrue((ExpressionSyntax)Visit(node.WhenTrue)!).WithWhenFalse((ExpressionSyntax)Visit(node.WhenFalse)!);
            }

            ITypeSymbol? type = model.GetTypeInfo(node).Type;
            return node.WithCondition(condition).WithWhenTrue(Parse(Needing(node.WhenTrue, type))).WithWhenFalse(Parse(Needing(node.WhenFalse, type)));
        }

        public override SyntaxNode? VisitArrayCreationExpression(ArrayCreationExpressionSyntax node) => ArrayCreation(node, node.Type.RankSpecifiers, node.Initializer);

        public override SyntaxNode? VisitStackAllocArrayCreationExpression(StackAllocArrayCreationExpressionSyntax node) =>
            node.Type is ArrayTypeSyntax array ? ArrayCreation(node, array.RankSpecifiers, node.Initializer) : throw TapeTranslationException.At(node, "a stackalloc without a type");

        /// <summary>new double[n] and stackalloc double[n] become n zero constants (a Var is a managed struct: no stackalloc).</summary>
        private SyntaxNode? ArrayCreation(ExpressionSyntax node, SyntaxList<ArrayRankSpecifierSyntax> ranks, InitializerExpressionSyntax? initializer)
        {
            ITypeSymbol? type = model.GetTypeInfo(node).Type;
            if (RealElement(type) is null && (type is not IPointerTypeSymbol pointer || !IsReal(pointer.PointedAtType)))
            {
                return node is ArrayCreationExpressionSyntax a ? base.VisitArrayCreationExpression(a) : base.VisitStackAllocArrayCreationExpression((StackAllocArrayCreationExpressionSyntax)node);
            }

            if (ranks.Count != 1 || ranks[0].Sizes.Count != 1) throw TapeTranslationException.At(node, "a multi-dimensional or jagged array");
            if (initializer is not null)
            {
                ITypeSymbol element = RealElement(type)!;
                return Parse($"new {Var}[] {{ {string.Join(", ", initializer.Expressions.Select(e => Needing(e, element)))} }}");
            }

            return Parse($"{TapeParameter}.Zeros({Expression(ranks[0].Sizes[0])})");
        }

        public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
        {
            if (model.GetSymbolInfo(node).Symbol is not IMethodSymbol callee)
            {
                throw TapeTranslationException.At(node, "a call the compiler could not resolve");
            }

            callee = callee.OriginalDefinition;
            var call = (IInvocationOperation)model.GetOperation(node)!;
            if (translator.IsTranslated(callee))
            {
                return Parse($"{TapeName(callee, translator._output)}({string.Join(", ", new[] { TapeParameter }.Concat(Arguments(call, detachNoGrad: true)))})");
            }

            if (IsKernel(callee))
            {
                if (!s_kernels.Contains(callee.Name)) throw TapeTranslationException.At(node, $"the runtime kernel {callee.ContainingType.Name}.{callee.Name} (it has no tape version in VarKernels)");
                // The kernels' [NoGrad] parameters read values only, inside VarKernels.
                return Parse($"{Kernels}.{callee.Name}({string.Join(", ", new[] { TapeParameter }.Concat(Arguments(call, detachNoGrad: false)))})");
            }

            bool anyActive = node.ArgumentList.Arguments.Any(a => IsActive(a.Expression));
            if (IsMath(callee))
            {
                if (!anyActive) return base.VisitInvocationExpression(node);
                if (!s_intrinsics.Contains(callee.Name) || (callee.Name == "Round" && callee.Parameters.Length > 1))
                {
                    throw TapeTranslationException.At(node, $"{callee.ContainingType.Name}.{callee.Name} of an active value (no Var version)");
                }

                return Parse(Intrinsic(callee.Name, node.ArgumentList.Arguments.Select(a => a.Expression).ToList())).WithTriviaFrom(node);
            }

            // Methods of a translated buffer (Slice, CopyTo, Fill, Clear, AsSpan).
            if (node.Expression is MemberAccessExpressionSyntax { Expression: var receiver } && IsTranslatedBuffer(receiver) && !callee.IsStatic)
            {
                string target = Expression(receiver);
                return callee.Name switch
                {
                    "Slice" or "CopyTo" or "AsSpan" => base.VisitInvocationExpression(node),
                    "Fill" => Parse($"{target}.Fill({Needing(node.ArgumentList.Arguments[0].Expression, RealElement(model.GetTypeInfo(receiver).Type))})"),
                    "Clear" => Parse($"{target}.Fill({TapeParameter}.Constant(0))"),
                    _ => throw TapeTranslationException.At(node, $"the buffer method {callee.Name}"),
                };
            }

            if (anyActive || ContainsReal(callee.ReturnType) || callee.Parameters.Any(p => ContainsReal(p.Type)))
            {
                throw TapeTranslationException.At(node, $"a call to {callee.ToDisplayString()} (neither translated nor a Math function nor a runtime kernel with a tape version)");
            }

            return base.VisitInvocationExpression(node);
        }

        /// <summary>
        /// The arguments of a call in parameter order (named arguments resolved), a constant where a real parameter
        /// gets an inactive value; with <paramref name="detachNoGrad"/>, a [NoGrad] parameter gets constants holding the
        /// values (DESIGN.md: no gradient flows into a callee's [NoGrad] parameter).
        /// </summary>
        private IEnumerable<string> Arguments(IInvocationOperation call, bool detachNoGrad)
        {
            foreach (IArgumentOperation argument in call.Arguments.OrderBy(a => a.Parameter!.Ordinal))
            {
                IParameterSymbol parameter = argument.Parameter!;
                if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                {
                    if (IsReal(parameter.Type)) yield return $"{TapeParameter}.Constant({Convert.ToDouble(parameter.ExplicitDefaultValue, System.Globalization.CultureInfo.InvariantCulture).ToString("R", System.Globalization.CultureInfo.InvariantCulture)})";
                    else yield return argument.Syntax is ArgumentSyntax ? Expression(((ArgumentSyntax)argument.Syntax).Expression) : DefaultText(parameter);
                    continue;
                }

                var expression = ((ArgumentSyntax)argument.Syntax).Expression;
                bool noGrad = detachNoGrad && parameter.GetAttributes().Any(a => a.AttributeClass?.Name == "NoGradAttribute");
                if (IsReal(parameter.Type))
                {
                    yield return noGrad && IsActive(expression) ? $"{TapeParameter}.Constant(({Expression(expression)}).Value)" : Needing(expression, parameter.Type);
                }
                else if (noGrad && RealElement(parameter.Type) is not null)
                {
                    yield return $"{TapeParameter}.Detached({Expression(expression)})";
                }
                else
                {
                    yield return Expression(expression);
                }
            }
        }

        private static string DefaultText(IParameterSymbol parameter) => parameter.ExplicitDefaultValue switch
        {
            null => "default",
            bool b => b ? "true" : "false",
            var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!,
        };

        /// <summary>Math.F(args) of at least one active argument, as Var.F: the overloads take a double where a Var is not needed.</summary>
        private string Intrinsic(string name, List<ExpressionSyntax> args)
        {
            string Active(ExpressionSyntax e) => IsActive(e) ? Expression(e) : $"{TapeParameter}.Constant({Expression(e)})";
            string AsIs(ExpressionSyntax e) => Expression(e);
            return name switch
            {
                "FusedMultiplyAdd" => $"{Var}.FusedMultiplyAdd({string.Join(", ", args.Select(Active))})",
                "Clamp" when !IsActive(args[1]) && !IsActive(args[2]) => $"{Var}.Clamp({Active(args[0])}, {AsIs(args[1])}, {AsIs(args[2])})",
                "Clamp" => $"{Var}.Clamp({string.Join(", ", args.Select(Active))})",
                _ => $"{Var}.{name}({string.Join(", ", args.Select(AsIs))})",
            };
        }
    }
}
