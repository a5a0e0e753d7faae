using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Emission;

/// <summary>Prints IR expressions as C#, with only the parentheses precedence needs.</summary>
internal sealed class ExpressionPrinter
{
    private const int Primary = 15;
    private const int UnaryLevel = 14;
    private const int ConditionalLevel = 3;

    private readonly Names _names;

    public ExpressionPrinter(Names names) => _names = names;

    /// <summary>Flags that hold recorded <c>?:</c> conditions, by conditional id.</summary>
    public Dictionary<int, string> RecordedConditions { get; } = new();

    /// <summary>When set, every scalar variable printed is added here (what the reverse sweep reads).</summary>
    public HashSet<int>? Reads { get; set; }

    /// <summary>When set, every buffer element printed is added here as (buffer, index).</summary>
    public List<(int Buffer, Expr Index)>? ElementReads { get; set; }

    public string Print(Expr expr) => Print(expr, out _);

    /// <summary>The C# for a Math/MathF function on <paramref name="type"/> arguments.</summary>
    public static string Function(string name, ScalarType type) =>
        type == ScalarType.Float && name != "Clamp" ? "global::System.MathF." + name : "global::System.Math." + name;

    public static string TypeName(ScalarType type) => Recognition.Types.Keyword(type);

    /// <summary>Whether code is a single token that needs no parentheses anywhere.</summary>
    public static bool IsAtomic(string code) =>
        System.Text.RegularExpressions.Regex.IsMatch(code, @"^@?[A-Za-z_][\w.:]*(\[[^\[\]]*\]|\([^()]*\))?$|^[0-9][\w.]*$");

    private string Print(Expr expr, out int precedence)
    {
        switch (expr)
        {
            case Literal literal:
                precedence = literal.Code.StartsWith("-", System.StringComparison.Ordinal) ? UnaryLevel : Primary;
                return literal.Code;
            case Opaque opaque:
                precedence = Primary;
                return opaque.Code;
            case VariableRef variable:
                Reads?.Add(variable.Variable);
                precedence = Primary;
                return _names.Of(variable.Variable);
            case ElementRef element:
                ElementReads?.Add((element.Buffer, element.Index));
                precedence = Primary;
                return $"{_names.Of(element.Buffer)}[{Print(element.Index)}]";
            case LengthOf length:
                // A buffer's length never changes, so reading it needs nothing saved.
                precedence = Primary;
                return _names.Of(length.Buffer) + ".Length";
            case Unary unary:
            {
                precedence = UnaryLevel;
                string operand = Print(unary.Operand, out int inner);
                bool wrap = inner < UnaryLevel || (inner == UnaryLevel && (operand.StartsWith("-", System.StringComparison.Ordinal) || operand.StartsWith("+", System.StringComparison.Ordinal)));
                return unary.Operator + (wrap ? $"({operand})" : operand);
            }

            case Conversion conversion:
            {
                precedence = UnaryLevel;
                string operand = Print(conversion.Operand, out int inner);
                return $"({TypeName(conversion.Type)})" + (inner < Primary ? $"({operand})" : operand);
            }

            case Binary binary:
            {
                precedence = BinaryPrecedence(binary.Operator);
                string left = Print(binary.Left, out int leftPrecedence);
                string right = Print(binary.Right, out int rightPrecedence);
                if (leftPrecedence < precedence)
                {
                    left = $"({left})";
                }

                if (rightPrecedence <= precedence)
                {
                    right = $"({right})";
                }

                return $"{left} {binary.Operator} {right}";
            }

            case Conditional conditional:
            {
                precedence = ConditionalLevel;
                string condition = RecordedConditions.TryGetValue(conditional.Id, out string? flag)
                    ? flag
                    : Wrap(conditional.Condition, ConditionalLevel + 1);
                return $"{condition} ? {Wrap(conditional.WhenTrue, ConditionalLevel)} : {Wrap(conditional.WhenFalse, ConditionalLevel)}";
            }

            case Intrinsic intrinsic:
            {
                precedence = Primary;
                ScalarType argumentType = intrinsic.Arguments.Count > 0 ? intrinsic.Arguments[0].Type : intrinsic.Type;
                return $"{Function(intrinsic.Name, argumentType)}({string.Join(", ", intrinsic.Arguments.Select(Print))})";
            }

            default:
                precedence = Primary;
                return "default";
        }
    }

    private string Wrap(Expr expr, int minimum)
    {
        string code = Print(expr, out int precedence);
        return precedence < minimum ? $"({code})" : code;
    }

    private static int BinaryPrecedence(string op) => op switch
    {
        "*" or "/" or "%" => 13,
        "+" or "-" => 12,
        "<<" or ">>" => 11,
        "<" or ">" or "<=" or ">=" => 10,
        "==" or "!=" => 9,
        "&" => 8,
        "^" => 7,
        "|" => 6,
        "&&" => 5,
        "||" => 4,
        _ => 2,
    };
}
