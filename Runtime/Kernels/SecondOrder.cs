using System.Numerics;
using SourceGrad.Kernels;

namespace SourceGrad;

// Second-order rules: the tangent of each kernel's [DerivativeOf] rule, a [TangentOf] rule of the rule itself (its
// parameters, then the tangents of its active ones: the inputs' tangents, the adjoints' tangents, the seed's). Each
// does what the rule does to the adjoints and, to the adjoints' tangents, what the rule's derivative along the
// tangents does, so a generated Hessian-vector product calls it where the gradient calls the rule
// (docs/custom-rules.md). The tangent terms are computed first, from the adjoints as the rule finds them.

public static partial class Activations
{
    /// <summary>Second order of <see cref="ReluPullback(ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>: tDX += tDY where x &gt; 0 (relu'' = 0); tDY is zeroed.</summary>
    [TangentOf(nameof(ReluPullback))]
    public static void ReluPullbackTangent(ReadOnlySpan<float> x, Span<float> y, Span<float> dX, Span<float> dY,
        ReadOnlySpan<float> tX, ReadOnlySpan<float> tY, Span<float> tDX, Span<float> tDY)
    {
        Pullback(x, y, tDX, tDY, x, default(ReluGrad<float>));
        ReluPullback(x, y, dX, dY);
    }

    /// <inheritdoc cref="ReluPullbackTangent(ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    [TangentOf(nameof(ReluPullback))]
    public static void ReluPullbackTangent(ReadOnlySpan<double> x, Span<double> y, Span<double> dX, Span<double> dY,
        ReadOnlySpan<double> tX, ReadOnlySpan<double> tY, Span<double> tDX, Span<double> tDY)
    {
        Pullback(x, y, tDX, tDY, x, default(ReluGrad<double>));
        ReluPullback(x, y, dX, dY);
    }

    /// <summary>Second order of <see cref="LeakyReluPullback(ReadOnlySpan{float}, Span{float}, float, Span{float}, Span{float})"/>: tDX += tDY where x &gt; 0, else slope·tDY; tDY is zeroed.</summary>
    [TangentOf(nameof(LeakyReluPullback))]
    public static void LeakyReluPullbackTangent(ReadOnlySpan<float> x, Span<float> y, [NoGrad] float slope, Span<float> dX, Span<float> dY,
        ReadOnlySpan<float> tX, ReadOnlySpan<float> tY, Span<float> tDX, Span<float> tDY)
    {
        Pullback(x, y, tDX, tDY, x, new LeakyReluGrad<float>(slope));
        LeakyReluPullback(x, y, slope, dX, dY);
    }

    /// <inheritdoc cref="LeakyReluPullbackTangent(ReadOnlySpan{float}, Span{float}, float, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    [TangentOf(nameof(LeakyReluPullback))]
    public static void LeakyReluPullbackTangent(ReadOnlySpan<double> x, Span<double> y, [NoGrad] double slope, Span<double> dX, Span<double> dY,
        ReadOnlySpan<double> tX, ReadOnlySpan<double> tY, Span<double> tDX, Span<double> tDY)
    {
        Pullback(x, y, tDX, tDY, x, new LeakyReluGrad<double>(slope));
        LeakyReluPullback(x, y, slope, dX, dY);
    }

    /// <summary>
    /// Second order of <see cref="SigmoidPullback(ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>:
    /// tDX += tDY·y(1 − y) + dY·tY(1 − 2y); tDY is zeroed.
    /// </summary>
    [TangentOf(nameof(SigmoidPullback))]
    public static void SigmoidPullbackTangent(ReadOnlySpan<float> x, Span<float> y, Span<float> dX, Span<float> dY,
        ReadOnlySpan<float> tX, ReadOnlySpan<float> tY, Span<float> tDX, Span<float> tDY)
    {
        OutputPullbackTangent(x, y, dY, tY, tDX, tDY, sigmoid: true);
        SigmoidPullback(x, y, dX, dY);
    }

