using System.Numerics;
using System.Runtime.Intrinsics;
using SourceGrad.Kernels;

namespace SourceGrad;

/// <summary>
/// Vectorised activation functions, element-wise or row-wise over a row-major matrix, each with a derivative rule and a
/// forward-mode rule.
/// x and y must have one length; y may be x itself (in place). The rules zero dY: y is overwritten, so its initial
/// contents get no gradient. The forward-mode rules ([TangentOf]) compute y and overwrite tY with its tangent; tY may
/// be tX itself when y is x.
/// </summary>
public static partial class Activations
{
    /// <summary>y = max(x, 0).</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y) => Map(x, y, default(ReluOp<float>));

    /// <inheritdoc cref="Relu(ReadOnlySpan{float}, Span{float})"/>
    public static void Relu(ReadOnlySpan<double> x, Span<double> y) => Map(x, y, default(ReluOp<double>));

    /// <summary>dX += dY where x &gt; 0; dY is zeroed.</summary>
    [DerivativeOf(nameof(Relu))]
    public static void ReluPullback(ReadOnlySpan<float> x, Span<float> y, Span<float> dX, Span<float> dY)
        => Pullback(x, y, dX, dY, x, default(ReluGrad<float>));

    /// <inheritdoc cref="ReluPullback(ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
    [DerivativeOf(nameof(Relu))]
    public static void ReluPullback(ReadOnlySpan<double> x, Span<double> y, Span<double> dX, Span<double> dY)
        => Pullback(x, y, dX, dY, x, default(ReluGrad<double>));

    /// <summary>Forward mode: y = max(x, 0) and tY = tX where x &gt; 0, else 0 (0 at x = 0, as in the pullback).</summary>
    [TangentOf(nameof(Relu))]
    public static void ReluTangent(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> tX, Span<float> tY)
        => Tangent(x, y, tX, tY, default(ReluOp<float>), default(ReluGrad<float>), fromOutput: false);

    /// <inheritdoc cref="ReluTangent(ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, Span{float})"/>
    [TangentOf(nameof(Relu))]
    public static void ReluTangent(ReadOnlySpan<double> x, Span<double> y, ReadOnlySpan<double> tX, Span<double> tY)
        => Tangent(x, y, tX, tY, default(ReluOp<double>), default(ReluGrad<double>), fromOutput: false);

    /// <summary>y = x where x &gt; 0, else slope·x.</summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, Span<float> y, [NoGrad] float slope)
        => Map(x, y, new LeakyReluOp<float>(slope));

    /// <inheritdoc cref="LeakyRelu(ReadOnlySpan{float}, Span{float}, float)"/>
    public static void LeakyRelu(ReadOnlySpan<double> x, Span<double> y, [NoGrad] double slope)
        => Map(x, y, new LeakyReluOp<double>(slope));

    /// <summary>dX += dY where x &gt; 0, else slope·dY; dY is zeroed.</summary>
    [DerivativeOf(nameof(LeakyRelu))]
    public static void LeakyReluPullback(ReadOnlySpan<float> x, Span<float> y, [NoGrad] float slope, Span<float> dX, Span<float> dY)
        => Pullback(x, y, dX, dY, x, new LeakyReluGrad<float>(slope));

    /// <inheritdoc cref="LeakyReluPullback(ReadOnlySpan{float}, Span{float}, float, Span{float}, Span{float})"/>
    [DerivativeOf(nameof(LeakyRelu))]
    public static void LeakyReluPullback(ReadOnlySpan<double> x, Span<double> y, [NoGrad] double slope, Span<double> dX, Span<double> dY)
        => Pullback(x, y, dX, dY, x, new LeakyReluGrad<double>(slope));

    /// <summary>Forward mode: y = LeakyRelu(x) and tY = tX where x &gt; 0, else slope·tX.</summary>
    [TangentOf(nameof(LeakyRelu))]
    public static void LeakyReluTangent(ReadOnlySpan<float> x, Span<float> y, [NoGrad] float slope, ReadOnlySpan<float> tX, Span<float> tY)
        => Tangent(x, y, tX, tY, new LeakyReluOp<float>(slope), new LeakyReluGrad<float>(slope), fromOutput: false);

