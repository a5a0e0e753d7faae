using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SourceGrad.Tape;

/// <summary>
/// A reverse-mode scalar tape in the spirit of Adept: every operation on a <see cref="Var"/> appends one node
/// holding its value, up to two parent indices and the local partial derivative with respect to each.
/// <see cref="Backward"/> walks the nodes in reverse and accumulates adjoints; <see cref="Reset"/> rewinds the
/// storage so the next evaluation records into the same arrays (no allocation once the capacity suffices).
/// </summary>
/// <remarks>
/// Storage is struct-of-arrays so the reverse sweep streams through five dense arrays. Node 0 is a sink: a
/// leaf or a unary node names it as its missing parent with partial 0, so the sweep has no branch per node.
/// A tape is not thread-safe; use one per thread.
/// <para>
/// Inside a namespace under <c>SourceGrad</c> the simple name <c>Tape</c> finds the namespace
/// <c>SourceGrad.Tape</c> before a file-level <c>using</c>: put <c>using SourceGrad.Tape;</c> after the
/// file-scoped namespace declaration (usings there are searched first), or alias the type.
/// </para>
/// </remarks>
public sealed class Tape
{
    private const int SinkIndex = 0;

    private double[] _values;
    private double[] _adjoints;
    private int[] _firstParents;
    private int[] _secondParents;
    private double[] _firstPartials;
    private double[] _secondPartials;
    private int _count;

    // Incremented by Reset: a Var carries the generation it was recorded in, so a stale one is caught.
    private int _generation;

    /// <summary>Creates a tape with room for <paramref name="capacity"/> nodes before it has to grow.</summary>
    public Tape(int capacity = 1024)
    {
        if (capacity < 1)
        {
            throw new ArgumentException($"The capacity must be at least 1 node, but was {capacity}.", nameof(capacity));
        }

        // One extra slot for the sink.
        _values = new double[capacity + 1];
        _adjoints = new double[capacity + 1];
        _firstParents = new int[capacity + 1];
        _secondParents = new int[capacity + 1];
        _firstPartials = new double[capacity + 1];
        _secondPartials = new double[capacity + 1];
        _count = 1;
    }

    /// <summary>The number of nodes recorded since the last <see cref="Reset"/>.</summary>
    public int Count => _count - 1;

    /// <summary>The number of nodes the tape holds before its storage grows.</summary>
    public int Capacity => _values.Length - 1;

    /// <summary>Records an independent variable (a leaf) with the given value.</summary>
    public Var Variable(double value) => Record(value, SinkIndex, 0, SinkIndex, 0);

    /// <summary>Records one independent variable per value into <paramref name="destination"/>.</summary>
    public void Variables(ReadOnlySpan<double> values, Span<Var> destination)
    {
        if (destination.Length != values.Length)
        {
            throw new ArgumentException(
                $"The destination holds {destination.Length} variables but {values.Length} values were given.",
                nameof(destination));
        }

        for (int i = 0; i < values.Length; i++)
        {
            destination[i] = Variable(values[i]);
        }
    }

    /// <summary>
    /// Records a constant: a leaf like <see cref="Variable"/>, named for the reader. Code translated to the tape
    /// turns literals and inactive values into constants where a <see cref="Var"/> is needed.
    /// </summary>
    public Var Constant(double value) => Variable(value);

    /// <summary>
    /// A new array of <paramref name="length"/> constants 0: what <c>new double[n]</c> and <c>stackalloc double[n]</c>
    /// become on the tape (a default <see cref="Var"/> is not recorded, so an array of them cannot be read).
    /// </summary>
    public Var[] Zeros(int length)
    {
        if (length < 0)
        {
            throw new ArgumentException($"The length must not be negative, but was {length}.", nameof(length));
        }

        var zeros = new Var[length];
        zeros.AsSpan().Fill(Constant(0));
        return zeros;
    }

    /// <summary>
    /// Constants holding the values of <paramref name="values"/>: what a [NoGrad] argument becomes, since no
    /// gradient may flow through it back to the variables it came from.
    /// </summary>
    public Var[] Detached(ReadOnlySpan<Var> values)
    {
        var detached = new Var[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            detached[i] = Constant(values[i].Value);
        }

        return detached;
    }

    /// <summary>
    /// Forgets every recorded node and keeps the storage: the next recording starts at the beginning and
    /// allocates nothing unless it outgrows the largest recording so far. Every <see cref="Var"/> of this tape
    /// becomes invalid.
    /// </summary>
    public void Reset()
    {
        _count = 1;
        _generation++;
    }

