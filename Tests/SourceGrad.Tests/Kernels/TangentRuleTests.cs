using System.Numerics;
using SourceGrad.Kernels;
using static SourceGrad.Tests.Kernels.KernelTestData;

namespace SourceGrad.Tests.Kernels;

/// <summary>
/// Every forward-mode rule ([TangentOf]), called directly, in double and in float. Each must return (or write) exactly
/// what its kernel does; its tangent must match the central finite difference of the kernel along the tangent
/// direction; and it must be the transpose of the kernel's pullback: ⟨u, J·v⟩ from the tangent equals ⟨Jᵀ·u, v⟩ from
/// the pullback, which also pins down the in/out meaning of a written span's tangent (overwritten by MatMul and the
/// activations, added to by MatMulAdd and AddBias). Tangents of written spans start non-zero, so a rule that must
/// overwrite cannot get away with adding, nor the other way round.
/// </summary>
[Collection(KernelSettingsCollection.Name)]
public class TangentRuleTests
{
    public delegate void Kernel<T>(T[] x, T[] y);

    /// <summary>A tangent rule (x, y, tX, tY) or a pullback (x, y, dX, dY) of an activation.</summary>
    public delegate void ActivationRule<T>(T[] x, T[] y, T[] xPair, T[] yPair);

    public delegate void Product<T>(T[] a, T[] b, T[] c, int m, int k, int n, bool transposeA, bool transposeB);

    /// <summary>A product's tangent rule (…, tA, tB, tC) or pullback (…, dA, dB, dC).</summary>
    public delegate void ProductRule<T>(T[] a, T[] b, T[] c, int m, int k, int n, bool transposeA, bool transposeB, T[] aPair, T[] bPair, T[] cPair);

    public delegate T ScalarTangent<T>(T[] x, T[] tX, out T tangent);

    public delegate void ScalarPullback<T>(T[] x, T[] dX, T dReturn);

    private sealed record Activation<T>(Kernel<T> Primal, ActivationRule<T> Tangent, ActivationRule<T> Pullback);

    private sealed record Products<T>(Product<T> Primal, ProductRule<T> Tangent, ProductRule<T> Pullback);

    private sealed record Scalar<T>(Func<T[], T> Primal, ScalarTangent<T> Tangent, ScalarPullback<T> Pullback);

    /// <summary>Finite-difference step and tolerances: tight in double, loose in float (its differences are noisy).</summary>
    private sealed record Precision(double Step, double Absolute, double Relative, double Adjoint)
    {
        public static Precision For<T>() => typeof(T) == typeof(double) ? new(1e-6, 1e-8, 1e-7, 1e-12) : new(1e-2, 2e-3, 2e-3, 5e-5);
    }

    private const int Rows = 3, Cols = 70; // 70 columns: full vectors and a scalar tail on every path

