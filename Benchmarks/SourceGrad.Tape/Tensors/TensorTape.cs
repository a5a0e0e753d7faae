namespace SourceGrad.Tape;

/// <summary>
/// A reverse-mode tape over row-major float matrices: each operation (matmul, bias add, activation, loss, ...)
/// runs its forward kernel at once and appends one record; <see cref="Backward"/> walks the records in reverse
/// and calls each one's backward kernel. Values and gradients live in an arena that <see cref="Reset"/> rewinds,
/// so a training loop that records the same step every time allocates nothing after its first step.
/// </summary>
/// <remarks>
/// This is the design of PyTorch's autograd reduced to its essentials: a record per op, gradients only for
/// what depends on a parameter, parameter gradients accumulated into the caller's arrays. The forward kernels
/// are the runtime's (Linalg, Activations, Losses, Reductions) and the backward kernels their
/// [DerivativeOf] pullbacks, so the tape and a generated gradient do the same arithmetic and a comparison
/// measures what the tape adds. A tape is not thread-safe; use one per thread.
/// </remarks>
public sealed class TensorTape
{
    private enum Operation : byte
    {
        Leaf,
        MatMul,
        Linear,
        AddBias,
        Relu,
        Sigmoid,
        Tanh,
        Add,
        Multiply,
        SoftmaxCrossEntropy,
        MeanSquaredError,
        Sum,
    }

    /// <summary>One recorded operation; the tape keeps them in recording order.</summary>
    private struct Record
    {
        public Operation Operation;
        public bool TransposeFirst;
        public bool TransposeSecond;
        public bool OwnsGradient;
        public int First;
        public int Second;
        public int Third;
        public int Rows;
        public int Columns;
        public Segment<float> Value;

        /// <summary>Empty when nothing upstream is a parameter: no gradient is computed or stored.</summary>
        public Segment<float> Gradient;

        /// <summary>What the backward kernel needs beyond the inputs' values: a loss's target.</summary>
        public Segment<float> Saved;
        public Segment<int> Labels;
    }

    private const int None = -1;

    private readonly Arena<float> _floats;
    private readonly Arena<int> _ints;
    private Record[] _records;
    private int _count;

    // Incremented by Reset: a Tensor carries the generation it was recorded in, so a stale one is caught.
    private int _generation;

    /// <param name="arenaChunkLength">Floats per arena chunk; a step that needs more takes several chunks.</param>
    /// <param name="capacity">Records before the record array grows.</param>
    public TensorTape(int arenaChunkLength = 1 << 20, int capacity = 64)
    {
        if (arenaChunkLength < 1)
        {
            throw new ArgumentException($"The arena chunk length must be at least 1, but was {arenaChunkLength}.", nameof(arenaChunkLength));
        }

        if (capacity < 1)
        {
            throw new ArgumentException($"The capacity must be at least 1 record, but was {capacity}.", nameof(capacity));
        }

        _floats = new Arena<float>(arenaChunkLength);
        _ints = new Arena<int>(1024);
        _records = new Record[capacity];
    }

    /// <summary>The number of records since the last <see cref="Reset"/>.</summary>
    public int Count => _count;

    /// <summary>
    /// Forgets every record and rewinds the arena, keeping the storage. Every <see cref="Tensor"/> of this tape
    /// becomes invalid.
    /// </summary>
    public void Reset()
    {
        // Drop the references to the callers' arrays; the arena chunks stay.
        Array.Clear(_records, 0, _count);
        _count = 0;
        _generation++;
        _floats.Reset();
        _ints.Reset();
    }

    /// <summary>
    /// A trainable matrix bound to the caller's arrays (no copy): the forward sweep reads
    /// <paramref name="value"/>, <see cref="Backward"/> adds into <paramref name="gradient"/> (zero it yourself).
    /// </summary>
    public Tensor Parameter(float[] value, float[] gradient, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(gradient);
        CheckShape(rows, columns);
        CheckLength(value, rows * columns, nameof(value));
        CheckLength(gradient, rows * columns, nameof(gradient));
        return Append(new Record
        {
            Operation = Operation.Leaf,
            First = None,
            Second = None,
            Third = None,
            Rows = rows,
            Columns = columns,
            Value = new Segment<float>(value, 0, value.Length),
            Gradient = new Segment<float>(gradient, 0, gradient.Length),
        });
    }

