using System.Runtime.CompilerServices;

namespace SourceGrad.Tape;

/// <summary>
/// A handle to one node of a <see cref="Tape"/>: a value whose operations are recorded for the reverse sweep.
/// Arithmetic with another <see cref="Var"/> or with a <see cref="double"/> constant records a new node.
/// </summary>
public readonly partial struct Var : IEquatable<Var>
{
    internal readonly Tape Tape;
    internal readonly int Index;
    internal readonly int Generation;

    // A copy of the node's value, as Adept's aReal keeps one: operators read it without touching the tape.
    private readonly double _value;

    internal Var(Tape tape, int index, int generation, double value)
    {
        Tape = tape;
        Index = index;
        Generation = generation;
        _value = value;
    }

    /// <summary>The value computed in the forward sweep.</summary>
    public double Value => _value;

    /// <summary>The adjoint left by the last <see cref="Tape.Backward"/>.</summary>
    public double Gradient => TapeOf(this).Gradient(this);

    public static Var operator +(Var a, Var b) => SameTape(a, b).Record(a.Value + b.Value, a.Index, 1, b.Index, 1);

    public static Var operator +(Var a, double b) => TapeOf(a).Record(a.Value + b, a.Index, 1);

    public static Var operator +(double a, Var b) => b + a;

    public static Var operator -(Var a, Var b) => SameTape(a, b).Record(a.Value - b.Value, a.Index, 1, b.Index, -1);

    public static Var operator -(Var a, double b) => TapeOf(a).Record(a.Value - b, a.Index, 1);

    public static Var operator -(double a, Var b) => TapeOf(b).Record(a - b.Value, b.Index, -1);

    public static Var operator -(Var a) => TapeOf(a).Record(-a.Value, a.Index, -1);

    public static Var operator *(Var a, Var b)
    {
        double x = a.Value, y = b.Value;
        return SameTape(a, b).Record(x * y, a.Index, y, b.Index, x);
    }

    public static Var operator *(Var a, double b) => TapeOf(a).Record(a.Value * b, a.Index, b);

    public static Var operator *(double a, Var b) => b * a;

    public static Var operator /(Var a, Var b)
    {
        double y = b.Value;
        double quotient = a.Value / y;
        // d(a/b)/da = 1/b, d(a/b)/db = -(a/b)/b
        return SameTape(a, b).Record(quotient, a.Index, 1 / y, b.Index, -quotient / y);
    }

    public static Var operator /(Var a, double b) => TapeOf(a).Record(a.Value / b, a.Index, 1 / b);

    public static Var operator /(double a, Var b)
    {
        double y = b.Value;
        double quotient = a / y;
        return TapeOf(b).Record(quotient, b.Index, -quotient / y);
    }

    // Comparisons read values only (control flow is not differentiated), as in every operator-overloading tape.
    public static bool operator <(Var a, Var b) => a.Value < b.Value;

    public static bool operator >(Var a, Var b) => a.Value > b.Value;

    public static bool operator <=(Var a, Var b) => a.Value <= b.Value;

    public static bool operator >=(Var a, Var b) => a.Value >= b.Value;

    public static bool operator <(Var a, double b) => a.Value < b;

    public static bool operator >(Var a, double b) => a.Value > b;

    public static bool operator <=(Var a, double b) => a.Value <= b;

    public static bool operator >=(Var a, double b) => a.Value >= b;

    // No == operator: it would be ambiguous between equal values and the same node. Compare .Value instead.

    /// <summary>Handle equality: the same node of the same tape (not equal values).</summary>
    public bool Equals(Var other) => ReferenceEquals(Tape, other.Tape) && Index == other.Index && Generation == other.Generation;

    public override bool Equals(object? obj) => obj is Var other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(Tape), Index, Generation);

    public override string ToString() => Tape is null ? "Var(unrecorded)" : $"Var#{Index}({_value})";

    /// <summary>The tape to record on; the variable must be of the tape's current recording.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Tape TapeOf(Var variable)
    {
        Tape tape = variable.Tape ?? ThrowUnrecorded();
        if (variable.Generation != tape.Generation)
        {
            ThrowStale();
        }

        return tape;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Tape SameTape(Var a, Var b)
    {
        Tape tape = TapeOf(a);
        if (!ReferenceEquals(tape, b.Tape) || b.Generation != a.Generation)
        {
            ThrowDifferentTapes();
        }

        return tape;
    }

    private static Tape ThrowUnrecorded() =>
        throw new InvalidOperationException("The variable is default(Var): it was never recorded on a tape.");

    private static void ThrowStale() =>
        throw new InvalidOperationException("The variable was recorded before its tape's last Reset.");

    private static void ThrowDifferentTapes() =>
        throw new ArgumentException("The two variables were recorded on different tapes (or recordings).", "b");
}