    public static TheoryData<string, string> ActivationsOnPaths()
    {
        var data = new TheoryData<string, string>();
        foreach (string path in VectorPathsHere())
        {
            foreach (string name in new[] { "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax" })
            {
                data.Add(path, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ActivationsOnPaths))]
    public void Activation_tangents_match_finite_differences_the_pullback_and_work_in_place(string path, string name)
    {
        (Activation<double> inDouble, Activation<float> inFloat) = name switch
        {
            "Relu" => (new Activation<double>((x, y) => Activations.Relu(x, y), (x, y, t, ty) => Activations.ReluTangent(x, y, t, ty), (x, y, d, dy) => Activations.ReluPullback(x, y, d, dy)),
                new Activation<float>((x, y) => Activations.Relu(x, y), (x, y, t, ty) => Activations.ReluTangent(x, y, t, ty), (x, y, d, dy) => Activations.ReluPullback(x, y, d, dy))),
            "LeakyRelu" => (new((x, y) => Activations.LeakyRelu(x, y, 0.2), (x, y, t, ty) => Activations.LeakyReluTangent(x, y, 0.2, t, ty), (x, y, d, dy) => Activations.LeakyReluPullback(x, y, 0.2, d, dy)),
                new((x, y) => Activations.LeakyRelu(x, y, 0.2f), (x, y, t, ty) => Activations.LeakyReluTangent(x, y, 0.2f, t, ty), (x, y, d, dy) => Activations.LeakyReluPullback(x, y, 0.2f, d, dy))),
            "Sigmoid" => (new((x, y) => Activations.Sigmoid(x, y), (x, y, t, ty) => Activations.SigmoidTangent(x, y, t, ty), (x, y, d, dy) => Activations.SigmoidPullback(x, y, d, dy)),
                new((x, y) => Activations.Sigmoid(x, y), (x, y, t, ty) => Activations.SigmoidTangent(x, y, t, ty), (x, y, d, dy) => Activations.SigmoidPullback(x, y, d, dy))),
            "Tanh" => (new((x, y) => Activations.Tanh(x, y), (x, y, t, ty) => Activations.TanhTangent(x, y, t, ty), (x, y, d, dy) => Activations.TanhPullback(x, y, d, dy)),
                new((x, y) => Activations.Tanh(x, y), (x, y, t, ty) => Activations.TanhTangent(x, y, t, ty), (x, y, d, dy) => Activations.TanhPullback(x, y, d, dy))),
            "Softmax" => (new((x, y) => Activations.Softmax(x, y, Rows, Cols), (x, y, t, ty) => Activations.SoftmaxTangent(x, y, Rows, Cols, t, ty), (x, y, d, dy) => Activations.SoftmaxPullback(x, y, Rows, Cols, d, dy)),
                new((x, y) => Activations.Softmax(x, y, Rows, Cols), (x, y, t, ty) => Activations.SoftmaxTangent(x, y, Rows, Cols, t, ty), (x, y, d, dy) => Activations.SoftmaxPullback(x, y, Rows, Cols, d, dy))),
            "LogSoftmax" => (new((x, y) => Activations.LogSoftmax(x, y, Rows, Cols), (x, y, t, ty) => Activations.LogSoftmaxTangent(x, y, Rows, Cols, t, ty), (x, y, d, dy) => Activations.LogSoftmaxPullback(x, y, Rows, Cols, d, dy)),
                new((x, y) => Activations.LogSoftmax(x, y, Rows, Cols), (x, y, t, ty) => Activations.LogSoftmaxTangent(x, y, Rows, Cols, t, ty), (x, y, d, dy) => Activations.LogSoftmaxPullback(x, y, Rows, Cols, d, dy))),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such kernel"),
        };

        VectorPath saved = Vectorized.Path;
        Vectorized.Path = Enum.Parse<VectorPath>(path);
        try
        {
            CheckActivation(inDouble, $"{name} double path={path}");
            CheckActivation(inFloat, $"{name} float path={path}");
        }
        finally
        {
            Vectorized.Path = saved;
        }
    }

    [Fact]
    public void Relu_tangents_at_zero_follow_the_pullback()
    {
        // At x = 0 the pullback passes nothing for Relu and slope·dY for LeakyRelu: the tangents agree, in both types.
        double[] x = [0, -0.0, 1, -1], tX = [2, 3, 5, 7];
        var y = new double[4];
        var tY = new double[4];
        Activations.ReluTangent(x, y, tX, tY);
        Assert.Equal([0, 0, 5, 0], tY);
        Activations.LeakyReluTangent(x, y, 0.5, tX, tY);
        Assert.Equal([1, 1.5, 5, 3.5], tY);
        float[] tYf = new float[4];
        Activations.ReluTangent(ToSingle(x), new float[4], ToSingle(tX), tYf);
        Assert.Equal([0f, 0f, 5f, 0f], tYf);

        double[] dX = new double[4];
        Activations.LeakyReluPullback(x, y, 0.5, dX, (double[])tX.Clone());
        Assert.Equal(tY, dX); // the Jacobian is diagonal: the pullback of tX is the tangent along it
    }

    public static TheoryData<bool, bool, bool> ProductCases()
    {
        var data = new TheoryData<bool, bool, bool>();
        foreach (bool accumulate in new[] { false, true })
        {
            foreach (bool transposeA in new[] { false, true })
            {
                foreach (bool transposeB in new[] { false, true })
                {
                    data.Add(accumulate, transposeA, transposeB);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ProductCases))]
    public void MatMul_tangents_match_finite_differences_and_the_pullback(bool accumulate, bool transposeA, bool transposeB)
    {
        Products<double> inDouble = accumulate
            ? new((a, b, c, m, k, n, ta, tb) => Linalg.MatMulAdd(a, b, c, m, k, n, ta, tb), DoubleTangent(accumulate),
                (a, b, c, m, k, n, ta, tb, dA, dB, dC) => Linalg.MatMulAddPullback(a, b, c, m, k, n, ta, tb, dA, dB, dC))
            : new((a, b, c, m, k, n, ta, tb) => Linalg.MatMul(a, b, c, m, k, n, ta, tb), DoubleTangent(accumulate),
                (a, b, c, m, k, n, ta, tb, dA, dB, dC) => Linalg.MatMulPullback(a, b, c, m, k, n, ta, tb, dA, dB, dC));
        Products<float> inFloat = accumulate
            ? new((a, b, c, m, k, n, ta, tb) => Linalg.MatMulAdd(a, b, c, m, k, n, ta, tb),
                (a, b, c, m, k, n, ta, tb, tA, tB, tC) => Linalg.MatMulAddTangent(a, b, c, m, k, n, ta, tb, tA, tB, tC),
                (a, b, c, m, k, n, ta, tb, dA, dB, dC) => Linalg.MatMulAddPullback(a, b, c, m, k, n, ta, tb, dA, dB, dC))
            : new((a, b, c, m, k, n, ta, tb) => Linalg.MatMul(a, b, c, m, k, n, ta, tb),
                (a, b, c, m, k, n, ta, tb, tA, tB, tC) => Linalg.MatMulTangent(a, b, c, m, k, n, ta, tb, tA, tB, tC),
                (a, b, c, m, k, n, ta, tb, dA, dB, dC) => Linalg.MatMulPullback(a, b, c, m, k, n, ta, tb, dA, dB, dC));

        // A small product, a row times a matrix (the matrix-vector path), an outer product, an empty inner dimension
        // (tC must still be overwritten by MatMul) and one large enough for the packed kernel.
        foreach ((int m, int k, int n) in new[] { (3, 4, 5), (1, 6, 7), (9, 1, 11), (2, 0, 3), (17, 33, 20) })
        {
            string context = $"MatMul{(accumulate ? "Add" : "")} {m}x{k}x{n} transposeA={transposeA} transposeB={transposeB}";
            CheckProduct(inDouble, m, k, n, transposeA, transposeB, accumulate, context + " double");
            CheckProduct(inFloat, m, k, n, transposeA, transposeB, accumulate, context + " float");
        }
    }

    [Fact]
    public void AddBias_tangent_adds_tBias_to_every_row_of_tY()
    {
        CheckAddBias<double>((y, bias, r, c, ty, tb) => Linalg.AddBiasTangent(y, bias, r, c, ty, tb),
            (y, bias, r, c, dy, db) => Linalg.AddBiasPullback(y, bias, r, c, dy, db), (y, bias, r, c) => Linalg.AddBias(y, bias, r, c), "double");
        CheckAddBias<float>((y, bias, r, c, ty, tb) => Linalg.AddBiasTangent(y, bias, r, c, ty, tb),
            (y, bias, r, c, dy, db) => Linalg.AddBiasPullback(y, bias, r, c, dy, db), (y, bias, r, c) => Linalg.AddBias(y, bias, r, c), "float");
    }

    [Fact]
    public void Loss_and_reduction_tangents_match_finite_differences_and_the_pullback()
    {
        const int batch = 4, classes = 19;
        int[] labels = [3, 0, 18, 3];
        CheckScalar(Uniform(1, batch * classes, -3, 3), "SoftmaxCrossEntropy double", new Scalar<double>(
            x => Losses.SoftmaxCrossEntropy(x, labels, batch, classes),
            (double[] x, double[] t, out double tangent) => Losses.SoftmaxCrossEntropyTangent(x, labels, batch, classes, t, out tangent),
            (x, d, dReturn) => Losses.SoftmaxCrossEntropyPullback(x, labels, batch, classes, d, dReturn)));
        CheckScalar(Uniform(1, batch * classes, -3, 3), "SoftmaxCrossEntropy float", new Scalar<float>(
            x => Losses.SoftmaxCrossEntropy(x, labels, batch, classes),
            (float[] x, float[] t, out float tangent) => Losses.SoftmaxCrossEntropyTangent(x, labels, batch, classes, t, out tangent),
            (x, d, dReturn) => Losses.SoftmaxCrossEntropyPullback(x, labels, batch, classes, d, dReturn)));

        // 37 elements: a vector body and a tail; 600: several of the tangent's stack chunks.
        foreach (int length in new[] { 37, 600 })
        {
            double[] prediction = Uniform(length, length), targetOfLength = Uniform(length + 1, length);
            float[] targetOfLengthf = ToSingle(targetOfLength);
            CheckScalar(prediction, $"MeanSquaredError[{length}] double", new Scalar<double>(
                x => Losses.MeanSquaredError(x, targetOfLength),
                (double[] x, double[] t, out double tangent) => Losses.MeanSquaredErrorTangent(x, targetOfLength, t, out tangent),
                (x, d, dReturn) => Losses.MeanSquaredErrorPullback(x, targetOfLength, d, dReturn)));
            CheckScalar(prediction, $"MeanSquaredError[{length}] float", new Scalar<float>(
                x => Losses.MeanSquaredError(x, targetOfLengthf),
                (float[] x, float[] t, out float tangent) => Losses.MeanSquaredErrorTangent(x, targetOfLengthf, t, out tangent),
                (x, d, dReturn) => Losses.MeanSquaredErrorPullback(x, targetOfLengthf, d, dReturn)));
        }

        CheckScalar(Uniform(3, 37), "Sum double", new Scalar<double>(x => Reductions.Sum(x), (double[] x, double[] t, out double tangent) => Reductions.SumTangent(x, t, out tangent),
            (x, d, dReturn) => Reductions.SumPullback(x, d, dReturn)));
        CheckScalar(Uniform(3, 37), "Sum float", new Scalar<float>(x => Reductions.Sum(x), (float[] x, float[] t, out float tangent) => Reductions.SumTangent(x, t, out tangent),
            (x, d, dReturn) => Reductions.SumPullback(x, d, dReturn)));
        CheckScalar(Uniform(4, 37), "Mean double", new Scalar<double>(x => Reductions.Mean(x), (double[] x, double[] t, out double tangent) => Reductions.MeanTangent(x, t, out tangent),
            (x, d, dReturn) => Reductions.MeanPullback(x, d, dReturn)));
        CheckScalar(Uniform(4, 37), "Mean float", new Scalar<float>(x => Reductions.Mean(x), (float[] x, float[] t, out float tangent) => Reductions.MeanTangent(x, t, out tangent),
            (x, d, dReturn) => Reductions.MeanPullback(x, d, dReturn)));
    }

    [Fact]
    public void An_empty_operand_tangent_of_a_product_counts_as_zero()
    {
        const int m = 4, k = 3, n = 5;
        double[] a = Uniform(1, m * k), b = Uniform(2, k * n), tA = Uniform(3, a.Length), tB = Uniform(4, b.Length), tC0 = Uniform(5, m * n);
        double[] zeroA = new double[a.Length], zeroB = new double[b.Length];
        foreach (bool accumulate in new[] { false, true })
        {
            ProductRule<double> rule = DoubleTangent(accumulate);
            double[] none = [];
            foreach ((double[] withA, double[] withB, double[] emptyA, double[] emptyB) in new[] { (zeroA, tB, none, tB), (tA, zeroB, tA, none), (zeroA, zeroB, none, none) })
            {
                double[] expected = (double[])tC0.Clone(), actual = (double[])tC0.Clone();
                rule(a, b, new double[m * n], m, k, n, false, false, withA, withB, expected);
                rule(a, b, new double[m * n], m, k, n, false, false, emptyA, emptyB, actual);
                Assert.Equal(expected, actual);
            }
        }
    }

    [Fact]
    public void Tangent_rules_name_the_tangent_whose_length_does_not_fit()
    {
        AssertArgument("tX", "tX has length 3 but x has length 4; they must match.",
            () => Activations.ReluTangent(new float[4], new float[4], new float[3], new float[4]));
        AssertArgument("tY", "tY has length 5 but y has length 6; they must match.",
            () => Activations.SoftmaxTangent(new double[6], new double[6], 2, 3, new double[6], new double[5]));
        AssertArgument("tY", "tY has length 5 but y has length 6; they must match.",
            () => Activations.LogSoftmaxTangent(new float[6], new float[6], 2, 3, new float[6], new float[5]));
        AssertArgument("y", "y has length 6 but rows*cols = 2*4 = 8.",
            () => Activations.SoftmaxTangent(new double[8], new double[6], 2, 4, new double[8], new double[6]));
        AssertArgument("tA", "tA has length 5 but a has length 6; they must match.",
            () => Linalg.MatMulTangent(new float[6], new float[8], new float[12], 3, 2, 4, false, false, new float[5], new float[8], new float[12]));
        AssertArgument("tB", "tB has length 7 but b has length 8; they must match.",
            () => Linalg.MatMulAddTangent(new double[6], new double[8], new double[12], 3, 2, 4, true, true, new double[6], new double[7], new double[12]));
        AssertArgument("tC", "tC has length 11 but c has length 12; they must match.",
            () => Linalg.MatMulTangent(new double[6], new double[8], new double[12], 3, 2, 4, false, false, new double[6], new double[8], new double[11]));
        float[] buffer = new float[20];
        AssertArgument("tC", "tC overlaps tA: a product's tangent cannot be written over an operand, an operand's tangent or the product.",
            () => Linalg.MatMulTangent(new float[4], new float[4], new float[4], 2, 2, 2, false, false, buffer.AsSpan(0, 4), buffer.AsSpan(8, 4), buffer.AsSpan(2, 4)));
        AssertArgument("tBias", "tBias has length 2 but bias has length 3; they must match.",
            () => Linalg.AddBiasTangent(new float[6], new float[3], 2, 3, new float[6], new float[2]));
        AssertArgument("tY", "tY has length 5 but y has length 6; they must match.",
            () => Linalg.AddBiasTangent(new double[6], new double[3], 2, 3, new double[5], new double[3]));
        AssertArgument("tLogits", "tLogits has length 5 but logits has length 6; they must match.",
            () => Losses.SoftmaxCrossEntropyTangent(new float[6], [0, 1], 2, 3, new float[5], out _));
        AssertArgument("tPrediction", "tPrediction has length 4 but prediction has length 3; they must match.",
            () => Losses.MeanSquaredErrorTangent(new double[3], new double[3], new double[4], out _));
        AssertArgument("tX", "tX has length 2 but x has length 3; they must match.", () => Reductions.SumTangent(new float[3], new float[2], out _));
        AssertArgument("tX", "tX has length 2 but x has length 3; they must match.", () => Reductions.MeanTangent(new double[3], new double[2], out _));
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(
            () => Losses.SoftmaxCrossEntropyTangent(new double[6], [0, 3], 2, 3, new double[6], out _)).ParamName);
    }

    [Fact]
    public void Steady_state_tangent_rules_allocate_nothing()
    {
        const int rows = 8, cols = 64, inputs = 32;
        double[] xd = Uniform(1, rows * cols), tXd = Uniform(2, xd.Length), yd = new double[xd.Length], tYd = new double[xd.Length];
        float[] x = ToSingle(xd), tX = ToSingle(tXd), y = new float[x.Length], tY = new float[x.Length];
        float[] w = ToSingle(Uniform(3, inputs * cols)), tW = ToSingle(Uniform(4, inputs * cols));
        float[] h = ToSingle(Uniform(5, rows * inputs)), tH = ToSingle(Uniform(6, rows * inputs));
        float[] bias = ToSingle(Uniform(7, cols)), tBias = ToSingle(Uniform(8, cols));
        int[] labels = new int[rows];

        void Step()
        {
            Activations.ReluTangent(x, y, tX, tY);
            Activations.LeakyReluTangent(x, y, 0.1f, tX, tY);
            Activations.SigmoidTangent(x, y, tX, tY);
            Activations.TanhTangent(xd, yd, tXd, tYd);
            Activations.SoftmaxTangent(x, y, rows, cols, tX, tY);
            Activations.LogSoftmaxTangent(xd, yd, rows, cols, tXd, tYd);
            Linalg.MatMulTangent(h, w, y, rows, inputs, cols, false, false, tH, tW, tY);
            Linalg.MatMulAddTangent(h, w, y, rows, inputs, cols, false, false, tH, tW, tY);
            Linalg.AddBiasTangent(y, bias, rows, cols, tY, tBias);
            Losses.SoftmaxCrossEntropyTangent(x, labels, rows, cols, tX, out _);
            Losses.MeanSquaredErrorTangent(xd, yd, tXd, out _);
            Reductions.SumTangent(x, tX, out _);
            Reductions.MeanTangent(xd, tXd, out _);
        }

        Allocations.AssertSteadyStateAllocatesNothing(Step, steps: 100, warmup: 5);
    }

    [Fact]
    public void Steady_state_matmul_tangent_split_over_threads_allocates_nothing_on_any_thread()
    {
        // The MLP's first layer: its three products (tX·W, X·tW, X·W) are each large enough to be split.
        const int batch = 64, inputs = 784, hidden = 128;
        float[] x = ToSingle(Uniform(1, batch * inputs)), w = ToSingle(Uniform(2, inputs * hidden)), z = new float[batch * hidden];
        float[] tX = ToSingle(Uniform(3, x.Length)), tW = ToSingle(Uniform(4, w.Length)), tZ = new float[z.Length];
        using IDisposable restore = KeepThreadCount();
        Linalg.MaxDegreeOfParallelism = 2;
        Assert.True((long)batch * inputs * hidden >= Gemm<float>.ParallelThreshold);
        long partsBefore = GemmWorkers.WorkerTotals().PartsRun;
        int calls = 0;
        Allocations.AssertSteadyStateAllocatesNothing(() =>
        {
            Linalg.MatMulTangent(x, w, z, batch, inputs, hidden, false, false, tX, tW, tZ);
            calls++;
        }, steps: 20, warmup: 5, otherThreads: WorkerBytes);

        // Three split products per call: one part each on the worker.
        Assert.Equal(3 * calls, GemmWorkers.WorkerTotals().PartsRun - partsBefore);
    }

    private static ProductRule<double> DoubleTangent(bool accumulate) => accumulate
        ? (a, b, c, m, k, n, ta, tb, tA, tB, tC) => Linalg.MatMulAddTangent(a, b, c, m, k, n, ta, tb, tA, tB, tC)
        : (a, b, c, m, k, n, ta, tb, tA, tB, tC) => Linalg.MatMulTangent(a, b, c, m, k, n, ta, tb, tA, tB, tC);

    private static void CheckActivation<T>(Activation<T> kernel, string context)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Precision precision = Precision.For<T>();
        T[] x = Of<T>(AwayFromZero(7, Rows * Cols)), v = Of<T>(Uniform(8, x.Length)), u = Of<T>(Uniform(9, x.Length));
        T[] Apply(T[] input)
        {
            var output = new T[input.Length];
            kernel.Primal(input, output);
            return output;
        }

        T[] y = Of<T>(Uniform(10, x.Length)), tY = Of<T>(Uniform(11, x.Length)); // stale contents, to be overwritten
        kernel.Tangent(x, y, v, tY);
        Assert.Equal(Apply(x), y);
        AssertClose(Central(p => Apply(p[0]), [x], [v], precision.Step), AsDouble(tY), precision.Absolute, precision.Relative, context + " tY");

        // ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩; the pullback zeroes dY, so y's initial contents have no part in either side.
        T[] dX = new T[x.Length], dY = (T[])u.Clone();
        kernel.Pullback(x, y, dX, dY);
        AssertAdjoint(Dot(AsDouble(u), AsDouble(tY)), Dot(AsDouble(dX), AsDouble(v)), precision, context);

        // In place: y is x and tY is tX.
        T[] xy = (T[])x.Clone(), txy = (T[])v.Clone();
        kernel.Tangent(xy, xy, txy, txy);
        Assert.Equal(y, xy);
        Assert.Equal(tY, txy);
    }