    /// <inheritdoc cref="SigmoidPullbackTangent(ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    [TangentOf(nameof(SigmoidPullback))]
    public static void SigmoidPullbackTangent(ReadOnlySpan<double> x, Span<double> y, Span<double> dX, Span<double> dY,
        ReadOnlySpan<double> tX, ReadOnlySpan<double> tY, Span<double> tDX, Span<double> tDY)
    {
        OutputPullbackTangent(x, y, dY, tY, tDX, tDY, sigmoid: true);
        SigmoidPullback(x, y, dX, dY);
    }

    /// <summary>
    /// Second order of <see cref="TanhPullback(ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>:
    /// tDX += tDY·(1 − y²) − dY·2y·tY; tDY is zeroed.
    /// </summary>
    [TangentOf(nameof(TanhPullback))]
    public static void TanhPullbackTangent(ReadOnlySpan<float> x, Span<float> y, Span<float> dX, Span<float> dY,
        ReadOnlySpan<float> tX, ReadOnlySpan<float> tY, Span<float> tDX, Span<float> tDY)
    {
        OutputPullbackTangent(x, y, dY, tY, tDX, tDY, sigmoid: false);
        TanhPullback(x, y, dX, dY);
    }

    /// <inheritdoc cref="TanhPullbackTangent(ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    [TangentOf(nameof(TanhPullback))]
    public static void TanhPullbackTangent(ReadOnlySpan<double> x, Span<double> y, Span<double> dX, Span<double> dY,
        ReadOnlySpan<double> tX, ReadOnlySpan<double> tY, Span<double> tDX, Span<double> tDY)
    {
        OutputPullbackTangent(x, y, dY, tY, tDX, tDY, sigmoid: false);
        TanhPullback(x, y, dX, dY);
    }

    /// <summary>The tangent terms of a pullback whose derivative g(y) reads the output: tDX += tDY·g(y) + dY·g'(y)·tY, then tDY = 0.</summary>
    private static void OutputPullbackTangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dY, ReadOnlySpan<T> tY,
        Span<T> tDX, Span<T> tDY, bool sigmoid)
        where T : unmanaged, INumber<T>
    {
        CheckPullback(x.Length, y.Length, tDX.Length, tDY.Length);
        CheckPairs(x.Length, y.Length, dY.Length, "dY", tY.Length, "tY");
        T two = T.One + T.One;
        for (int i = 0; i < y.Length; i++)
        {
            T v = y[i];
            T derivative = sigmoid ? v * (T.One - v) : T.One - v * v;
            T secondDerivative = sigmoid ? T.One - two * v : -two * v;
            tDX[i] += tDY[i] * derivative + dY[i] * secondDerivative * tY[i];
        }

        tDY.Clear();
    }
}

public static partial class Linalg
{
    /// <summary>
    /// Second order of <see cref="MatMulPullback(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool, Span{float}, Span{float}, Span{float})"/>:
    /// tDA += tDC·op(B)ᵀ + dC·op(tB)ᵀ and tDB += op(A)ᵀ·tDC + op(tA)ᵀ·dC; dC and tDC are zeroed. Empty tA or tB stand
    /// for zero tangents; empty dA and tDA (dB and tDB) for a gradient not wanted.
    /// </summary>
    [TangentOf(nameof(MatMulPullback), AcceptsEmptyTangents = true)]
    public static void MatMulPullbackTangent(
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool transposeA, bool transposeB,
        Span<float> dA, Span<float> dB, Span<float> dC,
        ReadOnlySpan<float> tA, ReadOnlySpan<float> tB, ReadOnlySpan<float> tC, Span<float> tDA, Span<float> tDB, Span<float> tDC)
    {
        ProductPullbackTangent(a, b, m, k, n, transposeA, transposeB, dC, tA, tB, tDA, tDB, tDC);
        MatMulPullback(a, b, c, m, k, n, transposeA, transposeB, dA, dB, dC);
        tDC.Clear();
    }