    /// <inheritdoc cref="LeakyReluTangent(ReadOnlySpan{float}, Span{float}, float, ReadOnlySpan{float}, Span{float})"/>
    [TangentOf(nameof(LeakyRelu))]
    public static void LeakyReluTangent(ReadOnlySpan<double> x, Span<double> y, [NoGrad] double slope, ReadOnlySpan<double> tX, Span<double> tY)
        => Tangent(x, y, tX, tY, new LeakyReluOp<double>(slope), new LeakyReluGrad<double>(slope), fromOutput: false);

    /// <summary>y = 1 / (1 + exp(-x)).</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => Map(x, y, default(SigmoidOp<float>));

    /// <inheritdoc cref="Sigmoid(ReadOnlySpan{float}, Span{float})"/>
    public static void Sigmoid(ReadOnlySpan<double> x, Span<double> y) => Map(x, y, default(SigmoidOp<double>));

    /// <summary>dX += dY·y·(1 - y); dY is zeroed.</summary>
    [DerivativeOf(nameof(Sigmoid))]
    public static void SigmoidPullback(ReadOnlySpan<float> x, Span<float> y, Span<float> dX, Span<float> dY)
        => Pullback(x, y, dX, dY, y, default(SigmoidGrad<float>));

    /// <inheritdoc cref="SigmoidPullback(ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
    [DerivativeOf(nameof(Sigmoid))]
    public static void SigmoidPullback(ReadOnlySpan<double> x, Span<double> y, Span<double> dX, Span<double> dY)
        => Pullback(x, y, dX, dY, y, default(SigmoidGrad<double>));

    /// <summary>Forward mode: y = sigmoid(x) and tY = tX·y·(1 - y).</summary>
    [TangentOf(nameof(Sigmoid))]
    public static void SigmoidTangent(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> tX, Span<float> tY)
        => Tangent(x, y, tX, tY, default(SigmoidOp<float>), default(SigmoidGrad<float>), fromOutput: true);

    /// <inheritdoc cref="SigmoidTangent(ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, Span{float})"/>
    [TangentOf(nameof(Sigmoid))]
    public static void SigmoidTangent(ReadOnlySpan<double> x, Span<double> y, ReadOnlySpan<double> tX, Span<double> tY)
        => Tangent(x, y, tX, tY, default(SigmoidOp<double>), default(SigmoidGrad<double>), fromOutput: true);

    /// <summary>y = tanh(x).</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => Map(x, y, default(TanhOp<float>));

    /// <inheritdoc cref="Tanh(ReadOnlySpan{float}, Span{float})"/>
    public static void Tanh(ReadOnlySpan<double> x, Span<double> y) => Map(x, y, default(TanhOp<double>));

    /// <summary>dX += dY·(1 - y²); dY is zeroed.</summary>
    [DerivativeOf(nameof(Tanh))]
    public static void TanhPullback(ReadOnlySpan<float> x, Span<float> y, Span<float> dX, Span<float> dY)
        => Pullback(x, y, dX, dY, y, default(TanhGrad<float>));

    /// <inheritdoc cref="TanhPullback(ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
    [DerivativeOf(nameof(Tanh))]
    public static void TanhPullback(ReadOnlySpan<double> x, Span<double> y, Span<double> dX, Span<double> dY)
        => Pullback(x, y, dX, dY, y, default(TanhGrad<double>));

    /// <summary>Forward mode: y = tanh(x) and tY = tX·(1 - y²).</summary>
    [TangentOf(nameof(Tanh))]
    public static void TanhTangent(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> tX, Span<float> tY)
        => Tangent(x, y, tX, tY, default(TanhOp<float>), default(TanhGrad<float>), fromOutput: true);

    /// <inheritdoc cref="TanhTangent(ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, Span{float})"/>
    [TangentOf(nameof(Tanh))]
    public static void TanhTangent(ReadOnlySpan<double> x, Span<double> y, ReadOnlySpan<double> tX, Span<double> tY)
        => Tangent(x, y, tX, tY, default(TanhOp<double>), default(TanhGrad<double>), fromOutput: true);

