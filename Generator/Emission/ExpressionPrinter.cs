using System;
using System.Linq;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Emission;

/// <summary>Prints expressions as C#, with only the parentheses precedence needs and every name fully qualified.</summary>
internal sealed class ExpressionPrinter
{
    public const string Vector512 = "global::System.Runtime.Intrinsics.Vector512";
    public const string Vector256 = "global::System.Runtime.Intrinsics.Vector256";
    public const string Vector = "global::System.Numerics.Vector";

    /// <summary>The static class whose methods make and take vectors of <paramref name="width"/>.</summary>
    public static string VectorClass(LocalShape width) => width switch
    {
        LocalShape.Vector512 => Vector512,
        LocalShape.Vector256 => Vector256,
        _ => Vector,
    };

    private const int Primary = 15;
    private const int UnaryLevel = 14;
    private const int ConditionalLevel = 3;

    private readonly Func<int, string> _nameOf;
    private readonly Func<int, LocalShape> _shapeOf;

    public ExpressionPrinter(Func<int, string> nameOf, Func<int, LocalShape> shapeOf)
    {
        _nameOf = nameOf;
        _shapeOf = shapeOf;
    }

    public string Print(Expr expr) => Print(expr, out _);

    /// <summary>The C# for a Math/MathF function on <paramref name="type"/> arguments.</summary>
    public static string Function(string name, ScalarType type) =>
        type == ScalarType.Float && name != "Clamp" ? "global::System.MathF." + name : "global::System.Math." + name;

    public static string TypeName(ScalarType type) => Recognition.Types.Keyword(type);

    /// <summary>The field of a split mode's saved state that keeps the local printed <paramref name="local"/>.</summary>
    public static string FieldName(string local) => "_" + local.TrimStart('@');

    /// <summary>The C# type of a local: <see cref="TypeName(ScalarType, LocalShape)"/>, or a callee's saved state or a stack of them.</summary>
    public static string TypeName(Local local) => local.Shape switch
    {
        LocalShape.CalleeState => local.TypeName!,
        LocalShape.CalleeStateStack => $"global::SourceGrad.Internal.StateStack<{local.TypeName}>",
        _ => TypeName(local.Type, local.Shape),
    };

    /// <summary>The C# type of a variable of <paramref name="shape"/> holding <paramref name="type"/>s.</summary>
    public static string TypeName(ScalarType type, LocalShape shape)
    {
        string element = TypeName(type);
        return shape switch
        {
            LocalShape.Span => $"global::System.Span<{element}>",
            LocalShape.ReadOnlySpan => $"global::System.ReadOnlySpan<{element}>",
            LocalShape.Array => element + "[]",
            LocalShape.PooledBuffer => $"global::SourceGrad.Internal.PooledBuffer<{element}>",
            LocalShape.SaveStack => $"global::SourceGrad.Internal.SaveStack<{element}>",
            LocalShape.Vector512 => $"{Vector512}<{element}>",
            LocalShape.Vector256 => $"{Vector256}<{element}>",
            LocalShape.Vector => $"{Vector}<{element}>",
            LocalShape.CheckpointSchedule => "global::SourceGrad.Checkpointing.Revolve",
            _ => element,
        };
    }