    /// <inheritdoc cref="MatMulPullbackTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool, Span{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
    [TangentOf(nameof(MatMulPullback), AcceptsEmptyTangents = true)]
    public static void MatMulPullbackTangent(
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool transposeA, bool transposeB,
        Span<double> dA, Span<double> dB, Span<double> dC,
        ReadOnlySpan<double> tA, ReadOnlySpan<double> tB, ReadOnlySpan<double> tC, Span<double> tDA, Span<double> tDB, Span<double> tDC)
    {
        ProductPullbackTangent(a, b, m, k, n, transposeA, transposeB, dC, tA, tB, tDA, tDB, tDC);
        MatMulPullback(a, b, c, m, k, n, transposeA, transposeB, dA, dB, dC);
        tDC.Clear();
    }

    /// <summary>
    /// Second order of <see cref="MatMulAddPullback(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool, Span{float}, Span{float}, Span{float})"/>:
    /// as <see cref="MatMulPullbackTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool, Span{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>,
    /// with dC and tDC passed through.
    /// </summary>
    [TangentOf(nameof(MatMulAddPullback), AcceptsEmptyTangents = true)]
    public static void MatMulAddPullbackTangent(
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool transposeA, bool transposeB,
        Span<float> dA, Span<float> dB, Span<float> dC,
        ReadOnlySpan<float> tA, ReadOnlySpan<float> tB, ReadOnlySpan<float> tC, Span<float> tDA, Span<float> tDB, Span<float> tDC)
    {
        ProductPullbackTangent(a, b, m, k, n, transposeA, transposeB, dC, tA, tB, tDA, tDB, tDC);
        MatMulAddPullback(a, b, c, m, k, n, transposeA, transposeB, dA, dB, dC);
    }

    /// <inheritdoc cref="MatMulAddPullbackTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, bool, Span{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
    [TangentOf(nameof(MatMulAddPullback), AcceptsEmptyTangents = true)]
    public static void MatMulAddPullbackTangent(
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool transposeA, bool transposeB,
        Span<double> dA, Span<double> dB, Span<double> dC,
        ReadOnlySpan<double> tA, ReadOnlySpan<double> tB, ReadOnlySpan<double> tC, Span<double> tDA, Span<double> tDB, Span<double> tDC)
    {
        ProductPullbackTangent(a, b, m, k, n, transposeA, transposeB, dC, tA, tB, tDA, tDB, tDC);
        MatMulAddPullback(a, b, c, m, k, n, transposeA, transposeB, dA, dB, dC);
    }

    /// <summary>Second order of <see cref="AddBiasPullback(Span{float}, ReadOnlySpan{float}, int, int, Span{float}, Span{float})"/>: tDBias += the column sums of tDY; tDY passes through.</summary>
    [TangentOf(nameof(AddBiasPullback))]
    public static void AddBiasPullbackTangent(Span<float> y, ReadOnlySpan<float> bias, int rows, int cols, Span<float> dY, Span<float> dBias,
        ReadOnlySpan<float> tY, ReadOnlySpan<float> tBias, Span<float> tDY, Span<float> tDBias)
    {
        BiasPullback<float>(y.Length, bias.Length, rows, cols, tDY, tDBias);
        AddBiasPullback(y, bias, rows, cols, dY, dBias);
    }

    /// <inheritdoc cref="AddBiasPullbackTangent(Span{float}, ReadOnlySpan{float}, int, int, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    [TangentOf(nameof(AddBiasPullback))]
    public static void AddBiasPullbackTangent(Span<double> y, ReadOnlySpan<double> bias, int rows, int cols, Span<double> dY, Span<double> dBias,
        ReadOnlySpan<double> tY, ReadOnlySpan<double> tBias, Span<double> tDY, Span<double> tDBias)
    {
        BiasPullback<double>(y.Length, bias.Length, rows, cols, tDY, tDBias);
        AddBiasPullback(y, bias, rows, cols, dY, dBias);
    }