    internal int Generation => _generation;

    /// <summary>
    /// The reverse sweep: sets every adjoint to zero, the adjoint of <paramref name="output"/> to
    /// <paramref name="seed"/>, and propagates it to every node recorded before <paramref name="output"/>.
    /// Afterwards <see cref="Gradient(Var)"/> reads d(seed·output)/d(node). Can be called again (with another
    /// output or seed) without recording again.
    /// </summary>
    public void Backward(Var output, double seed = 1)
    {
        int outputIndex = IndexOf(output, nameof(output));
        Array.Clear(_adjoints, 0, _count);
        _adjoints[outputIndex] = seed;

        ref double adjoints = ref MemoryMarshal.GetArrayDataReference(_adjoints);
        ref int firstParents = ref MemoryMarshal.GetArrayDataReference(_firstParents);
        ref int secondParents = ref MemoryMarshal.GetArrayDataReference(_secondParents);
        ref double firstPartials = ref MemoryMarshal.GetArrayDataReference(_firstPartials);
        ref double secondPartials = ref MemoryMarshal.GetArrayDataReference(_secondPartials);
        for (int node = outputIndex; node > SinkIndex; node--)
        {
            double adjoint = Unsafe.Add(ref adjoints, node);
            Unsafe.Add(ref adjoints, Unsafe.Add(ref firstParents, node)) += adjoint * Unsafe.Add(ref firstPartials, node);
            Unsafe.Add(ref adjoints, Unsafe.Add(ref secondParents, node)) += adjoint * Unsafe.Add(ref secondPartials, node);
        }
    }

    /// <summary>The adjoint of <paramref name="variable"/> left by the last <see cref="Backward"/>.</summary>
    public double Gradient(Var variable) => _adjoints[IndexOf(variable, nameof(variable))];

    /// <summary>Copies the adjoints of <paramref name="variables"/> into <paramref name="destination"/>.</summary>
    public void Gradients(ReadOnlySpan<Var> variables, Span<double> destination)
    {
        if (destination.Length != variables.Length)
        {
            throw new ArgumentException(
                $"The destination holds {destination.Length} values but {variables.Length} variables were given.",
                nameof(destination));
        }

        for (int i = 0; i < variables.Length; i++)
        {
            destination[i] = Gradient(variables[i]);
        }
    }

    /// <summary>The value recorded for <paramref name="variable"/>.</summary>
    public double Value(Var variable) => _values[IndexOf(variable, nameof(variable))];

    /// <summary>Appends a node: value, parents and d(value)/d(parent). The hot path of every operation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Var Record(double value, int firstParent, double firstPartial, int secondParent, double secondPartial)
    {
        int index = _count;
        if ((uint)index >= (uint)_values.Length)
        {
            Grow();
        }

        // All six arrays have the same length, checked once above. The array references are read into locals
        // first: a store through a byref could alias a field, so the JIT would otherwise reload each one.
        double[] values = _values;
        int[] firstParents = _firstParents, secondParents = _secondParents;
        double[] firstPartials = _firstPartials, secondPartials = _secondPartials;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(values), index) = value;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(firstParents), index) = firstParent;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(secondParents), index) = secondParent;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(firstPartials), index) = firstPartial;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(secondPartials), index) = secondPartial;
        _count = index + 1;
        return new Var(this, index, _generation, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Var Record(double value, int parent, double partial) => Record(value, parent, partial, SinkIndex, 0);

    private int IndexOf(Var variable, string paramName)
    {
        if (!ReferenceEquals(variable.Tape, this))
        {
            throw new ArgumentException(
                variable.Tape is null
                    ? "The variable is default(Var): it was never recorded on a tape."
                    : "The variable was recorded on another tape.",
                paramName);
        }

        if (variable.Generation != _generation)
        {
            throw new ArgumentException("The variable was recorded before the tape's last Reset.", paramName);
        }

        return variable.Index;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow()
    {
        int capacity = _values.Length * 2;
        Array.Resize(ref _values, capacity);
        Array.Resize(ref _adjoints, capacity);
        Array.Resize(ref _firstParents, capacity);
        Array.Resize(ref _secondParents, capacity);
        Array.Resize(ref _firstPartials, capacity);
        Array.Resize(ref _secondPartials, capacity);
    }
}