    private static void CheckProduct<T>(Products<T> rules, int m, int k, int n, bool transposeA, bool transposeB, bool accumulate, string context)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Precision precision = Precision.For<T>();
        T[] a = Of<T>(Uniform(1, m * k)), b = Of<T>(Uniform(2, k * n)), c0 = Of<T>(Uniform(3, m * n));
        T[] tA = Of<T>(Uniform(4, a.Length)), tB = Of<T>(Uniform(5, b.Length)), tC0 = Of<T>(Uniform(6, c0.Length)), u = Of<T>(Uniform(7, c0.Length));

        // C as a function of (A, B, C's initial contents).
        T[] Apply(T[][] p)
        {
            T[] c = (T[])p[2].Clone();
            rules.Primal(p[0], p[1], c, m, k, n, transposeA, transposeB);
            return c;
        }

        T[] c = (T[])c0.Clone(), tC = (T[])tC0.Clone();
        rules.Tangent(a, b, c, m, k, n, transposeA, transposeB, tA, tB, tC);
        Assert.Equal(Apply([a, b, c0]), c);
        AssertClose(Central(Apply, [a, b, c0], [tA, tB, tC0], precision.Step), AsDouble(tC), precision.Absolute, precision.Relative, context + " tC");

        // ⟨u, tC⟩ = ⟨dA, tA⟩ + ⟨dB, tB⟩ + ⟨dC, tC0⟩: dC after the pullback is 0 for MatMul (tC0 is forgotten) and u for
        // MatMulAdd (tC0 passes through).
        T[] dA = new T[a.Length], dB = new T[b.Length], dC = (T[])u.Clone();
        rules.Pullback(a, b, c, m, k, n, transposeA, transposeB, dA, dB, dC);
        double pulled = Dot(AsDouble(dA), AsDouble(tA)) + Dot(AsDouble(dB), AsDouble(tB)) + Dot(AsDouble(dC), AsDouble(tC0));
        AssertAdjoint(Dot(AsDouble(u), AsDouble(tC)), pulled, precision, context + (accumulate ? " (tC accumulates)" : " (tC is overwritten)"));
    }

    public delegate void Bias<T>(T[] y, T[] bias, int rows, int cols);

    public delegate void BiasRule<T>(T[] y, T[] bias, int rows, int cols, T[] yPair, T[] biasPair);

    private static void CheckAddBias<T>(BiasRule<T> tangent, BiasRule<T> pullback, Bias<T> primal, string context)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int rows = 4, cols = 19;
        Precision precision = Precision.For<T>();
        T[] y0 = Of<T>(Uniform(1, rows * cols)), bias = Of<T>(Uniform(2, cols)), tY0 = Of<T>(Uniform(3, y0.Length)), tBias = Of<T>(Uniform(4, cols));
        T[] Apply(T[][] p)
        {
            T[] y = (T[])p[0].Clone();
            primal(y, p[1], rows, cols);
            return y;
        }

        T[] y = (T[])y0.Clone(), tY = (T[])tY0.Clone();
        tangent(y, bias, rows, cols, tY, tBias);
        Assert.Equal(Apply([y0, bias]), y);
        AssertClose(Central(Apply, [y0, bias], [tY0, tBias], precision.Step), AsDouble(tY), precision.Absolute, precision.Relative, "AddBias tY " + context);

        T[] u = Of<T>(Uniform(5, y0.Length)), dY = (T[])u.Clone(), dBias = new T[cols];
        pullback(y, bias, rows, cols, dY, dBias);
        double pulled = Dot(AsDouble(dY), AsDouble(tY0)) + Dot(AsDouble(dBias), AsDouble(tBias));
        AssertAdjoint(Dot(AsDouble(u), AsDouble(tY)), pulled, precision, "AddBias " + context);
    }

    private static void CheckScalar<T>(double[] point, string context, Scalar<T> kernel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Precision precision = Precision.For<T>();
        T[] x = Of<T>(point), v = Of<T>(Uniform(50, point.Length));
        T value = kernel.Tangent(x, v, out T tangent);
        Assert.Equal(kernel.Primal(x), value);
        AssertClose(Central(p => [kernel.Primal(p[0])], [x], [v], precision.Step), [double.CreateTruncating(tangent)],
            precision.Absolute, precision.Relative, context + " tangent");

        // ⟨1, J·v⟩ = ⟨Jᵀ·1, v⟩.
        T[] dX = new T[x.Length];
        kernel.Pullback(x, dX, T.One);
        AssertAdjoint(double.CreateTruncating(tangent), Dot(AsDouble(dX), AsDouble(v)), precision, context);
    }

    /// <summary>(f(p + h·v) − f(p − h·v)) / 2h, the points rounded to T, the difference taken in double.</summary>
    private static double[] Central<T>(Func<T[][], T[]> f, T[][] point, T[][] direction, double step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[][] Shifted(double by) => point.Select((x, j) => x.Select((value, i) =>
            T.CreateTruncating(double.CreateTruncating(value) + by * double.CreateTruncating(direction[j][i]))).ToArray()).ToArray();

        double[] plus = AsDouble(f(Shifted(step))), minus = AsDouble(f(Shifted(-step)));
        return plus.Select((value, i) => (value - minus[i]) / (2 * step)).ToArray();
    }

    private static void AssertAdjoint(double tangentSide, double pullbackSide, Precision precision, string context)
        => Assert.True(Math.Abs(tangentSide - pullbackSide) <= precision.Adjoint * (1 + Math.Abs(tangentSide)),
            $"{context}: ⟨u, tangent(v)⟩ = {tangentSide:R} but ⟨pullback(u), v⟩ = {pullbackSide:R}");

    private static void AssertArgument(string name, string message, Action call)
    {
        var error = Assert.Throws<ArgumentException>(call);
        Assert.Equal(name, error.ParamName);
        Assert.StartsWith(message, error.Message);
    }

    private static T[] Of<T>(double[] values)
        where T : INumberBase<T>
        => Array.ConvertAll(values, value => T.CreateTruncating(value));

    private static double[] AsDouble<T>(T[] values)
        where T : INumberBase<T>
        => Array.ConvertAll(values, value => double.CreateTruncating(value));
}
