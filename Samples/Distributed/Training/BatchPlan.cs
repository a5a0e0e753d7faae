namespace SourceGrad.Samples.Distributed.Training;

/// <summary>
/// Which digits each step trains on: every epoch a new seeded permutation of the data set, cut into minibatches (the
/// last one shorter). The coordinator sends each step's list to the workers, which read the digits from their own copy
/// of the data: only indices travel.
/// </summary>
internal static class BatchPlan
{
    public static IEnumerable<int[]> Batches(int digits, int batchSize, int epochs, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        var random = new SeededRandom(seed);
        int[] order = [.. Enumerable.Range(0, digits)];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            for (int start = 0; start < digits; start += batchSize)
                yield return order[start..Math.Min(digits, start + batchSize)];
        }
    }
}
