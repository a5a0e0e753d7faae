using System.Collections.Generic;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Differentiation;

/// <summary>Small builders and tests of IR that every mode of differentiation uses.</summary>
internal static class IrConstruction
{
    /// <summary>Every statement of the tree under <paramref name="root"/>, in source order.</summary>
    public static IEnumerable<Statement> AllStatements(Statement root)
    {
        var all = new List<Statement>();
        Analysis.SavePlan.Flatten(root, all);
        return all;
    }

    public static Sequence ToSequence(List<Code> code) => code.Count == 0 ? Sequence.Empty : new Sequence(code.ToEquatableArray());

    public static LocalShape ShapeOf(BufferKind buffer) => buffer switch
    {
        BufferKind.Span => LocalShape.Span,
        BufferKind.ReadOnlySpan => LocalShape.ReadOnlySpan,
        BufferKind.Array => LocalShape.Array,
        _ => LocalShape.Scalar,
    };

    public static Literal Zero(ScalarType type) => Recognition.MethodRecognizer.Constant(type, type switch
    {
        ScalarType.Float => 0f,
        ScalarType.Double => 0d,
        ScalarType.Bool => false,
        ScalarType.Long => 0L,
        _ => (object)0,
    });

    public static Literal Int(int value) => Recognition.MethodRecognizer.Constant(ScalarType.Int, value);

    public static Literal Bool(bool value) => Recognition.MethodRecognizer.Constant(ScalarType.Bool, value);

    public static Expr Negate(Expr expr) => expr is Unary { Operator: "-" } negated ? negated.Operand : new Unary(expr.Type, "-", expr);

    /// <summary>Whether an expression is one token the generated code can read again at no cost.</summary>
    public static bool IsAtomic(Expr expr) => expr switch
    {
        VariableRef or LengthOf or Opaque or DefaultValue or RuleArgument => true,
        Literal literal => !literal.Code.StartsWith("-", System.StringComparison.Ordinal),
        ElementRef element => !ExprWalker.Any(element.Index, e => e is ElementRef),
        _ => false,
    };

    public static bool IsLeaf(Expr expr) => expr is VariableRef or ElementRef;

    public static bool IsOne(Literal literal) => literal.Code is "1f" or "1d" or "1";

    /// <summary>x·1, 1·x and x/1 are x (exactly, in floating point): a rule applied to a constant argument says less.</summary>
    public static Expr WithoutUnitFactors(Expr expr) => ExprWalker.Rewrite(expr, e => e switch
    {
        Binary { Operator: "*" or "/", Right: Literal right } b when IsOne(right) && b.Left.Type == b.Type => WithoutUnitFactors(b.Left),
        Binary { Operator: "*", Left: Literal left } b when IsOne(left) && b.Right.Type == b.Type => WithoutUnitFactors(b.Right),
        _ => null,
    });

    /// <summary>Whether the expression is 1 / (1 + Exp(−u)), the logistic σ(u), and u.</summary>
    public static bool IsLogistic(Expr expr, out Expr argument)
    {
        if (expr is Binary { Operator: "/", Left: Literal one, Right: Binary { Operator: "+", Left: Literal otherOne, Right: Intrinsic { Name: "Exp", Arguments: [Unary { Operator: "-" } negated] } } }
            && IsOne(one) && IsOne(otherOne))
        {
            argument = negated.Operand;
            return true;
        }

        argument = expr;
        return false;
    }

    /// <summary>A buffer local as a call argument passes it: whole, or the slice the argument names.</summary>
    public static Expr Slice(ScalarType element, int local, Argument argument) =>
        argument.SliceStart is null
            ? new VariableRef(element, local)
            : new SpanOf(element, local, argument.SliceStart, argument.SliceLength);

    /// <summary>The length of a buffer argument (see <see cref="Slice"/>).</summary>
    public static Expr SpanLength(Expr span) => span switch
    {
        SpanOf { Length: { } length } => length,
        SpanOf { Start: { } start } slice => new Binary(ScalarType.Int, "-", new LengthOf(slice.Buffer), start),
        SpanOf whole => new LengthOf(whole.Buffer),
        VariableRef buffer => new LengthOf(buffer.Variable),
        _ => throw new System.InvalidOperationException("not a buffer argument: " + span),
    };
}