    /// <summary>
    /// A runtime <see cref="SourceGrad.Parameter"/> as a trainable matrix: shape [n] is a 1×n row (a bias),
    /// [rows, …] is rows × the product of the rest. Bound without a copy, as <see cref="Parameter(float[], float[], int, int)"/>.
    /// </summary>
    public Tensor Parameter(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        int rows = parameter.Shape.Length == 1 ? 1 : parameter.Shape[0];
        return Parameter(parameter.Value, parameter.Gradient, rows, parameter.Length / rows);
    }

    /// <summary>
    /// A constant matrix (a minibatch, a target) bound to <paramref name="rows"/>·<paramref name="columns"/>
    /// elements of <paramref name="data"/> from <paramref name="offset"/> on, without a copy: keep them unchanged
    /// until <see cref="Backward"/> is done. No gradient flows into it.
    /// </summary>
    public Tensor Input(float[] data, int rows, int columns, int offset = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckShape(rows, columns);
        if (offset < 0 || offset > data.Length - rows * columns)
        {
            throw new ArgumentException(
                $"The offset {offset} leaves fewer than {rows}×{columns} elements in an array of {data.Length}.", nameof(offset));
        }

        return Append(new Record
        {
            Operation = Operation.Leaf,
            First = None,
            Second = None,
            Third = None,
            Rows = rows,
            Columns = columns,
            Value = new Segment<float>(data, offset, rows * columns),
        });
    }