    private string Print(Expr expr, out int precedence)
    {
        precedence = Primary;
        switch (expr)
        {
            case Literal literal:
                precedence = literal.Code.StartsWith("-", StringComparison.Ordinal) ? UnaryLevel : Primary;
                return literal.Code;
            case Opaque opaque:
                return opaque.Code;
            case VariableRef variable:
                return _nameOf(variable.Variable);
            case ElementRef element:
                return $"{_nameOf(element.Buffer)}{(_shapeOf(element.Buffer) == LocalShape.PooledBuffer ? ".Span" : "")}[{Print(element.Index)}]";
            case LengthOf length:
                return _nameOf(length.Buffer) + (_shapeOf(length.Buffer) == LocalShape.PooledBuffer ? ".Span.Length" : ".Length");
            case Unary unary:
            {
                precedence = UnaryLevel;
                string operand = Print(unary.Operand, out int inner);
                bool wrap = inner < UnaryLevel || (inner == UnaryLevel && (operand.StartsWith("-", StringComparison.Ordinal) || operand.StartsWith("+", StringComparison.Ordinal)));
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
                precedence = ConditionalLevel;
                return $"{Wrap(conditional.Condition, ConditionalLevel + 1)} ? {Wrap(conditional.WhenTrue, ConditionalLevel)} : {Wrap(conditional.WhenFalse, ConditionalLevel)}";
            case Intrinsic intrinsic:
            {
                ScalarType argumentType = intrinsic.Arguments.Count > 0 ? intrinsic.Arguments[0].Type : intrinsic.Type;
                return $"{Function(intrinsic.Name, argumentType)}({string.Join(", ", intrinsic.Arguments.Select(Print))})";
            }

            case Invocation invocation:
                return $"{invocation.Method}({string.Join(", ", invocation.Arguments.Select(Print))})";
            case RefTo reference:
                return "ref " + Print(reference.Target);
            case OutTo output:
                return "out " + (output.Target is null ? "_" : Print(output.Target));
            case DefaultValue:
                return "default";
            case SpanOf span:
                return PrintSpan(span);
            case Popped popped:
                return _nameOf(popped.Stack) + ".Pop()";
            case LoadVector load:
                return $"{VectorClass(load.Width)}.LoadUnsafe({PrintLanes(load.Span)})";
            case Broadcast broadcast:
                return broadcast.Width == LocalShape.Vector
                    ? $"new {Vector}<{TypeName(broadcast.Type)}>({Print(broadcast.Value)})"
                    : $"{VectorClass(broadcast.Width)}.Create<{TypeName(broadcast.Type)}>({Print(broadcast.Value)})";
            case SumLanes sum:
                return $"{VectorClass(sum.Width)}.Sum({Print(sum.Vector)})";
            case LaneCount count:
                return $"{TypeName(count.Element, count.Width)}.Count";
            case Accelerated accelerated:
                return $"{VectorClass(accelerated.Width)}.IsHardwareAccelerated";
            case NewPooledBuffer pooled:
                return $"new {TypeName(pooled.Type, LocalShape.PooledBuffer)}({Print(pooled.Length)})";
            case VectorCall call:
                return $"{VectorClass(call.Width)}.{call.Method}({string.Join(", ", call.Arguments.Select(Print))})";
            case LaneIndices indices:
                return $"{TypeName(indices.Type, indices.Width)}.Indices";
            case Quoted quoted:
                return Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(Print(quoted.Expression), quote: true);
            case MemberOf member:
                return _nameOf(member.Local) + "." + member.Member;
            case SavedField field:
                return _nameOf(field.State) + "." + FieldName(_nameOf(field.Local));
            default:
                throw new InvalidOperationException($"the printer has no form for {expr.GetType().Name} (a pass should have lowered it)");
        }
    }

    /// <summary>
    /// Where a vector load or store goes, as <c>LoadUnsafe</c> and <c>StoreUnsafe</c> take it: a reference to the buffer's
    /// first element and the first lane's offset. The vector loop's condition has checked that the buffer holds them.
    /// </summary>
    public string PrintLanes(Expr span) => span is SpanOf { Start: not null } lanes
        ? $"ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference({PrintSpan(lanes with { Start = null, Length = null })}), (nuint)({Print(lanes.Start)})"
        : throw new InvalidOperationException("a vector's lanes are a slice of a buffer");

    /// <summary>A buffer as a span: arrays through <c>MemoryExtensions.AsSpan</c>, pooled buffers through their <c>Span</c>.</summary>
    private string PrintSpan(SpanOf span)
    {
        string name = _nameOf(span.Buffer);
        string range = span.Start is null ? "" : span.Length is null ? Print(span.Start) : $"{Print(span.Start)}, {Print(span.Length)}";
        switch (_shapeOf(span.Buffer))
        {
            case LocalShape.Array:
                return range.Length == 0
                    ? $"global::System.MemoryExtensions.AsSpan({name})"
                    : $"global::System.MemoryExtensions.AsSpan({name}, {range})";
            case LocalShape.PooledBuffer:
                name += ".Span";
                break;
        }

        return range.Length == 0 ? name : $"{name}.Slice({range})";
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
