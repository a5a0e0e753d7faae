namespace SourceGrad.Tape;

/// <summary>
/// The benchmark's fixed problem: a 784→128→10 ReLU MLP with softmax cross-entropy, one SGD step. Initial
/// weights are He-uniform (biases zero) and the batch is MNIST-shaped (uniform [0, 1) pixels, uniform labels),
/// all from <see cref="SeededRandom"/>, so every contender (generated code, this tape, TorchSharp) starts
/// from the same numbers. Weights are stored [in × out]: every contender computes relu(x·W1 + b1)·W2 + b2.
/// </summary>
public sealed class MlpProblem
{
    public const int Inputs = 784, Hidden = 128, Classes = 10;
    public const float LearningRate = 0.01f;
    public const long DefaultSeed = 2024;

    private readonly long _seed;

    public MlpProblem(int batch, long seed = DefaultSeed)
    {
        if (batch < 1)
        {
            throw new ArgumentException($"The batch needs at least one example, but was {batch}.", nameof(batch));
        }

        Batch = batch;
        _seed = seed;

        // The batch has its own stream, so it does not depend on how many numbers the weights took.
        var random = new SeededRandom(seed + 1);
        X = new float[batch * Inputs];
        random.Fill(X);
        Labels = new int[batch];
        for (int i = 0; i < batch; i++)
        {
            Labels[i] = random.NextInt(Classes);
        }
    }

    public int Batch { get; }

    /// <summary>The inputs, <see cref="Batch"/>×<see cref="Inputs"/>, row-major.</summary>
    public float[] X { get; }

    public int[] Labels { get; }

    /// <summary>
    /// A fresh copy of the initial parameters, named w1 [784, 128], b1 [128], w2 [128, 10], b2 [10]: the same
    /// values on every call, so each contender can own and update its own.
    /// </summary>
    public ParameterSet CreateParameters()
    {
        var random = new SeededRandom(_seed);
        var parameters = new ParameterSet();
        Parameter w1 = parameters.Add("w1", Inputs, Hidden);
        parameters.Add("b1", Hidden);
        Parameter w2 = parameters.Add("w2", Hidden, Classes);
        parameters.Add("b2", Classes);
        Init.HeUniform(w1.Value, Inputs, Hidden, random);
        Init.HeUniform(w2.Value, Hidden, Classes, random);
        return parameters;
    }
}
