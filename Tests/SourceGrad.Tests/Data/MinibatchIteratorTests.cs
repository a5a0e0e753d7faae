using SourceGrad.Data;

namespace SourceGrad.Tests.Data;

public class MinibatchIteratorTests
{
    private const int Pixels = MnistDataSet.PixelsPerImage;

    /// <summary>25 images; image i is filled with the value i, its label is i % 10.</summary>
    private static MnistDataSet Numbered(int count = 25)
    {
        var images = new float[count * Pixels];
        for (int i = 0; i < count; i++)
            images.AsSpan(i * Pixels, Pixels).Fill(i);
        return new MnistDataSet(images, Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray());
    }

    private static List<int> Epoch(MinibatchIterator batches, List<int>? counts = null)
    {
        var x = new float[batches.BatchSize * Pixels];
        var y = new int[batches.BatchSize];
        var seen = new List<int>();
        while (batches.NextBatch(x, y, out int count))
        {
            counts?.Add(count);
            for (int b = 0; b < count; b++)
            {
                int image = (int)x[b * Pixels];
                Assert.Equal(image % 10, y[b]);
                Assert.Equal(image, x[b * Pixels + Pixels - 1]);
                seen.Add(image);
            }
        }
        return seen;
    }

    [Fact]
    public void An_epoch_visits_every_image_once_in_batches()
    {
        var batches = new MinibatchIterator(Numbered(), batchSize: 8, new SeededRandom(1));
        var counts = new List<int>();

        List<int> seen = Epoch(batches, counts);

        Assert.Equal([8, 8, 8, 1], counts);
        Assert.Equal(4, batches.BatchesPerEpoch);
        Assert.Equal(Enumerable.Range(0, 25), seen.Order());
        Assert.NotEqual(Enumerable.Range(0, 25), seen);
        Assert.Equal(seen, batches.Order.ToArray());
    }

    [Fact]
    public void The_same_seed_gives_the_same_batches()
    {
        var first = new MinibatchIterator(Numbered(), 6, new SeededRandom(77));
        var second = new MinibatchIterator(Numbered(), 6, new SeededRandom(77));
        var other = new MinibatchIterator(Numbered(), 6, new SeededRandom(78));

        List<int> a1 = Epoch(first), a2 = Epoch(first);
        List<int> b1 = Epoch(second), b2 = Epoch(second);

        Assert.Equal(a1, b1);
        Assert.Equal(a2, b2);
        Assert.NotEqual(a1, a2); // each epoch is shuffled again
        Assert.NotEqual(a1, Epoch(other));
        Assert.Equal(2, first.Epoch);
    }

    [Fact]
    public void The_order_is_fixed_on_every_machine()
    {
        // Fisher–Yates driven by xoshiro256** seed 3: the same permutation SeededRandomTests checks for 10 items.
        var batches = new MinibatchIterator(Numbered(10), 4, new SeededRandom(3));
        Assert.Equal([9, 4, 8, 0, 7, 2, 3, 1, 5, 6], Epoch(batches));
    }

    [Fact]
    public void Without_a_random_the_stored_order_is_kept_and_dropLast_skips_the_short_batch()
    {
        var batches = new MinibatchIterator(Numbered(), 10, random: null, dropLast: true);

        Assert.Equal(Enumerable.Range(0, 20), Epoch(batches));
        Assert.Equal(2, batches.BatchesPerEpoch);
    }

    [Fact]
    public void Batches_allocate_nothing()
    {
        var batches = new MinibatchIterator(Numbered(200), 16, new SeededRandom(5));
        var x = new float[16 * Pixels];
        var y = new int[16];
        int epochs = 0, total = 0;
        Allocations.AssertSteadyStateAllocatesNothing(() =>
        {
            epochs++;
            while (batches.NextBatch(x, y, out int count))
                total += count;
        }, steps: 3, warmup: 1);

        Assert.Equal(200 * epochs, total);
    }

    [Fact]
    public void Buffers_and_sizes_are_checked()
    {
        var batches = new MinibatchIterator(Numbered(), 4);

        Assert.Equal("images", Assert.Throws<ArgumentException>(() => batches.NextBatch(new float[3 * Pixels], new int[4], out _)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => batches.NextBatch(new float[4 * Pixels], new int[3], out _)).ParamName);
        Assert.Equal("batchSize", Assert.ThrowsAny<ArgumentException>(() => new MinibatchIterator(Numbered(), 0)).ParamName);
        Assert.Equal("batchSize", Assert.ThrowsAny<ArgumentException>(() => new MinibatchIterator(Numbered(), 26)).ParamName);
    }
}