    /// <summary>Row-wise softmax of the rows×cols matrix x: y[r, c] = exp(x[r, c]) / Σ_j exp(x[r, j]) (computed stably).</summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, int rows, int cols) => SoftmaxRows(x, y, rows, cols);

    /// <inheritdoc cref="Softmax(ReadOnlySpan{float}, Span{float}, int, int)"/>
    public static void Softmax(ReadOnlySpan<double> x, Span<double> y, int rows, int cols) => SoftmaxRows(x, y, rows, cols);

    /// <summary>Per row, dX += y ⊙ (dY - ⟨dY, y⟩); dY is zeroed.</summary>
    [DerivativeOf(nameof(Softmax))]
    public static void SoftmaxPullback(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, Span<float> dX, Span<float> dY)
        => SoftmaxRowsPullback(x, y, rows, cols, dX, dY);

    /// <inheritdoc cref="SoftmaxPullback(ReadOnlySpan{float}, Span{float}, int, int, Span{float}, Span{float})"/>
    [DerivativeOf(nameof(Softmax))]
    public static void SoftmaxPullback(ReadOnlySpan<double> x, Span<double> y, int rows, int cols, Span<double> dX, Span<double> dY)
        => SoftmaxRowsPullback(x, y, rows, cols, dX, dY);

    /// <summary>Forward mode: y = softmax(x) and, per row, tY = y ⊙ (tX - ⟨y, tX⟩).</summary>
    [TangentOf(nameof(Softmax))]
    public static void SoftmaxTangent(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, ReadOnlySpan<float> tX, Span<float> tY)
        => SoftmaxRowsTangent(x, y, rows, cols, tX, tY, log: false);

    /// <inheritdoc cref="SoftmaxTangent(ReadOnlySpan{float}, Span{float}, int, int, ReadOnlySpan{float}, Span{float})"/>
    [TangentOf(nameof(Softmax))]
    public static void SoftmaxTangent(ReadOnlySpan<double> x, Span<double> y, int rows, int cols, ReadOnlySpan<double> tX, Span<double> tY)
        => SoftmaxRowsTangent(x, y, rows, cols, tX, tY, log: false);