    /// <summary>The tangent terms of the product's pullback, each product with the kernels of the pullback.</summary>
    private static void ProductPullbackTangent<T>(
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, int m, int k, int n, bool transposeA, bool transposeB,
        ReadOnlySpan<T> dC, ReadOnlySpan<T> tA, ReadOnlySpan<T> tB, Span<T> tDA, Span<T> tDB, ReadOnlySpan<T> tDC)
        where T : unmanaged, INumber<T>
    {
        // Jᵀ·tDC: the pullback of the adjoints' tangents.
        ProductPullback(a, b, m, k, n, transposeA, transposeB, tDA, tDB, tDC);

        // (∂Jᵀ·t)·dC: dC against the inputs' tangents (a product with an empty adjoint is skipped).
        if (!tB.IsEmpty && !tDA.IsEmpty)
        {
            ProductPullback(a, tB, m, k, n, transposeA, transposeB, tDA, Span<T>.Empty, dC);
        }

        if (!tA.IsEmpty && !tDB.IsEmpty)
        {
            ProductPullback(tA, b, m, k, n, transposeA, transposeB, Span<T>.Empty, tDB, dC);
        }
    }
}

public static partial class Losses
{
    /// <summary>
    /// Second order of <see cref="SoftmaxCrossEntropyPullback(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, Span{float}, float)"/>:
    /// tDLogits += tDReturn/batch·(p − onehot) + dReturn/batch·p ⊙ (tLogits − ⟨p, tLogits⟩), row by row, p = softmax(logits).
    /// </summary>
    [TangentOf(nameof(SoftmaxCrossEntropyPullback))]
    public static void SoftmaxCrossEntropyPullbackTangent(
        ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int batch, int classes, Span<float> dLogits, float dReturn,
        ReadOnlySpan<float> tLogits, Span<float> tDLogits, float tDReturn)
    {
        CrossEntropyPullbackTangent(logits, labels, batch, classes, dReturn, tLogits, tDLogits, tDReturn);
        SoftmaxCrossEntropyPullback(logits, labels, batch, classes, dLogits, dReturn);
    }

    /// <inheritdoc cref="SoftmaxCrossEntropyPullbackTangent(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, Span{float}, float, ReadOnlySpan{float}, Span{float}, float)"/>
    [TangentOf(nameof(SoftmaxCrossEntropyPullback))]
    public static void SoftmaxCrossEntropyPullbackTangent(
        ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, int batch, int classes, Span<double> dLogits, double dReturn,
        ReadOnlySpan<double> tLogits, Span<double> tDLogits, double tDReturn)
    {
        CrossEntropyPullbackTangent(logits, labels, batch, classes, dReturn, tLogits, tDLogits, tDReturn);
        SoftmaxCrossEntropyPullback(logits, labels, batch, classes, dLogits, dReturn);
    }

    /// <summary>Second order of <see cref="MeanSquaredErrorPullback(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, float)"/>: tDPrediction += 2/N·(tDReturn·(prediction − target) + dReturn·tPrediction).</summary>
    [TangentOf(nameof(MeanSquaredErrorPullback))]
    public static void MeanSquaredErrorPullbackTangent(
        ReadOnlySpan<float> prediction, [NoGrad] ReadOnlySpan<float> target, Span<float> dPrediction, float dReturn,
        ReadOnlySpan<float> tPrediction, Span<float> tDPrediction, float tDReturn)
    {
        SquaredErrorPullbackTangent(prediction, target, dReturn, tPrediction, tDPrediction, tDReturn);
        MeanSquaredErrorPullback(prediction, target, dPrediction, dReturn);
    }

    /// <inheritdoc cref="MeanSquaredErrorPullbackTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, float, ReadOnlySpan{float}, Span{float}, float)"/>
    [TangentOf(nameof(MeanSquaredErrorPullback))]
    public static void MeanSquaredErrorPullbackTangent(
        ReadOnlySpan<double> prediction, [NoGrad] ReadOnlySpan<double> target, Span<double> dPrediction, double dReturn,
        ReadOnlySpan<double> tPrediction, Span<double> tDPrediction, double tDReturn)
    {
        SquaredErrorPullbackTangent(prediction, target, dReturn, tPrediction, tDPrediction, tDReturn);
        MeanSquaredErrorPullback(prediction, target, dPrediction, dReturn);
    }

