namespace SourceGrad.Tests.Tape;

using SourceGrad.Tape;

public class TensorTapeTests
{
    private const int Batch = 4, Inputs = 6, Hidden = 5, Classes = 3;

    /// <summary>A two-layer MLP with its parameters, recorded on a tensor tape.</summary>
    private sealed class Mlp
    {
        public readonly float[] W1, B1, W2, B2;
        public readonly float[] GradW1, GradB1, GradW2, GradB2;
        public readonly float[] X;
        public readonly int[] Labels;

        public Mlp(ulong seed)
        {
            var random = new TestRandom(seed);
            W1 = random.Floats(Inputs * Hidden, -0.8, 0.8);
            B1 = random.Floats(Hidden, -0.3, 0.3);
            W2 = random.Floats(Hidden * Classes, -0.8, 0.8);
            B2 = random.Floats(Classes, -0.3, 0.3);
            X = random.Floats(Batch * Inputs, -1, 1);
            Labels = random.Labels(Batch, Classes);
            GradW1 = new float[W1.Length];
            GradB1 = new float[B1.Length];
            GradW2 = new float[W2.Length];
            GradB2 = new float[B2.Length];
        }

        public float[][] Parameters => [W1, B1, W2, B2];

        public float[][] Gradients => [GradW1, GradB1, GradW2, GradB2];

        /// <summary>loss = CE(softmax(act(x·W1 + b1)·W2 + b2), labels).</summary>
        public Tensor Loss(TensorTape tape, Func<TensorTape, Tensor, Tensor> activation)
        {
            Tensor x = tape.Input(X, Batch, Inputs);
            Tensor w1 = tape.Parameter(W1, GradW1, Inputs, Hidden);
            Tensor b1 = tape.Parameter(B1, GradB1, 1, Hidden);
            Tensor w2 = tape.Parameter(W2, GradW2, Hidden, Classes);
            Tensor b2 = tape.Parameter(B2, GradB2, 1, Classes);
            Tensor hidden = activation(tape, tape.AddBias(tape.MatMul(x, w1), b1));
            Tensor logits = tape.AddBias(tape.MatMul(hidden, w2), b2);
            return tape.SoftmaxCrossEntropy(logits, Labels);
        }

        public void ZeroGradients()
        {
            Array.Clear(GradW1);
            Array.Clear(GradB1);
            Array.Clear(GradW2);
            Array.Clear(GradB2);
        }
    }

    public static TheoryData<string> ActivationNames => ["relu", "sigmoid", "tanh"];

    private static Func<TensorTape, Tensor, Tensor> ActivationNamed(string name) => name switch
    {
        "relu" => (tape, x) => tape.Relu(x),
        "sigmoid" => (tape, x) => tape.Sigmoid(x),
        _ => (tape, x) => tape.Tanh(x),
    };

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void Mlp_gradients_match_central_finite_differences(string activationName)
    {
        var mlp = new Mlp(seed: 42);
        var tape = new TensorTape();
        Func<TensorTape, Tensor, Tensor> activation = ActivationNamed(activationName);
        tape.Backward(mlp.Loss(tape, activation));

        float[][] parameters = mlp.Parameters, gradients = mlp.Gradients;
        for (int p = 0; p < parameters.Length; p++)
        {
            float[] numeric = FiniteDifferences.Gradient(() => LossValue(mlp, activation), parameters[p]);
            FiniteDifferences.AssertClose(numeric, gradients[p], 2e-3, $"{activationName} parameter {p}");
        }
    }

