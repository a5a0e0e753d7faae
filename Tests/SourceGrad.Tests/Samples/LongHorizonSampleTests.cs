using SourceGrad.Samples.LongHorizon;

namespace SourceGrad.Tests.Samples;

/// <summary>
/// Samples/LongHorizon on a short sequence: its checkpointed gradients are the store-all one bit for bit, they hold far
/// less, and training with the binomial one lowers the loss.
/// </summary>
public class LongHorizonSampleTests
{
    [Fact]
    public void Checkpointed_gradients_match_store_all_hold_less_and_train()
    {
        var output = new StringWriter();
        (IReadOnlyList<ModeReport> modes, IReadOnlyList<double> losses) = LongHorizonRun.Run(steps: 400, epochs: 4, learningRate: 0.2, output);

        Assert.Equal(["store-all", "sqrt-n", "binomial"], modes.Select(m => m.Mode));
        Assert.All(modes, m => Assert.True(m.SameGradient, $"{m.Mode} differs from store-all"));
        Assert.True(modes[1].SavedBytes * 4 < modes[0].SavedBytes);
        Assert.True(modes[2].SavedBytes * 20 < modes[0].SavedBytes);
        Assert.True(losses[^1] < losses[0], $"loss went from {losses[0]} to {losses[^1]}");
        Assert.Contains("binomial (32 snapshots)", output.ToString());
    }

    [Fact]
    public void Saved_bytes_follow_the_schedules()
    {
        Assert.Equal(100_000L * LongHorizonRun.StepSaveBytes, LongHorizonRun.SavedBytes("store-all", 100_000));
        // Binomial records runs of 100,000 / (16 × 32) iterations (Revolve.BinomialRecordLength).
        Assert.Equal(32L * LongHorizonRun.StateBytes + 195L * LongHorizonRun.StepSaveBytes, LongHorizonRun.SavedBytes("binomial", 100_000));
        Assert.Equal(315L * LongHorizonRun.StateBytes + 317L * LongHorizonRun.StepSaveBytes, LongHorizonRun.SavedBytes("sqrt-n", 100_000));
    }
}
