namespace SourceGrad.Benchmarks.Torch;

/// <summary>
/// The benchmark's fixed problem: a 784→128→10 ReLU MLP with softmax cross-entropy, He-uniform initial weights
/// and a synthetic MNIST-shaped batch, all from one seed, so every contender starts from the same numbers.
/// Weights are stored [in × out] (y = x·W + b).
/// </summary>
public sealed class MlpProblem
{
    public const int Inputs = 784, Hidden = 128, Classes = 10;
    public const float LearningRate = 0.01f;

    public MlpProblem(int batch, ulong seed = 2024)
    {
        if (batch < 1)
        {
            throw new ArgumentException($"The batch needs at least one example, but was {batch}.", nameof(batch));
        }

        Batch = batch;
        var random = new SplitMix64(seed);
        W1 = random.HeUniform(Inputs, Hidden);
        B1 = new float[Hidden];
        W2 = random.HeUniform(Hidden, Classes);
        B2 = new float[Classes];
        X = random.Uniform(batch * Inputs, 0, 1); // pixel intensities
        Labels = new int[batch];
        for (int i = 0; i < batch; i++)
        {
            Labels[i] = (int)(random.Next() % Classes);
        }
    }

    public int Batch { get; }

    public float[] W1 { get; }

    public float[] B1 { get; }

    public float[] W2 { get; }

    public float[] B2 { get; }

    public float[] X { get; }

    public int[] Labels { get; }

    /// <summary>Deterministic bits on every machine (System.Random's algorithm is unspecified).</summary>
    private sealed class SplitMix64(ulong state)
    {
        public ulong Next()
        {
            ulong z = state += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }

        public float[] Uniform(int count, double low, double high)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = (float)(low + (high - low) * ((Next() >> 11) * (1.0 / (1UL << 53))));
            }

            return values;
        }

        /// <summary>U(−√(6/fanIn), √(6/fanIn)): He/Kaiming uniform for ReLU layers.</summary>
        public float[] HeUniform(int fanIn, int fanOut)
        {
            double bound = Math.Sqrt(6.0 / fanIn);
            return Uniform(fanIn * fanOut, -bound, bound);
        }
    }
}