    [Fact]
    public void Linear_gives_the_values_and_gradients_of_matmul_then_bias()
    {
        var mlp = new Mlp(seed: 13);
        var tape = new TensorTape();
        Tensor separate = mlp.Loss(tape, ActivationNamed("tanh"));
        tape.Backward(separate);
        float separateLoss = separate.Scalar;
        float[][] expected = Array.ConvertAll(mlp.Gradients, gradient => (float[])gradient.Clone());
        mlp.ZeroGradients();

        tape.Reset();
        Tensor x = tape.Input(mlp.X, Batch, Inputs);
        Tensor w1 = tape.Parameter(mlp.W1, mlp.GradW1, Inputs, Hidden);
        Tensor b1 = tape.Parameter(mlp.B1, mlp.GradB1, 1, Hidden);
        Tensor w2 = tape.Parameter(mlp.W2, mlp.GradW2, Hidden, Classes);
        Tensor b2 = tape.Parameter(mlp.B2, mlp.GradB2, 1, Classes);
        Tensor logits = tape.Linear(tape.Tanh(tape.Linear(x, w1, b1)), w2, b2);
        Tensor fused = tape.SoftmaxCrossEntropy(logits, mlp.Labels);
        tape.Backward(fused);

        Assert.Equal(separateLoss, fused.Scalar, 1e-6f);
        for (int p = 0; p < expected.Length; p++)
        {
            FiniteDifferences.AssertClose(expected[p], mlp.Gradients[p], 1e-6, $"parameter {p}");
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void MatMul_gradients_match_finite_differences_for_every_layout(bool transposeA, bool transposeB)
    {
        const int m = 3, k = 4, n = 5;
        var random = new TestRandom(7);
        float[] a = random.Floats(m * k, -1, 1), b = random.Floats(k * n, -1, 1), weights = random.Floats(m * n, -1, 1);
        float[] gradA = new float[a.Length], gradB = new float[b.Length];

        // Σ (op(A)·op(B)) ⊙ weights: a scalar whose gradient reaches every entry of A and B.
        float Loss(TensorTape tape)
        {
            Tensor ta = transposeA ? tape.Parameter(a, gradA, k, m) : tape.Parameter(a, gradA, m, k);
            Tensor tb = transposeB ? tape.Parameter(b, gradB, n, k) : tape.Parameter(b, gradB, k, n);
            Tensor product = tape.MatMul(ta, tb, transposeA, transposeB);
            Tensor loss = tape.Sum(tape.Multiply(product, tape.Input(weights, m, n)));
            tape.Backward(loss);
            return loss.Scalar;
        }

        Loss(new TensorTape());
        float[] expectedA = (float[])gradA.Clone(), expectedB = (float[])gradB.Clone();

        FiniteDifferences.AssertClose(FiniteDifferences.Gradient(() => Loss(new TensorTape()), a), expectedA, 1e-3, "dA");
        FiniteDifferences.AssertClose(FiniteDifferences.Gradient(() => Loss(new TensorTape()), b), expectedB, 1e-3, "dB");
    }

    [Fact]
    public void Elementwise_ops_and_mean_squared_error_match_finite_differences()
    {
        const int rows = 2, columns = 3;
        var random = new TestRandom(11);
        float[] a = random.Floats(rows * columns, -1, 1), b = random.Floats(rows * columns, -1, 1);
        float[] target = random.Floats(rows * columns, -1, 1);
        float[] gradA = new float[a.Length], gradB = new float[b.Length];

        // MSE(sigmoid(a) ⊙ tanh(b) + a, target) + Σ b
        float Loss(bool backward)
        {
            var tape = new TensorTape();
            Tensor ta = tape.Parameter(a, gradA, rows, columns);
            Tensor tb = tape.Parameter(b, gradB, rows, columns);
            Tensor mixed = tape.Add(tape.Multiply(tape.Sigmoid(ta), tape.Tanh(tb)), ta);
            Tensor loss = tape.Add(tape.MeanSquaredError(mixed, target), tape.Sum(tb));
            if (backward)
            {
                tape.Backward(loss);
            }

            return loss.Scalar;
        }

        Loss(backward: true);
        FiniteDifferences.AssertClose(FiniteDifferences.Gradient(() => Loss(false), a), gradA, 1e-3, "dA");
        FiniteDifferences.AssertClose(FiniteDifferences.Gradient(() => Loss(false), b), gradB, 1e-3, "dB");
    }

    [Fact]
    public void Backward_adds_into_parameter_gradients()
    {
        var mlp = new Mlp(seed: 3);
        var tape = new TensorTape();
        tape.Backward(mlp.Loss(tape, ActivationNamed("tanh")));
        float[] once = (float[])mlp.GradW1.Clone();

        tape.Backward(mlp.Loss(tape, ActivationNamed("tanh")));

        for (int i = 0; i < once.Length; i++)
        {
            Assert.Equal(2 * once[i], mlp.GradW1[i], 1e-6f);
        }
    }

    [Fact]
    public void Reset_reuses_the_arena_and_gives_the_same_gradients()
    {
        var mlp = new Mlp(seed: 5);
        var tape = new TensorTape(arenaChunkLength: 16, capacity: 2);
        Func<TensorTape, Tensor, Tensor> relu = ActivationNamed("relu");
        Tensor loss = mlp.Loss(tape, relu);
        float firstLoss = loss.Scalar;
        tape.Backward(loss);
        float[] first = (float[])mlp.GradW2.Clone();
        int records = tape.Count;

        tape.Reset();
        mlp.ZeroGradients();
        Assert.Equal(0, tape.Count);
        loss = mlp.Loss(tape, relu);
        tape.Backward(loss);

        Assert.Equal(firstLoss, loss.Scalar);
        Assert.Equal(first, mlp.GradW2);
        Assert.Equal(records, tape.Count);
    }

    [Fact]
    public void Steady_state_recording_and_backward_allocate_nothing()
    {
        // Every record kind except the products: the tape's own bookkeeping, arena and reverse sweep.
        var random = new TestRandom(17);
        float[] a = random.Floats(Batch * Classes, -1, 1), gradA = new float[a.Length];
        float[] bias = random.Floats(Classes, -1, 1), gradBias = new float[bias.Length];
        float[] target = random.Floats(Batch * Classes, -1, 1);
        int[] labels = random.Labels(Batch, Classes);
        var tape = new TensorTape();

        Allocations.AssertSteadyStateAllocatesNothing(() =>
        {
            tape.Reset();
            Tensor x = tape.Parameter(a, gradA, Batch, Classes);
            Tensor shifted = tape.AddBias(x, tape.Parameter(bias, gradBias, 1, Classes));
            Tensor mixed = tape.Add(tape.Multiply(tape.Sigmoid(shifted), tape.Tanh(x)), tape.Relu(shifted));
            Tensor loss = tape.Add(
                tape.Add(tape.SoftmaxCrossEntropy(mixed, labels), tape.MeanSquaredError(mixed, target)), tape.Sum(x));
            tape.Backward(loss);
            return loss.Scalar;
        });
    }

    [Fact]
    public void Steady_state_training_step_allocates_nothing()
    {
        var mlp = new Mlp(seed: 9);
        var tape = new TensorTape();
        Func<TensorTape, Tensor, Tensor> relu = ActivationNamed("relu");

        Allocations.AssertSteadyStateAllocatesNothing(() => Step(mlp, tape, relu));
    }

    [Fact]
    public void Inputs_get_no_gradient_and_misuse_names_the_argument()
    {
        var tape = new TensorTape();
        float[] data = new float[6];
        Tensor x = tape.Input(data, 2, 3);
        Tensor w = tape.Parameter(new float[12], new float[12], 4, 3);

        Assert.Throws<InvalidOperationException>(() => tape.Relu(x).Gradient.Length);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => tape.MatMul(x, w)).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => tape.AddBias(x, w)).ParamName);
        Assert.Equal("weight", Assert.Throws<ArgumentException>(() => tape.Linear(x, w, w)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => tape.SoftmaxCrossEntropy(x, [0, 3])).ParamName);
        Assert.Equal("loss", Assert.Throws<ArgumentException>(() => tape.Backward(x)).ParamName);
        Assert.Equal("offset", Assert.Throws<ArgumentException>(() => tape.Input(data, 2, 3, offset: 1)).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => tape.Parameter(new float[6], new float[5], 2, 3)).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => new TensorTape().Relu(x)).ParamName);
        tape.Reset();
        tape.Input(data, 2, 3);
        tape.Input(data, 2, 3);
        Assert.Contains("Reset", Assert.Throws<ArgumentException>(() => tape.Sum(x)).Message, StringComparison.Ordinal);
    }

    private static float Step(Mlp mlp, TensorTape tape, Func<TensorTape, Tensor, Tensor> activation)
    {
        tape.Reset();
        mlp.ZeroGradients();
        Tensor loss = mlp.Loss(tape, activation);
        tape.Backward(loss);
        return loss.Scalar;
    }

    private static float LossValue(Mlp mlp, Func<TensorTape, Tensor, Tensor> activation) =>
        mlp.Loss(new TensorTape(), activation).Scalar;
}
