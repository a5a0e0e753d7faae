using SourceGrad.Data;
using SourceGrad.Samples.Digits.Models;

namespace SourceGrad.Samples.Distributed.Training;

/// <summary>
/// One copy of the digits MLP (Samples/Digits, <see cref="Mlp"/>) with the minibatch arrays its shards read: what
/// every worker grain and the in-process reference hold. A shard's gradient reads only that shard's examples, so a
/// replica gathers only the rows of the shards it computes.
/// </summary>
internal sealed class MlpReplica
{
    private readonly MnistDataSet _data;
    private readonly float[] _images;
    private readonly int[] _labels;

    public MlpReplica(MnistDataSet data, int hidden, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _data = data;
        Model = new Mlp(hidden);
        _images = new float[batchSize * MnistDataSet.PixelsPerImage];
        _labels = new int[batchSize];
        Model.UseBatch(_images, _labels);
    }

    public Mlp Model { get; }

    public ParameterSet Parameters => Model.Parameters;

    /// <summary>Copies digits <paramref name="batch"/>[from … from + count − 1] of the data set into the same rows of the minibatch.</summary>
    public void Gather(ReadOnlySpan<int> batch, int from, int count)
    {
        if (batch.Length > _labels.Length)
            throw new ArgumentException($"{nameof(batch)} holds {batch.Length} digits, more than the batch size {_labels.Length} this replica was made for.", nameof(batch));
        for (int row = from; row < from + count; row++)
        {
            int digit = batch[row];
            if ((uint)digit >= (uint)_data.Count)
                throw new ArgumentOutOfRangeException(nameof(batch), digit, $"{nameof(batch)}[{row}] must be a digit in [0, {_data.Count}), but was {digit}.");
            _data.GetImage(digit).CopyTo(_images.AsSpan(row * MnistDataSet.PixelsPerImage, MnistDataSet.PixelsPerImage));
            _labels[row] = _data.Labels[digit];
        }
    }
}
