using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Differentiation;

/// <summary>
/// An expression being built by a derivative rule, so that the rules read like the maths (<c>dy * b * Pow(a, b - 1)</c>).
/// A term is an IR expression or a number; a number takes the type of the expression it meets (<c>1 - y * y</c> is a
/// float when y is), and numbers alone are folded.
/// </summary>
internal readonly struct Term
{
    private readonly Expr? _expr;
    private readonly double _number;

    private Term(Expr? expr, double number)
    {
        _expr = expr;
        _number = number;
    }

    public static implicit operator Term(double number) => new(null, number);

    public static implicit operator Term(Expr expr) => new(expr, 0);

    /// <summary>The term as an expression of <paramref name="type"/> (the type numbers take).</summary>
    public Expr ToExpr(ScalarType type) => _expr ?? Recognition.MethodRecognizer.Constant(type, type switch
    {
        ScalarType.Float => (object)(float)_number,
        ScalarType.Double => _number,
        _ => (int)_number,
    });

    private ScalarType? Type => _expr?.Type;

    private bool IsNumber(double value) => _expr is null && _number.Equals(value);

    public static Term operator +(Term a, Term b) => Arithmetic("+", a, b);

    public static Term operator -(Term a, Term b) => Arithmetic("-", a, b);

    public static Term operator *(Term a, Term b) =>
        b.IsNumber(1) ? a : a.IsNumber(1) ? b : Arithmetic("*", a, b);

    public static Term operator /(Term a, Term b) => b.IsNumber(1) ? a : Arithmetic("/", a, b);

    public static Term operator -(Term a)
    {
        if (a._expr is null)
        {
            return new Term(null, -a._number);
        }

        // −(−x) is x: a rule negating a negated adjoint gives the adjoint back.
        return a._expr is Unary { Operator: "-" } negated ? negated.Operand : new Unary(a._expr.Type, "-", a._expr);
    }

    public static Term operator <(Term a, Term b) => Comparison("<", a, b);

    public static Term operator >(Term a, Term b) => Comparison(">", a, b);

    public static Term operator <=(Term a, Term b) => Comparison("<=", a, b);

    public static Term operator >=(Term a, Term b) => Comparison(">=", a, b);

    /// <summary><c>a == b</c> (named: C# reserves <c>==</c> on structs for equality of the terms themselves).</summary>
    public static Term Equal(Term a, Term b) => Comparison("==", a, b);

    public static Term Or(Term a, Term b) => new(new Binary(ScalarType.Bool, "||", a.ToExpr(ScalarType.Bool), b.ToExpr(ScalarType.Bool)), 0);

    public static Term And(Term a, Term b) => new(new Binary(ScalarType.Bool, "&&", a.ToExpr(ScalarType.Bool), b.ToExpr(ScalarType.Bool)), 0);

    /// <summary><c>condition ? whenTrue : whenFalse</c>.</summary>
    public static Term Select(Term condition, Term whenTrue, Term whenFalse)
    {
        ScalarType type = whenTrue.Type ?? whenFalse.Type ?? ScalarType.Double;
        return new Term(new Conditional(type, 0, condition.ToExpr(ScalarType.Bool), whenTrue.ToExpr(type), whenFalse.ToExpr(type)), 0);
    }

    /// <summary>A <c>Math</c>/<c>MathF</c> function of the terms' type.</summary>
    public static Term Function(string name, params Term[] arguments)
    {
        ScalarType type = ScalarType.Double;
        foreach (Term argument in arguments)
        {
            if (argument.Type is ScalarType known)
            {
                type = known;
                break;
            }
        }

        var expressions = new Expr[arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            expressions[i] = arguments[i].ToExpr(type);
        }

        // Sign returns an int whatever its argument; every other function returns its arguments' type.
        ScalarType result = name == "Sign" ? ScalarType.Int : type;
        return new Term(new Intrinsic(result, name, expressions.ToEquatableArray()), 0);
    }

    private static Term Arithmetic(string op, Term a, Term b)
    {
        if (a._expr is null && b._expr is null)
        {
            return op switch
            {
                "+" => a._number + b._number,
                "-" => a._number - b._number,
                "*" => a._number * b._number,
                _ => a._number / b._number,
            };
        }

        // Sign(x) is an int: the product takes the other operand's floating-point type.
        ScalarType type = Floating(a.Type) ?? Floating(b.Type) ?? a.Type ?? b.Type!.Value;
        return new Term(new Binary(type, op, a.ToExpr(type), b.ToExpr(type)), 0);
    }

    private static Term Comparison(string op, Term a, Term b)
    {
        ScalarType type = a.Type ?? b.Type ?? ScalarType.Double;
        return new Term(new Binary(ScalarType.Bool, op, a.ToExpr(type), b.ToExpr(type)), 0);
    }

    private static ScalarType? Floating(ScalarType? type) => type is ScalarType.Float or ScalarType.Double ? type : null;

    public override bool Equals(object? obj) => obj is Term other && Equals(_expr, other._expr) && _number.Equals(other._number);

    public override int GetHashCode() => _expr?.GetHashCode() ?? _number.GetHashCode();
}