    /// <summary>Row-wise log-softmax: y[r, c] = x[r, c] - log Σ_j exp(x[r, j]) (computed stably).</summary>
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y, int rows, int cols) => LogSoftmaxRows(x, y, rows, cols);

    /// <inheritdoc cref="LogSoftmax(ReadOnlySpan{float}, Span{float}, int, int)"/>
    public static void LogSoftmax(ReadOnlySpan<double> x, Span<double> y, int rows, int cols) => LogSoftmaxRows(x, y, rows, cols);

    /// <summary>Per row, dX += dY - exp(y)·Σ dY; dY is zeroed.</summary>
    [DerivativeOf(nameof(LogSoftmax))]
    public static void LogSoftmaxPullback(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, Span<float> dX, Span<float> dY)
        => LogSoftmaxRowsPullback(x, y, rows, cols, dX, dY);

    /// <inheritdoc cref="LogSoftmaxPullback(ReadOnlySpan{float}, Span{float}, int, int, Span{float}, Span{float})"/>
    [DerivativeOf(nameof(LogSoftmax))]
    public static void LogSoftmaxPullback(ReadOnlySpan<double> x, Span<double> y, int rows, int cols, Span<double> dX, Span<double> dY)
        => LogSoftmaxRowsPullback(x, y, rows, cols, dX, dY);

    /// <summary>Forward mode: y = log softmax(x) and, per row, tY = tX - ⟨softmax(x), tX⟩ (softmax(x) = exp(y)).</summary>
    [TangentOf(nameof(LogSoftmax))]
    public static void LogSoftmaxTangent(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, ReadOnlySpan<float> tX, Span<float> tY)
        => SoftmaxRowsTangent(x, y, rows, cols, tX, tY, log: true);

    /// <inheritdoc cref="LogSoftmaxTangent(ReadOnlySpan{float}, Span{float}, int, int, ReadOnlySpan{float}, Span{float})"/>
    [TangentOf(nameof(LogSoftmax))]
    public static void LogSoftmaxTangent(ReadOnlySpan<double> x, Span<double> y, int rows, int cols, ReadOnlySpan<double> tX, Span<double> tY)
        => SoftmaxRowsTangent(x, y, rows, cols, tX, tY, log: true);

    private static void Map<T, TOp>(ReadOnlySpan<T> x, Span<T> y, TOp op)
        where T : unmanaged
        where TOp : struct, IUnaryOp<T>
    {
        Shape.CheckSameLength(y.Length, "y", x.Length, "x");
        Vectorized.Map(x, y, op);
    }

    /// <summary>dX += op(dY, source) element-wise, then dY = 0; source is x or y, whichever the derivative reads.</summary>
    private static void Pullback<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dX, Span<T> dY, ReadOnlySpan<T> source, TOp op)
        where T : unmanaged, INumber<T>
        where TOp : struct, IBinaryOp<T>
    {
        CheckPullback(x.Length, y.Length, dX.Length, dY.Length);
        Vectorized.Accumulate(dY, source, dX, op);
        dY.Clear();
    }

    /// <summary>
    /// y = map(x) and tY = derivative(tX, source) element-wise, where source is x or y (<paramref name="fromOutput"/>),
    /// whichever the derivative reads: x is read before y is written and y after, so y may be x and tY may be tX.
    /// </summary>
    private static void Tangent<T, TMap, TDerivative>(
        ReadOnlySpan<T> x, Span<T> y, ReadOnlySpan<T> tX, Span<T> tY, TMap map, TDerivative derivative, bool fromOutput)
        where T : unmanaged
        where TMap : struct, IUnaryOp<T>
        where TDerivative : struct, IBinaryOp<T>
    {
        CheckTangent(x.Length, y.Length, tX.Length, tY.Length);
        if (fromOutput)
        {
            Vectorized.Map(x, y, map);
            Vectorized.Map(tX, y, tY, derivative);
        }
        else
        {
            Vectorized.Map(tX, x, tY, derivative);
            Vectorized.Map(x, y, map);
        }
    }

    private static void CheckPullback(int xLength, int yLength, int dXLength, int dYLength)
        => CheckPairs(xLength, yLength, dXLength, "dX", dYLength, "dY");

    private static void CheckTangent(int xLength, int yLength, int tXLength, int tYLength)
        => CheckPairs(xLength, yLength, tXLength, "tX", tYLength, "tY");

    /// <summary>y against x, then x's and y's adjoints or tangents against them.</summary>
    private static void CheckPairs(int xLength, int yLength, int xPairLength, string xPairName, int yPairLength, string yPairName)
    {
        Shape.CheckSameLength(yLength, "y", xLength, "x");
        Shape.CheckSameLength(xPairLength, xPairName, xLength, "x");
        Shape.CheckSameLength(yPairLength, yPairName, yLength, "y");
    }

    private static void CheckRows(int xLength, int yLength, int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        Shape.CheckLength(xLength, "x", "rows*cols", rows, cols);
        Shape.CheckLength(yLength, "y", "rows*cols", rows, cols);
    }

    private static void SoftmaxRows<T>(ReadOnlySpan<T> x, Span<T> y, int rows, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckRows(x.Length, y.Length, rows, cols);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> row = x.Slice(r * cols, cols);
            Span<T> output = y.Slice(r * cols, cols);
            T sum = Vectorized.ExpShifted(row, output, Vectorized.Max(row));
            Vectorized.Scale(output, T.One / sum);
        }
    }

    private static void SoftmaxRowsPullback<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, int rows, int cols, Span<T> dX, Span<T> dY)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckRows(x.Length, y.Length, rows, cols);
        CheckPullback(x.Length, y.Length, dX.Length, dY.Length);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> output = y.Slice(r * cols, cols), upstream = dY.Slice(r * cols, cols);
            Vectorized.Accumulate(upstream, output, dX.Slice(r * cols, cols), new SoftmaxGrad<T>(Vectorized.Dot(upstream, output)));
        }

        dY.Clear();
    }

    /// <summary>
    /// Softmax, or log-softmax when <paramref name="log"/>, with its tangent row by row: tY = y ⊙ (tX - ⟨y, tX⟩), or
    /// tY = tX - ⟨exp(y), tX⟩. Each row's dot product is taken before its row of tY is written, so tY may be tX.
    /// </summary>
    private static void SoftmaxRowsTangent<T>(ReadOnlySpan<T> x, Span<T> y, int rows, int cols, ReadOnlySpan<T> tX, Span<T> tY, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckRows(x.Length, y.Length, rows, cols);
        CheckTangent(x.Length, y.Length, tX.Length, tY.Length);
        if (log)
        {
            LogSoftmaxRows(x, y, rows, cols);
        }
        else
        {
            SoftmaxRows(x, y, rows, cols);
        }

        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> output = y.Slice(r * cols, cols), direction = tX.Slice(r * cols, cols);
            Span<T> tangent = tY.Slice(r * cols, cols);
            if (log)
            {
                Vectorized.Map(direction, tangent, new Vectorized.Shift<T>(-Vectorized.ExpShiftedDot(output, T.Zero, direction)));
            }
            else
            {
                Vectorized.Map(direction, output, tangent, new SoftmaxGrad<T>(Vectorized.Dot(direction, output)));
            }
        }
    }

    private static void LogSoftmaxRows<T>(ReadOnlySpan<T> x, Span<T> y, int rows, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckRows(x.Length, y.Length, rows, cols);
        for (int r = 0; r < rows; r++)
        {
            // Reads x fully before writing y, so y may be x itself.
            ReadOnlySpan<T> row = x.Slice(r * cols, cols);
            Vectorized.Map(row, y.Slice(r * cols, cols), new Vectorized.Shift<T>(-Vectorized.LogSumExp(row)));
        }
    }

    private static void LogSoftmaxRowsPullback<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, int rows, int cols, Span<T> dX, Span<T> dY)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckRows(x.Length, y.Length, rows, cols);
        CheckPullback(x.Length, y.Length, dX.Length, dY.Length);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> output = y.Slice(r * cols, cols), upstream = dY.Slice(r * cols, cols);
            Vectorized.Accumulate(upstream, output, dX.Slice(r * cols, cols), new LogSoftmaxGrad<T>(Vectorized.Sum(upstream)));
        }

        dY.Clear();
    }

    private readonly struct ReluOp<T> : IUnaryOp<T>
        where T : unmanaged, INumber<T>
    {
        public T Invoke(T x) => T.Max(x, T.Zero);

        public Vector<T> Invoke(Vector<T> x) => Vector.Max(x, Vector<T>.Zero);

        public Vector512<T> Invoke(Vector512<T> x) => Vector512.Max(x, Vector512<T>.Zero);
    }

    /// <summary>dY where x &gt; 0, else 0 (u = dY, v = x); in forward mode u = tX.</summary>
    private readonly struct ReluGrad<T> : IBinaryOp<T>
        where T : unmanaged, INumber<T>
    {
        public T Invoke(T u, T v) => v > T.Zero ? u : T.Zero;

        public Vector<T> Invoke(Vector<T> u, Vector<T> v) => Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<T>.Zero), u, Vector<T>.Zero);

        public Vector512<T> Invoke(Vector512<T> u, Vector512<T> v) => Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<T>.Zero), u, Vector512<T>.Zero);
    }

    private readonly struct LeakyReluOp<T>(T slope) : IUnaryOp<T>
        where T : unmanaged, INumber<T>
    {
        public T Invoke(T x) => x > T.Zero ? x : slope * x;

        public Vector<T> Invoke(Vector<T> x) => Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), x, x * slope);

        public Vector512<T> Invoke(Vector512<T> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), x, x * slope);
    }

    /// <summary>dY where x &gt; 0, else slope·dY (u = dY, v = x); in forward mode u = tX.</summary>
    private readonly struct LeakyReluGrad<T>(T slope) : IBinaryOp<T>
        where T : unmanaged, INumber<T>
    {
        public T Invoke(T u, T v) => v > T.Zero ? u : slope * u;

        public Vector<T> Invoke(Vector<T> u, Vector<T> v) => Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<T>.Zero), u, u * slope);

        public Vector512<T> Invoke(Vector512<T> u, Vector512<T> v) => Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<T>.Zero), u, u * slope);
    }

    private readonly struct SigmoidOp<T> : IUnaryOp<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Invoke(T x) => T.One / (T.One + T.Exp(-x));

        public Vector<T> Invoke(Vector<T> x) => Vector<T>.One / (Vector<T>.One + VectorMath.Exp(-x));

        public Vector512<T> Invoke(Vector512<T> x) => Vector512<T>.One / (Vector512<T>.One + VectorMath.Exp(-x));
    }

    /// <summary>dY·y·(1 - y) (u = dY, v = y); in forward mode u = tX.</summary>
    private readonly struct SigmoidGrad<T> : IBinaryOp<T>
        where T : unmanaged, INumber<T>
    {
        public T Invoke(T u, T v) => u * v * (T.One - v);

        public Vector<T> Invoke(Vector<T> u, Vector<T> v) => u * v * (Vector<T>.One - v);

        public Vector512<T> Invoke(Vector512<T> u, Vector512<T> v) => u * v * (Vector512<T>.One - v);
    }

    /// <summary>tanh|x| = -z / (z + 2) with z = exp(-2|x|) - 1, which never overflows; the sign is copied back.</summary>
    private readonly struct TanhOp<T> : IUnaryOp<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Invoke(T x) => T.Tanh(x);

        public Vector<T> Invoke(Vector<T> x)
        {
            Vector<T> two = new(T.CreateTruncating(2));
            Vector<T> z = VectorMath.Exp(-two * Vector.Abs(x)) - Vector<T>.One;
            return Vector.CopySign(-z / (z + two), x);
        }

        public Vector512<T> Invoke(Vector512<T> x)
        {
            Vector512<T> two = Vector512.Create(T.CreateTruncating(2));
            Vector512<T> z = VectorMath.Exp(-two * Vector512.Abs(x)) - Vector512<T>.One;
            return Vector512.CopySign(-z / (z + two), x);
        }
    }

    /// <summary>dY·(1 - y²) (u = dY, v = y); in forward mode u = tX.</summary>
    private readonly struct TanhGrad<T> : IBinaryOp<T>
        where T : unmanaged, INumber<T>
    {
        public T Invoke(T u, T v) => u * (T.One - v * v);

        public Vector<T> Invoke(Vector<T> u, Vector<T> v) => u * (Vector<T>.One - v * v);

        public Vector512<T> Invoke(Vector512<T> u, Vector512<T> v) => u * (Vector512<T>.One - v * v);
    }

    /// <summary>y·(dY - ⟨dY, y⟩) (u = dY, v = y); in forward mode y·(tX - ⟨tX, y⟩) (u = tX): the Jacobian is symmetric.</summary>
    private readonly struct SoftmaxGrad<T>(T dot) : IBinaryOp<T>
        where T : unmanaged, INumber<T>
    {
        public T Invoke(T u, T v) => v * (u - dot);

        public Vector<T> Invoke(Vector<T> u, Vector<T> v) => v * (u - new Vector<T>(dot));

        public Vector512<T> Invoke(Vector512<T> u, Vector512<T> v) => v * (u - Vector512.Create(dot));
    }

    /// <summary>dY - exp(y)·ΣdY (u = dY, v = y).</summary>
    private readonly struct LogSoftmaxGrad<T>(T upstreamSum) : IBinaryOp<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Invoke(T u, T v) => u - T.Exp(v) * upstreamSum;

        public Vector<T> Invoke(Vector<T> u, Vector<T> v) => u - VectorMath.Exp(v) * upstreamSum;

        public Vector512<T> Invoke(Vector512<T> u, Vector512<T> v) => u - VectorMath.Exp(v) * upstreamSum;
    }
}