    private static void CrossEntropyPullbackTangent<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int batch, int classes,
        T dReturn, ReadOnlySpan<T> tLogits, Span<T> tDLogits, T tDReturn)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLabels(logits.Length, labels, batch, classes);
        Shape.CheckSameLength(tLogits.Length, nameof(tLogits), logits.Length, nameof(logits));
        Shape.CheckSameLength(tDLogits.Length, nameof(tDLogits), logits.Length, nameof(logits));
        T scale = T.One / T.CreateChecked(batch);
        for (int r = 0; r < batch; r++)
        {
            ReadOnlySpan<T> row = logits.Slice(r * classes, classes), direction = tLogits.Slice(r * classes, classes);
            Span<T> tangent = tDLogits.Slice(r * classes, classes);
            T max = row[0];
            for (int j = 1; j < classes; j++) max = T.Max(max, row[j]);
            T sum = T.Zero, dot = T.Zero;
            for (int j = 0; j < classes; j++)
            {
                T e = T.Exp(row[j] - max);
                sum += e;
                dot += e * direction[j];
            }

            dot /= sum;
            for (int j = 0; j < classes; j++)
            {
                T p = T.Exp(row[j] - max) / sum;
                T onehot = j == labels[r] ? T.One : T.Zero;
                tangent[j] += scale * (tDReturn * (p - onehot) + dReturn * p * (direction[j] - dot));
            }
        }
    }

    private static void SquaredErrorPullbackTangent<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target, T dReturn,
        ReadOnlySpan<T> tPrediction, Span<T> tDPrediction, T tDReturn)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.CheckSameLength(target.Length, nameof(target), prediction.Length, nameof(prediction));
        Shape.CheckSameLength(tPrediction.Length, nameof(tPrediction), prediction.Length, nameof(prediction));
        Shape.CheckSameLength(tDPrediction.Length, nameof(tDPrediction), prediction.Length, nameof(prediction));
        T scale = (T.One + T.One) / T.CreateChecked(prediction.Length);
        for (int i = 0; i < prediction.Length; i++)
        {
            tDPrediction[i] += scale * (tDReturn * (prediction[i] - target[i]) + dReturn * tPrediction[i]);
        }
    }
}

public static partial class Reductions
{
    /// <summary>Second order of <see cref="SumPullback(ReadOnlySpan{float}, Span{float}, float)"/>: tDX += tDReturn (Sum is linear).</summary>
    [TangentOf(nameof(SumPullback))]
    public static void SumPullbackTangent(ReadOnlySpan<float> x, Span<float> dX, float dReturn, ReadOnlySpan<float> tX, Span<float> tDX, float tDReturn)
    {
        SumPullback(x, tDX, tDReturn);
        SumPullback(x, dX, dReturn);
    }

    /// <inheritdoc cref="SumPullbackTangent(ReadOnlySpan{float}, Span{float}, float, ReadOnlySpan{float}, Span{float}, float)"/>
    [TangentOf(nameof(SumPullback))]
    public static void SumPullbackTangent(ReadOnlySpan<double> x, Span<double> dX, double dReturn, ReadOnlySpan<double> tX, Span<double> tDX, double tDReturn)
    {
        SumPullback(x, tDX, tDReturn);
        SumPullback(x, dX, dReturn);
    }

    /// <summary>Second order of <see cref="MeanPullback(ReadOnlySpan{float}, Span{float}, float)"/>: tDX += tDReturn/N (Mean is linear).</summary>
    [TangentOf(nameof(MeanPullback))]
    public static void MeanPullbackTangent(ReadOnlySpan<float> x, Span<float> dX, float dReturn, ReadOnlySpan<float> tX, Span<float> tDX, float tDReturn)
    {
        MeanPullback(x, tDX, tDReturn);
        MeanPullback(x, dX, dReturn);
    }

    /// <inheritdoc cref="MeanPullbackTangent(ReadOnlySpan{float}, Span{float}, float, ReadOnlySpan{float}, Span{float}, float)"/>
    [TangentOf(nameof(MeanPullback))]
    public static void MeanPullbackTangent(ReadOnlySpan<double> x, Span<double> dX, double dReturn, ReadOnlySpan<double> tX, Span<double> tDX, double tDReturn)
    {
        MeanPullback(x, tDX, tDReturn);
        MeanPullback(x, dX, dReturn);
    }
}
