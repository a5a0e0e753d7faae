namespace SourceGrad.Generator.Tests.Corpus;

/// <summary>
/// Hand-written inputs full of C# the generator does not support (and some it does, in odd places). The corpus
/// test puts [Differentiable] on every method in them; each must get a gradient that compiles or an SG
/// diagnostic, never a generator crash.
/// </summary>
internal static class TrickyInputs
{
    public static IReadOnlyList<(string Name, string Source)> Files { get; } =
    [
        ("Generics.cs", """
            using System.Numerics;

            namespace Tricky.Generics;

            public class Box<T> where T : INumber<T>
            {
                public static T Twice(T x) => x + x;

                public static double Scale(double x) => x * 2;

                public class Inner<U>
                {
                    public static double Nested(double x, U tag) => x * x;
                }
            }

            public static class GenericMethods
            {
                public static T Square<T>(T x) where T : INumber<T> => x * x;

                public static double UseGeneric(double x) => Square(x) + Box<double>.Twice(x);

                public static double Constrained<T>(double x, T value) where T : struct, IComparable<T> => value.CompareTo(default) > 0 ? x : -x;

                public static double WithSpanOfT(ReadOnlySpan<double> values) => values.Length > 0 ? values[0] : 0;
            }

            public interface IShape<TSelf> where TSelf : IShape<TSelf>
            {
                static abstract double Area(double size);

                static virtual double Perimeter(double size) => 4 * size;

                double Scaled(double factor);
            }

            public struct Square : IShape<Square>
            {
                public static double Area(double size) => size * size;

                public double Scaled(double factor) => factor;
            }

            public static class UsesStaticAbstract
            {
                public static double AreaOf<T>(double size) where T : IShape<T> => T.Area(size);

                public static double AreaOfSquare(double size) => Square.Area(size) + AreaOf<Square>(size);
            }
            """),
        ("RefOutIn.cs", """
            namespace Tricky.Refs;

            public static class RefOutIn
            {
                public static double ByRef(ref double x) { x *= 2; return x; }

                public static double ByOut(double x, out double y) { y = x * x; return y; }

                public static double ByIn(in double x) => x * x;

                public static ref double RefReturn(double[] values) => ref values[0];

                public static ref readonly double RefReadonlyReturn(double[] values) => ref values[0];

                public static double RefLocal(double[] values, double x)
                {
                    ref double first = ref values[0];
                    first = x * x;
                    return first;
                }

                public static double CallsOut(double x)
                {
                    double r = ByOut(x, out double y);
                    return r + y;
                }

                public static double OutVarDiscard(double x)
                {
                    _ = ByOut(x, out _);
                    return x;
                }

                public static double Params(double x, params double[] rest) => x + rest.Length;

                public static double ParamsSpan(double x, params ReadOnlySpan<double> rest) => rest.Length > 0 ? x * rest[0] : x;

                public static double Defaults(double x, double y = 2, int n = 3) => x * y + n;

                public static double NamedArguments(double x) => Defaults(y: x, x: 1);

                public static void ScopedSpan(scoped Span<double> values, double x) => values[0] = x;

                public static double RefStructParameter(ReadOnlySpan<int> indices, double x) => indices.Length * x;

                public static double UsesParameterNamedLikeAdjoint(double x, double dX) => x * dX;

                public static double UsesParameterNamedSeed(double x, double seed) => x * seed;

                public static double KeywordNames(double @double, double @return) => @double * @return;
            }
            """),
        ("Async.cs", """
            namespace Tricky.Async;

            public static class AsyncAndIterators
            {
                public static async Task<double> AsyncValue(double x)
                {
                    await Task.Yield();
                    return x * x;
                }

                public static async Task AsyncVoidLike(double x) => await Task.Delay((int)x);

                public static async double AsyncDouble(double x) => x;

                public static IEnumerable<double> Iterator(double x)
                {
                    yield return x;
                    yield return x * x;
                }

                public static async IAsyncEnumerable<double> AsyncIterator(double x)
                {
                    await Task.Yield();
                    yield return x;
                }

                public static async Task<double> AwaitForeach(double x)
                {
                    double total = 0;
                    await foreach (double v in AsyncIterator(x))
                    {
                        total += v;
                    }

                    return total;
                }

                public static double Locked(double x)
                {
                    lock (typeof(AsyncAndIterators))
                    {
                        return x * 2;
                    }
                }

                public static double UsingStatement(double x)
                {
                    using var stream = new MemoryStream();
                    using (var other = new MemoryStream())
                    {
                        x += other.Length;
                    }

                    return x + stream.Length;
                }
            }
            """),
        ("Lambdas.cs", """
            namespace Tricky.Lambdas;

            public static class LambdasAndLinq
            {
                public static double Lambda(double x)
                {
                    Func<double, double> square = v => v * v;
                    return square(x);
                }

                public static double StaticLambda(double x)
                {
                    var f = static (double v) => v * 2;
                    return f(x);
                }

                public static double Linq(double[] values) => values.Select(v => v * v).Where(v => v > 1).Sum();

                public static double QuerySyntax(double[] values) => (from v in values where v > 0 select v * 2).Sum();

                public static double LocalFunctions(double x)
                {
                    return Inner(x) + Static(x);

                    double Inner(double y) => y * x;

                    static double Static(double y)
                    {
                        return y * y;
                    }
                }

                public static double Delegates(double x)
                {
                    Func<double, double> f = Math.Sin;
                    Action<double> a = _ => { };
                    a(x);
                    return f(x);
                }

                public static double MethodGroup(double x) => new[] { x, x * 2 }.Select(Math.Exp).Max();

                public static double Closure(double x)
                {
                    double captured = x;
                    Func<double> get = () => captured * 2;
                    captured = 3;
                    return get();
                }

                public static double Recursive(double x, int n) => n <= 0 ? x : Recursive(x * 0.5, n - 1);

                public static double SelfRecursiveInBranch(double x, int n) => n <= 0 ? x : SelfRecursiveInBranch(x + 1, n - 1);

                public static double MutuallyRecursive(double x, int n) => n <= 0 ? x : Other(x, n - 1);

                public static double Other(double x, int n) => MutuallyRecursive(x + 1, n);

                public static double Fibonacci(double x, int n)
                {
                    if (n < 2)
                    {
                        return x;
                    }

                    return Fibonacci(x, n - 1) + Fibonacci(x, n - 2);
                }
            }
            """),
        ("Unsafe.cs", """
            namespace Tricky.Unsafe;

            public static unsafe partial class Pointers
            {
                public static double Deref(double* p) => *p * 2;

                public static double Fixed(double[] values, double x)
                {
                    fixed (double* p = values)
                    {
                        p[0] = x;
                        return p[0] * x;
                    }
                }

                public static double AddressOf(double x)
                {
                    double y = x;
                    double* p = &y;
                    *p *= 2;
                    return y;
                }

                public static double StackallocPointer(double x)
                {
                    double* buffer = stackalloc double[4];
                    buffer[0] = x;
                    return buffer[0];
                }

                public static double StackallocInLoop(double x, int n)
                {
                    double total = 0;
                    for (int i = 0; i < n; i++)
                    {
                        Span<double> scratch = stackalloc double[4];
                        scratch[0] = x * i;
                        total += scratch[0];
                    }

                    return total;
                }

                public static double StackallocAfterReturn(double x, int n)
                {
                    if (n < 0)
                    {
                        return x;
                    }

                    Span<double> late = stackalloc double[n];
                    return late.Length * x;
                }

                public static double StackallocInitializer(double x)
                {
                    Span<double> values = stackalloc double[] { x, x * 2, 3 };
                    return values[1];
                }

                public static double SizeOfAndFunctionPointer(double x)
                {
                    delegate*<double, double> f = &Math.Sqrt;
                    return f(x) + sizeof(double);
                }

                public static extern double External(double x);

                public static double Checked(double x, int n)
                {
                    int m = checked(n * 2);
                    unchecked
                    {
                        m += int.MaxValue;
                    }

                    return x * m;
                }

                public static double CheckedDouble(double x) => checked(x * 2);
            }
            """),
        ("ControlFlow.cs", """
            namespace Tricky.ControlFlow;

            public static class Jumps
            {
                public static double Goto(double x, int n)
                {
                    int i = 0;
                top:
                    x = x * 0.5;
                    i++;
                    if (i < n)
                    {
                        goto top;
                    }

                    return x;
                }

                public static double SwitchStatement(double x, int k)
                {
                    switch (k)
                    {
                        case 0:
                            return x;
                        case 1:
                        case 2:
                            x *= 2;
                            break;
                        default:
                            goto case 0;
                    }

                    return x;
                }

                public static double SwitchExpression(double x, int k) => k switch
                {
                    0 => x,
                    1 => x * x,
                    < 0 => -x,
                    _ => Math.Sin(x),
                };

                public static double SwitchOnDouble(double x) => x switch
                {
                    > 1 => x,
                    double.NaN => 0,
                    _ => x * x,
                };

                public static double Patterns(object o, double x)
                {
                    if (o is double d && d > 0)
                    {
                        return d * x;
                    }

                    if (o is int[] { Length: > 2 } array and [1, .., var last])
                    {
                        return last * x;
                    }

                    return o is not null ? x : -x;
                }

                public static double TryCatch(double x)
                {
                    try
                    {
                        return Math.Log(x);
                    }
                    catch (ArgumentException) when (x < 0)
                    {
                        return 0;
                    }
                    finally
                    {
                        x = 0;
                    }
                }

                public static double Throw(double x) => x > 0 ? x : throw new ArgumentOutOfRangeException(nameof(x));

                public static double ThrowStatement(double x)
                {
                    if (x < 0)
                    {
                        throw new InvalidOperationException();
                    }

                    return x;
                }

                public static double Foreach(double[] values, double x)
                {
                    foreach (double v in values)
                    {
                        x += v;
                    }

                    return x;
                }

                public static double ForeachSpan(ReadOnlySpan<double> values, double x)
                {
                    foreach (ref readonly double v in values)
                    {
                        x *= v;
                    }

                    return x;
                }

                public static double Infinite(double x)
                {
                    while (true)
                    {
                        x *= 0.5;
                        if (x < 1)
                        {
                            return x;
                        }
                    }
                }

                public static double ForEver(double x)
                {
                    for (;;)
                    {
                        x -= 1;
                        if (x < 0)
                        {
                            break;
                        }
                    }

                    return x;
                }

                public static double MultipleDeclarators(double x, int n)
                {
                    for (int i = 0, j = n; i < j; i++, j--)
                    {
                        x = x * 0.9;
                    }

                    double a = x, b = a * 2, c;
                    c = a + b;
                    return c;
                }

                public static double CounterAssignedInBody(double x, int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        x *= 1.1;
                        i += 1;
                    }

                    return x;
                }

                public static double NestedBreakLabels(double x, int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            if (j > i)
                            {
                                goto done;
                            }

                            x += i * j;
                        }
                    }

                done:
                    return x;
                }

                public static double EmptyStatements(double x)
                {
                    ;
                    {
                    }

                    return x;
                }

                public static void VoidWithNothing()
                {
                }

                public static double UnreachableAfterReturn(double x)
                {
                    return x;
                    x = 2;
                }
            }
            """),
        ("Expressions.cs", """"
            namespace Tricky.Expressions;

            public static class Odd
            {
                private static double s_field = 2;
                private const double Constant = 3;
                private static readonly float ReadonlyFloat = 1.5f;
                private static readonly double[] Table = { 1, 2, 3 };

                public static double Property { get; set; } = 4;

                public static double Tuples(double x)
                {
                    (double a, double b) = (x, x * 2);
                    var t = (x, 3.0);
                    (a, b) = (b, a);
                    return a + b + t.Item2;
                }

                public static (double, double) ReturnsTuple(double x) => (x, x);

                public static double Interpolation(double x)
                {
                    string s = $"{x:F2} and {x * 2}";
                    return s.Length * x;
                }

                public static double Fields(double x)
                {
                    s_field = x;
                    return s_field * Constant + ReadonlyFloat + Table[0];
                }

                public static double Properties(double x)
                {
                    Property = x * 2;
                    return Property;
                }

                public static double Dynamic(double x)
                {
                    dynamic d = x;
                    return d * 2;
                }

                public static double DynamicParameter(dynamic x) => x * 2;

                public static double Objects(double x)
                {
                    var list = new List<double> { x, 2 * x };
                    return list[1] + list.Count;
                }

                public static double CollectionExpressions(double x)
                {
                    double[] values = [x, x * 2, .. new[] { 3.0 }];
                    return values[2];
                }

                public static double NullConditional(double[]? values, double x) => values?[0] * x ?? x;

                public static double NameofTypeofDefault(double x) => nameof(x).Length + (typeof(double) == typeof(int) ? 1 : 0) + default(double) + x;

                public static double IsAsCasts(object o, double x) => (o as double[])?.Length ?? (int)(object)3 * x;

                public static double Decimal(double x, decimal m) => x * (double)m;

                public static decimal ReturnsDecimal(double x) => (decimal)x;

                public static double Complex(System.Numerics.Complex c, double x) => c.Real * x;

                public static double IntegerOverflowingShift(double x, int n) => x * (n << 3 >> 1) * (n >>> 1) * (~n) * (n ^ 3);

                public static double IncrementInExpression(double x, int n)
                {
                    double y = x++ + ++x;
                    return y * n++;
                }

                public static double AssignmentInExpression(double x)
                {
                    double y;
                    double z = (y = x * 2) + 1;
                    return z + y;
                }

                public static double CompoundOnElementsAndFields(double[] values, double x)
                {
                    values[0] %= 2;
                    values[1] -= x;
                    s_field += x;
                    return values[0] + values[1];
                }

                public static double NullCoalescingAssignment(double? x)
                {
                    x ??= 2;
                    return x.Value;
                }

                public static double NullableDouble(double? x) => x ?? 0;

                public static double MathOverloads(double x, float f, int n, long l) =>
                    Math.Max(n, 2) + Math.Abs(l) + MathF.Sin(f) + Math.Round(x, 2) + Math.Round(x, MidpointRounding.AwayFromZero)
                    + Math.Log(x, 3) + Math.ScaleB(x, 2) + Math.BitIncrement(x) + Math.IEEERemainder(x, 2) + Math.CopySign(x, -1)
                    + Math.MaxMagnitude(x, 2) + Math.ReciprocalEstimate(x) + double.Hypot(x, 2) + double.Lerp(x, 1, 0.5)
                    + Math.SinCos(x).Sin + Math.Sign(n) + Math.DivRem(n, 3, out int rem) + rem;

                public static float FloatMath(float x) => MathF.Exp(x) + float.Sin(x) + MathF.Pow(x, 2.5f) + (float)Math.Sqrt(x);

                public static double Half(Half h, double x) => (double)h * x;

                public static double Chars(char c, double x) => c * x + 'a';

                public static double StringsAndBools(string s, bool b, double x) => b ? s.Length * x : x;

                public static double Vectors(System.Numerics.Vector2 v, double x) => v.X * x;

                public static double SpanMethods(Span<double> values, double x)
                {
                    values.Fill(x);
                    values.Slice(1).CopyTo(values);
                    values.Reverse();
                    return values.IndexOf(x) + values[^1] + values[1..].Length;
                }

                public static double RangesAndIndices(double[] values, double x) => values[^1] * x + values[..2].Length;

                public static double MultiDimensional(double[,] grid, double x) => grid[0, 0] * x;

                public static double Jagged(double[][] rows, double x) => rows[0][0] * x;

                public static double ArrayOfFloatsAsDouble(float[] values, double x) => values[0] * x;

                public static double ReadOnlySpanOfInts(ReadOnlySpan<int> labels, double x) => labels[0] * x;

                public static double ArrayWrite(double[] values, double x)
                {
                    values = new double[3];
                    values[0] = x;
                    return values[0];
                }

                public static double LocalArrayInitializer(double x)
                {
                    double[] values = { x, 2 * x };
                    double[] other = new double[] { x };
                    return values[1] + other[0];
                }

                public static double SliceAlias(double[] values, double x)
                {
                    Span<double> head = values.AsSpan(0, 1);
                    head[0] = x;
                    return values[0];
                }

                public static double WithExpression(double x)
                {
                    var p = new Point(x, 2);
                    var q = p with { Y = x * 3 };
                    return q.Y;
                }

                public record Point(double X, double Y);

                public static double Anonymous(double x)
                {
                    var a = new { X = x, Y = 2.0 };
                    return a.X * a.Y;
                }

                public static double ConditionalRefs(double[] a, double[] b, bool first, double x)
                {
                    ref double r = ref first ? ref a[0] : ref b[0];
                    r = x;
                    return r;
                }

                public static double DefaultLiteral(double x, int n = default) => x + n;

                public static double Utf8AndRaw(double x) => "abc"u8.Length * x + """raw""".Length;

                public static double LongAndUnsigned(double x, long l, uint u, ulong ul, short s, byte b) => x * l + u + ul + s + b;

                public static double ImplicitNumericConversions(double x, int n, long l)
                {
                    double a = n;
                    double b = l;
                    float f = n;
                    return a * b * f * x;
                }

                public static double MixedFloatDouble(float f, double d) => f * d + (float)d;

                public static double BoolLocalAsCondition(double x)
                {
                    bool positive = x > 0;
                    return positive ? x : -x;
                }

                public static double BoolLocalInIf(double x)
                {
                    bool positive = x > 0;
                    if (positive)
                    {
                        return x;
                    }

                    return -x;
                }

                public static double CallsInConditions(double x)
                {
                    double y = x > 0 ? Square(x) : Square(-x);
                    bool b = x > 0 && Square(x) > 1;
                    while (Square(x) > 2)
                    {
                        x *= 0.5;
                    }

                    return y + (b ? 1 : 0) + x;
                }

                public static double Square(double x) => x * x;

                public static double CallsNonDifferentiable(double x) => Console.Out.Encoding.CodePage * x + Environment.ProcessorCount;

                public static double NestedCallsInArguments(double x) => Square(Square(Square(x)));
            }
            """"),
        ("NameClashes.cs", """
            using static System.Math;

            namespace Tricky.NameClashes;

            public static class UsingStatic
            {
                public static double StaticImport(double x) => Sin(x) * Exp(x) + PI;
            }

            public static class GeneratorNames
            {
                private static readonly double _v1 = 2;
                private static readonly double _d1 = 3;
                private static readonly double _t1 = 4;
                private static readonly double _result1 = 5;
                private static readonly double seed = 6;
                private static readonly double dX = 7;

                public static double FieldsNamedLikeTemporaries(double x) => Math.Sin(x) * _v1 + _d1 * x * x + _t1 * Math.Exp(x) + _result1 + seed * dX * x;

                public static double LocalsNamedLikeTemporaries(double x, int n)
                {
                    double _v1 = x * 2;
                    double _d1 = Math.Sin(_v1);
                    double _dX = _d1 * x;
                    double _result1 = 0;
                    double _savedDoubles = 1;
                    int _trips1 = n;
                    int _k1 = 0;
                    for (int _i = 0; _i < _trips1; _i++)
                    {
                        _result1 += _dX * _savedDoubles;
                        _savedDoubles = _savedDoubles * x;
                        _k1++;
                    }

                    double seed2 = _k1;
                    return _result1 + seed2;
                }

                public static double ParameterNamedLikeTemporary(double _dX, double _v1, double _result1) => _dX * _v1 * _result1;

                public static double LocalNamedSeed(double x)
                {
                    double seed = x * 2;
                    return seed * seed;
                }

                public static double Underscores(double _, double __) => _ * __;
            }

            public static class MathMember
            {
                public static double Math = 3;

                public static double UsesSystemMath(double x) => System.Math.Sin(x) * System.Math.Exp(x) * Math;
            }

            public static class Shadowing
            {
                public static double Sin(double x) => x;

                public static double CallsOwnSin(double x) => Sin(x) * System.Math.Cos(x);
            }

            public static class Overloads
            {
                public static double Twice(double x) => 2 * x;

                public static float Twice(float x) => 2 * x;

                public static double Twice(double x, double y) => 2 * x * y;
            }
            """),
        ("MathNamespace.cs", """
            namespace Tricky.Math
            {
                public static class Calculus
                {
                    public static double InsideMathNamespace(double x) => System.Math.Sin(x) * x;
                }
            }

            namespace Tricky.Other
            {
                public static class Plain
                {
                    public static double Uses(double x) => System.Math.Exp(x) + System.MathF.Sqrt(2f);
                }
            }
            """),
        ("Types.cs", """
            namespace Tricky.Types;

            public record Person(string Name, double Weight)
            {
                public double Heavier(double extra) => Weight + extra;

                public static double StaticInRecord(double x) => x * x;
            }

            public record struct Measurement(double Value)
            {
                public static double Scale(double x, double k) => x * k;
            }

            public readonly struct ReadOnlyThing
            {
                public static double Make(double x) => x;
            }

            public ref struct RefThing
            {
                public static double InRefStruct(double x) => x * 3;
            }

            public abstract class Base
            {
                public abstract double Abstract(double x);

                public virtual double Virtual(double x) => x;

                public static double StaticInAbstract(double x) => x * x;
            }

            public sealed class Derived : Base
            {
                public override double Abstract(double x) => x * 2;

                public override double Virtual(double x) => base.Virtual(x) * 2;

                public new static double StaticInAbstract(double x) => x;
            }

            public static class Outer
            {
                public static class Middle
                {
                    public struct Inner
                    {
                        public static double Deep(double x, ReadOnlySpan<double> w)
                        {
                            double s = 0;
                            for (int i = 0; i < w.Length; i++)
                            {
                                s += w[i] * x;
                            }

                            return s;
                        }
                    }
                }

                private class Private
                {
                    internal static double Hidden(double x) => x * x;

                    protected internal static double ProtectedInternal(double x) => x;

                    private protected static double PrivateProtected(double x) => x;
                }

                public static double CallsHidden(double x) => Private.Hidden(x);
            }

            public partial class PartialMethods
            {
                static partial void Declared(double x);

                public static partial double Implemented(double x);

                public static partial double Implemented(double x) => x * x;

                public static double Caller(double x) => Implemented(x);
            }

            public interface IWithStatics
            {
                static double Helper(double x) => x * 2;

                static abstract double Required(double x);

                double Instance(double x);
            }

            public class Instance
            {
                private double _scale = 2;

                public double UsesThis(double x) => x * _scale;

                public double Property => 3;

                public static double Operators(double x) => x;

                public static Instance operator +(Instance a, Instance b) => a;

                public static implicit operator double(Instance a) => a._scale;

                public double this[int i] => i;

                public Instance()
                {
                }

                ~Instance()
                {
                }
            }

            public static class Extensions
            {
                public static double Doubled(this double x) => x * 2;

                public static double UsesExtension(double x) => x.Doubled();
            }

            public enum Kind { A, B }

            file static class FileLocal
            {
                public static double InFileType(double x) => x;
            }

            public delegate double Map(double x);

            public static class Obsolete
            {
                [Obsolete("old")]
                public static double Old(double x) => x;

                [System.Diagnostics.Conditional("DEBUG")]
                public static void Conditional(double x) { }

                [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
                public static double Inlined(double x) => x;
            }
            """),
        ("Supported.cs", """
            namespace Tricky.Supported;

            public static class Supported
            {
                public static double Polynomial(double x, int n)
                {
                    double p = 0;
                    for (int i = n; i >= 0; i--)
                    {
                        p = p * x + i;
                    }

                    return p;
                }

                public static float DenseWithBias(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, [NoGrad] ReadOnlySpan<float> input, Span<float> output)
                {
                    float total = 0;
                    for (int row = 0; row < output.Length; row++)
                    {
                        float sum = bias[row];
                        for (int column = 0; column < input.Length; column++)
                        {
                            sum = MathF.FusedMultiplyAdd(weights[row * input.Length + column], input[column], sum);
                        }

                        output[row] = sum > 0 ? sum : 0.01f * sum;
                        total += output[row] * output[row];
                    }

                    return total;
                }

                public static void Softmax(ReadOnlySpan<double> x, Span<double> y)
                {
                    double max = double.NegativeInfinity;
                    for (int i = 0; i < x.Length; i++)
                    {
                        max = Math.Max(max, x[i]);
                    }

                    double sum = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        y[i] = Math.Exp(x[i] - max);
                        sum += y[i];
                    }

                    for (int i = 0; i < x.Length; i++)
                    {
                        y[i] /= sum;
                    }
                }

                public static double LongCounters(double x, long n)
                {
                    for (long i = 0; i < n; i++)
                    {
                        x = x * 0.5 + 1;
                    }

                    return x;
                }

                public static double ConstLocals(double x)
                {
                    const double k = 2.5;
                    const int n = 3;
                    return x * k + n;
                }

                public static double DeepNesting(double x, int n)
                {
                    for (int a = 0; a < n; a++)
                        for (int b = 0; b < a; b++)
                            for (int c = 0; c < b; c++)
                                for (int d = 0; d < c; d++)
                                    if (x > 0)
                                        x = x * 0.99;
                                    else
                                        x = -x;

                    return x;
                }

                public static double NoActiveParameters(int n) => n * 2.0;

                public static double UnusedParameter(double x, double unused) => x;

                public static void NoOutputs(double x)
                {
                    double y = x * 2;
                }

                public static double ManyReturns(double x)
                {
                    if (x > 3) return 3;
                    if (x > 2) return x;
                    if (x > 1) return x * x;
                    return Math.Sin(x);
                }

                public static double ExpressionStatementCall(double[] values, double x)
                {
                    Square(x);
                    return x;
                }

                public static double Square(double x) => x * x;

                public static double Empty(double x) => default;

                public static double DoubleLiterals(double x) => x * 1e308 * 1e-308 + double.Epsilon + double.MaxValue * 0 + 0x10 + 0b11 + 1_000.5;

                public static double NaNAndInfinity(double x) => x + double.NaN * 0 + (double.IsNaN(x) ? 1 : 0);
            }
            """),
        ("Broken.cs", """
            namespace Tricky.Broken;

            public static class Broken
            {
                public static double MissingType(Unknown u, double x) => x * u.Value;

                public static double MissingMethod(double x) => NotDefined(x);

                public static double WrongTypes(double x) => x * "text";

                public static double MissingReturn(double x)
                {
                    if (x > 0)
                    {
                        return x;
                    }
                }

                public static double Unassigned(double x)
                {
                    double y;
                    return y * x;
                }

                public static double SyntaxError(double x) => x * ;

                public static double UnknownIdentifier(double x) => x * missing;
            }

            public class NotStaticButPartial
            {
                public double Instance(double x) => x;
            }
            """),
    ];
}