    /// <summary>op(a)·op(b), where op transposes a stored matrix when asked (as in <c>Linalg.MatMul</c>).</summary>
    public Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false)
    {
        Check(a, nameof(a));
        Check(b, nameof(b));
        (int m, int k) = transposeA ? (a.Columns, a.Rows) : (a.Rows, a.Columns);
        (int kOfB, int n) = transposeB ? (b.Columns, b.Rows) : (b.Rows, b.Columns);
        if (kOfB != k)
        {
            throw new ArgumentException(
                $"op(b) is {kOfB}×{n} but op(a) is {m}×{k}: the inner dimensions must agree.", nameof(b));
        }

        int index = AppendResult(Operation.MatMul, a.Index, b.Index, m, n);
        ref Record record = ref _records[index];
        record.TransposeFirst = transposeA;
        record.TransposeSecond = transposeB;
        Linalg.MatMul(ValueOf(a), ValueOf(b), record.Value.Span, m, k, n, transposeA, transposeB);
        return Handle(index);
    }

    /// <summary>
    /// x·weight + bias as one record (x is batch×in, weight in×out, bias 1×out): the fused layer PyTorch's
    /// nn.Linear records with addmm, saving the intermediate product and its gradient.
    /// </summary>
    public Tensor Linear(Tensor x, Tensor weight, Tensor bias)
    {
        Check(x, nameof(x));
        Check(weight, nameof(weight));
        Check(bias, nameof(bias));
        if (weight.Rows != x.Columns)
        {
            throw new ArgumentException(
                $"The weight is {weight.Rows}×{weight.Columns} but x has {x.Columns} columns: it needs {x.Columns} rows.", nameof(weight));
        }

        if (bias.Length != weight.Columns)
        {
            throw new ArgumentException(
                $"The bias has {bias.Length} elements but the weight has {weight.Columns} columns.", nameof(bias));
        }

        int index = AppendResult(Operation.Linear, x.Index, weight.Index, x.Rows, weight.Columns, bias.Index);
        Span<float> y = _records[index].Value.Span;
        Linalg.MatMul(ValueOf(x), ValueOf(weight), y, x.Rows, x.Columns, weight.Columns);
        Linalg.AddBias(y, ValueOf(bias), x.Rows, weight.Columns);
        return Handle(index);
    }

    /// <summary>x + bias broadcast over the rows (bias has one row of x's width).</summary>
    public Tensor AddBias(Tensor x, Tensor bias)
    {
        Check(x, nameof(x));
        Check(bias, nameof(bias));
        if (bias.Length != x.Columns)
        {
            throw new ArgumentException(
                $"The bias has {bias.Length} elements but x has {x.Columns} columns.", nameof(bias));
        }

        int index = AppendResult(Operation.AddBias, x.Index, bias.Index, x.Rows, x.Columns);
        Span<float> y = _records[index].Value.Span;
        ValueOf(x).CopyTo(y);
        Linalg.AddBias(y, ValueOf(bias), x.Rows, x.Columns);
        return Handle(index);
    }

    public Tensor Relu(Tensor x) => Elementwise(Operation.Relu, x, nameof(x));

    public Tensor Sigmoid(Tensor x) => Elementwise(Operation.Sigmoid, x, nameof(x));

    public Tensor Tanh(Tensor x) => Elementwise(Operation.Tanh, x, nameof(x));

    /// <summary>a + b, elementwise, same shape.</summary>
    public Tensor Add(Tensor a, Tensor b) => Binary(Operation.Add, a, b);

    /// <summary>a ⊙ b, elementwise, same shape.</summary>
    public Tensor Multiply(Tensor a, Tensor b) => Binary(Operation.Multiply, a, b);

    /// <summary>The mean over rows of −log softmax(row)[label]: a 1×1 tensor.</summary>
    public Tensor SoftmaxCrossEntropy(Tensor logits, ReadOnlySpan<int> labels)
    {
        Check(logits, nameof(logits));
        if (labels.Length != logits.Rows)
        {
            throw new ArgumentException(
                $"There are {labels.Length} labels for {logits.Rows} rows of logits.", nameof(labels));
        }

        foreach (int label in labels)
        {
            if ((uint)label >= (uint)logits.Columns)
            {
                throw new ArgumentException(
                    $"The label {label} is not a class index in [0, {logits.Columns}).", nameof(labels));
            }
        }

        int index = AppendResult(Operation.SoftmaxCrossEntropy, logits.Index, None, 1, 1);
        ref Record record = ref _records[index];
        record.Labels = _ints.Allocate(labels.Length);
        labels.CopyTo(record.Labels.Span);
        record.Value.Span[0] = Losses.SoftmaxCrossEntropy(ValueOf(logits), labels, logits.Rows, logits.Columns);
        return Handle(index);
    }

    /// <summary>The mean over elements of (prediction − target)²: a 1×1 tensor. The target is copied.</summary>
    public Tensor MeanSquaredError(Tensor prediction, ReadOnlySpan<float> target)
    {
        Check(prediction, nameof(prediction));
        if (target.Length != prediction.Length)
        {
            throw new ArgumentException(
                $"The target has {target.Length} elements but the prediction has {prediction.Length}.", nameof(target));
        }

        int index = AppendResult(Operation.MeanSquaredError, prediction.Index, None, 1, 1);
        ref Record record = ref _records[index];
        record.Saved = _floats.Allocate(target.Length);
        target.CopyTo(record.Saved.Span);
        record.Value.Span[0] = Losses.MeanSquaredError(ValueOf(prediction), target);
        return Handle(index);
    }

    /// <summary>The sum of all elements: a 1×1 tensor.</summary>
    public Tensor Sum(Tensor x)
    {
        Check(x, nameof(x));
        int index = AppendResult(Operation.Sum, x.Index, None, 1, 1);
        _records[index].Value.Span[0] = Reductions.Sum(ValueOf(x));
        return Handle(index);
    }

    /// <summary>
    /// The reverse sweep from a 1×1 <paramref name="loss"/> with adjoint <paramref name="seed"/>: zeroes every
    /// intermediate gradient, then runs each record's backward kernel in reverse order. Parameter gradients are
    /// added into the arrays given to <see cref="Parameter"/>.
    /// </summary>
    public void Backward(Tensor loss, float seed = 1)
    {
        Check(loss, nameof(loss));
        if (loss.Length != 1)
        {
            throw new ArgumentException(
                $"Backward starts from a 1×1 loss, but the tensor is {loss.Rows}×{loss.Columns}.", nameof(loss));
        }

        ref Record output = ref _records[loss.Index];
        if (output.Gradient.IsEmpty)
        {
            return; // Nothing the loss depends on is a parameter.
        }

        for (int i = 0; i <= loss.Index; i++)
        {
            if (_records[i].OwnsGradient)
            {
                _records[i].Gradient.Span.Clear();
            }
        }

        output.Gradient.Span[0] = seed;
        for (int i = loss.Index; i >= 0; i--)
        {
            ref Record record = ref _records[i];
            if (record.Operation != Operation.Leaf && !record.Gradient.IsEmpty)
            {
                BackwardOf(ref record);
            }
        }
    }

    internal ReadOnlySpan<float> ValueOf(Tensor tensor) => Checked(tensor).Value.Span;

    internal ReadOnlySpan<float> GradientOf(Tensor tensor)
    {
        ref Record record = ref Checked(tensor);
        if (record.Gradient.IsEmpty)
        {
            throw new InvalidOperationException(
                "The tensor has no gradient: it does not depend on any parameter (an Input or a function of inputs only).");
        }

        return record.Gradient.Span;
    }

    private void BackwardOf(ref Record record)
    {
        ReadOnlySpan<float> dY = record.Gradient.Span;
        ref Record first = ref _records[record.First];
        switch (record.Operation)
        {
            case Operation.MatMul:
                MatMulBackward(ref record, ref first, ref _records[record.Second]);
                break;
            case Operation.Linear:
                ref Record linearBias = ref _records[record.Third];
                if (!linearBias.Gradient.IsEmpty)
                {
                    Linalg.AddBiasPullback(record.Value.Span, linearBias.Value.Span, record.Rows, record.Columns, record.Gradient.Span, linearBias.Gradient.Span);
                }

                MatMulBackward(ref record, ref first, ref _records[record.Second]);
                break;
            case Operation.AddBias:
                ref Record bias = ref _records[record.Second];
                if (!first.Gradient.IsEmpty)
                {
                    ElementwiseKernels.Add(dY, first.Gradient.Span);
                }

                if (!bias.Gradient.IsEmpty)
                {
                    Linalg.AddBiasPullback(record.Value.Span, bias.Value.Span, record.Rows, record.Columns, record.Gradient.Span, bias.Gradient.Span);
                }

                break;
            case Operation.Relu:
                Activations.ReluPullback(first.Value.Span, record.Value.Span, first.Gradient.Span, record.Gradient.Span);
                break;
            case Operation.Sigmoid:
                Activations.SigmoidPullback(first.Value.Span, record.Value.Span, first.Gradient.Span, record.Gradient.Span);
                break;
            case Operation.Tanh:
                Activations.TanhPullback(first.Value.Span, record.Value.Span, first.Gradient.Span, record.Gradient.Span);
                break;
            case Operation.Add:
                ref Record addend = ref _records[record.Second];
                if (!first.Gradient.IsEmpty)
                {
                    ElementwiseKernels.Add(dY, first.Gradient.Span);
                }

                if (!addend.Gradient.IsEmpty)
                {
                    ElementwiseKernels.Add(dY, addend.Gradient.Span);
                }

                break;
            case Operation.Multiply:
                ref Record factor = ref _records[record.Second];
                if (!first.Gradient.IsEmpty)
                {
                    ElementwiseKernels.MultiplyElementwiseAdd(dY, factor.Value.Span, first.Gradient.Span);
                }

                if (!factor.Gradient.IsEmpty)
                {
                    ElementwiseKernels.MultiplyElementwiseAdd(dY, first.Value.Span, factor.Gradient.Span);
                }

                break;
            case Operation.SoftmaxCrossEntropy:
                Losses.SoftmaxCrossEntropyPullback(
                    first.Value.Span, record.Labels.Span, first.Rows, first.Columns, first.Gradient.Span, dY[0]);
                break;
            case Operation.MeanSquaredError:
                Losses.MeanSquaredErrorPullback(first.Value.Span, record.Saved.Span, first.Gradient.Span, dY[0]);
                break;
            case Operation.Sum:
                Reductions.SumPullback(first.Value.Span, first.Gradient.Span, dY[0]);
                break;
            default:
                throw new InvalidOperationException($"No backward rule for {record.Operation}.");
        }
    }

    /// <summary>
    /// C = op(A)·op(B): dA += dC·op(B)ᵀ and dB += op(A)ᵀ·dC through the runtime's rule; an input without a
    /// gradient (an Input) passes an empty adjoint, and the rule skips that product.
    /// </summary>
    private static void MatMulBackward(ref Record c, ref Record a, ref Record b)
    {
        int k = c.TransposeFirst ? a.Rows : a.Columns;
        Linalg.MatMulAddPullback(
            a.Value.Span, b.Value.Span, c.Value.Span, c.Rows, k, c.Columns, c.TransposeFirst, c.TransposeSecond,
            a.Gradient.Span, b.Gradient.Span, c.Gradient.Span);
    }

    private Tensor Elementwise(Operation operation, Tensor x, string paramName)
    {
        Check(x, paramName);
        int index = AppendResult(operation, x.Index, None, x.Rows, x.Columns);
        Span<float> y = _records[index].Value.Span;
        ReadOnlySpan<float> input = ValueOf(x);
        switch (operation)
        {
            case Operation.Relu:
                Activations.Relu(input, y);
                break;
            case Operation.Sigmoid:
                Activations.Sigmoid(input, y);
                break;
            default:
                Activations.Tanh(input, y);
                break;
        }

        return Handle(index);
    }

    private Tensor Binary(Operation operation, Tensor a, Tensor b)
    {
        Check(a, nameof(a));
        Check(b, nameof(b));
        if (a.Rows != b.Rows || a.Columns != b.Columns)
        {
            throw new ArgumentException($"b is {b.Rows}×{b.Columns} but a is {a.Rows}×{a.Columns}.", nameof(b));
        }

        int index = AppendResult(operation, a.Index, b.Index, a.Rows, a.Columns);
        Span<float> y = _records[index].Value.Span;
        ReadOnlySpan<float> left = ValueOf(a), right = ValueOf(b);
        if (operation == Operation.Add)
        {
            left.CopyTo(y);
            ElementwiseKernels.Add(right, y);
        }
        else
        {
            y.Clear();
            ElementwiseKernels.MultiplyElementwiseAdd(left, right, y);
        }

        return Handle(index);
    }

    /// <summary>Appends the record of an operation's result; it gets a gradient iff an input has one.</summary>
    private int AppendResult(Operation operation, int first, int second, int rows, int columns, int third = None)
    {
        bool needsGradient = !_records[first].Gradient.IsEmpty
            || (second != None && !_records[second].Gradient.IsEmpty)
            || (third != None && !_records[third].Gradient.IsEmpty);
        int length = rows * columns;
        var record = new Record
        {
            Operation = operation,
            First = first,
            Second = second,
            Third = third,
            Rows = rows,
            Columns = columns,
            Value = _floats.Allocate(length),
            Gradient = needsGradient ? _floats.Allocate(length) : default,
            OwnsGradient = needsGradient,
        };
        return Append(record).Index;
    }

    private Tensor Append(in Record record)
    {
        if (_count == _records.Length)
        {
            Array.Resize(ref _records, _records.Length * 2);
        }

        _records[_count] = record;
        return Handle(_count++);
    }

    private Tensor Handle(int index) => new(this, index, _generation, _records[index].Rows, _records[index].Columns);

    private ref Record Checked(Tensor tensor)
    {
        Check(tensor, nameof(tensor));
        return ref _records[tensor.Index];
    }

    private void Check(Tensor tensor, string paramName)
    {
        if (!ReferenceEquals(tensor.Tape, this))
        {
            throw new ArgumentException(
                tensor.Tape is null ? "The tensor is default(Tensor): it was never recorded." : "The tensor was recorded on another tape.",
                paramName);
        }

        if (tensor.Generation != _generation)
        {
            throw new ArgumentException("The tensor was recorded before the tape's last Reset.", paramName);
        }
    }

    private static void CheckShape(int rows, int columns)
    {
        if (rows < 1)
        {
            throw new ArgumentException($"A tensor needs at least one row, but rows was {rows}.", nameof(rows));
        }

        if (columns < 1)
        {
            throw new ArgumentException($"A tensor needs at least one column, but columns was {columns}.", nameof(columns));
        }
    }

    private static void CheckLength(float[] array, int expected, string paramName)
    {
        if (array.Length != expected)
        {
            throw new ArgumentException($"The array holds {array.Length} elements but the shape needs {expected}.", paramName);
        }
    }
}
