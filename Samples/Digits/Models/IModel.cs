namespace SourceGrad.Samples.Digits.Models;

/// <summary>A model trained on minibatches of digits: its parameters and one call to its generated gradient.</summary>
internal interface ITrainable
{
    /// <summary>The name stored in saved model files, so a file of one model is not loaded into another.</summary>
    string Kind { get; }

    ParameterSet Parameters { get; }

    /// <summary>Sets the initial weights from <paramref name="random"/> (biases start at zero).</summary>
    void Initialize(SeededRandom random);

    /// <summary>"784-128-10", say: the layer sizes.</summary>
    string Architecture { get; }

    /// <summary>
    /// Zeroes the gradients, then runs the generated gradient of the model's loss on the first <paramref name="count"/>
    /// images (and their labels), leaving ∂loss/∂parameter in each <see cref="Parameter.Gradient"/>. Returns the loss.
    /// </summary>
    float ComputeGradient(ReadOnlySpan<float> images, ReadOnlySpan<int> labels, int count);
}

/// <summary>
/// A model whose gradient can also be computed data-parallel (<c>--threads n</c>): on shards of a minibatch held in
/// arrays, which several threads read at once.
/// </summary>
internal interface IShardedTrainable : ITrainable, IShardGradient
{
    /// <summary>The minibatch the following <see cref="IShardGradient.ComputeShardGradient"/> calls read their shards from.</summary>
    void UseBatch(float[] images, int[] labels);
}

/// <summary>A model that maps each image to one score (logit) per class.</summary>
internal interface IClassifier : ITrainable
{
    int Classes { get; }

    /// <summary>Writes the logits of the first <paramref name="count"/> images into <paramref name="logits"/> (count × <see cref="Classes"/>).</summary>
    void ComputeLogits(ReadOnlySpan<float> images, int count, Span<float> logits);
}
