namespace SourceGrad.Tests.Generated;

/// <summary>Methods whose split mode the tests below run: buffers, in-place updates, early returns and stacks.</summary>
public static partial class SplitModels
{
    /// <summary>A stackalloc'd hidden layer that the reverse sweep reads: split mode keeps it in a pooled buffer.</summary>
    [Differentiable(Split = true)]
    public static double HiddenLayer(ReadOnlySpan<double> x, ReadOnlySpan<double> w, int n)
    {
        Span<double> h = stackalloc double[n];
        for (int i = 0; i < n; i++)
        {
            h[i] = Math.Tanh(w[i] * x[i]);
        }

        double s = 0;
        for (int i = 0; i < n; i++)
        {
            s += h[i] * h[i];
        }

        return s;
    }

    /// <summary>Overwrites its span in place: the reverse sweep restores the old contents, then puts the final ones back.</summary>
    [Differentiable(Split = true)]
    public static void TanhInPlace(Span<double> v, double a)
    {
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = Math.Tanh(a * v[i]);
        }
    }

    /// <summary>A while loop (its values on a stack) left by an early return.</summary>
    [Differentiable(Split = true)]
    public static double Iterate(double x, int steps)
    {
        double y = x;
        int k = 0;
        while (k < steps)
        {
            y = Math.Sin(y) * x + 0.25;
            if (y > 0.9)
            {
                return y * y;
            }

            k++;
        }

        return y;
    }

    /// <summary>A layer for composing: y = tanh(w ⊙ x + b), written into its output span.</summary>
    [Differentiable(Split = true)]
    public static void Layer(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y)
    {
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = MathF.Tanh(w[i] * x[i] + b[i]);
        }
    }
}

public class SplitModeTests
{
    [Fact]
    public void A_stackallocd_buffer_the_reverse_sweep_reads_crosses_in_pooled_storage()
    {
        double[] x = [0.5, -1.25, 2, 0.75], w = [1.5, 0.25, -0.5, 2];
        double[] dXg = new double[4], dWg = new double[4], dXs = new double[4], dWs = new double[4];

        double expected = SplitModels.HiddenLayerGradient(x, w, 4, dXg, dWg, 0.5);
        double forward = SplitModels.HiddenLayerForward(x, w, 4, out SplitModels.HiddenLayerSaved saved);
        SplitModels.HiddenLayerBackward(x, w, 4, ref saved, dXs, dWs, 0.5);

        Assert.Equal(expected, forward);
        Assert.Equal(SplitModels.HiddenLayer(x, w, 4), forward);
        Assert.Equal(dXg, dXs);
        Assert.Equal(dWg, dWs);
    }

    [Fact]
    public void A_span_written_in_place_holds_the_forwards_final_contents_before_and_after_the_backward()
    {
        double[] initial = [0.5, -1.25, 2, 0.75];
        double[] vg = (double[])initial.Clone(), dVg = [1, -2, 0.5, 3];
        double dAg = 0;
        SplitModels.TanhInPlaceGradient(vg, 1.5, dVg, ref dAg);

        double[] vs = (double[])initial.Clone(), dVs = [1, -2, 0.5, 3];
        double dAs = 0;
        SplitModels.TanhInPlaceForward(vs, 1.5, out SplitModels.TanhInPlaceSaved saved);
        Assert.Equal(vg, vs);

        // The same span goes back in, holding what the forward left; the reverse sweep restores the initial contents
        // element by element as it goes, and the final ones are put back before MBackward returns.
        SplitModels.TanhInPlaceBackward(vs, 1.5, ref saved, dVs, ref dAs);
        Assert.Equal(vg, vs);
        Assert.Equal(dVg, dVs);
        Assert.Equal(dAg, dAs);
    }

    [Theory]
    [InlineData(0.3, 0)]
    [InlineData(0.3, 2)]
    [InlineData(0.3, 50)]
    [InlineData(0.95, 50)]
    public void An_early_return_from_a_loop_with_a_stack_gives_the_gradients_values(double x, int steps)
    {
        double dXg = 0, dXs = 0;
        double expected = SplitModels.IterateGradient(x, steps, ref dXg, 1.5);
        double forward = SplitModels.IterateForward(x, steps, out SplitModels.IterateSaved saved);
        SplitModels.IterateBackward(x, steps, ref saved, ref dXs, 1.5);

        Assert.Equal(expected, forward);
        Assert.Equal(BitConverter.DoubleToInt64Bits(dXg), BitConverter.DoubleToInt64Bits(dXs));
    }

    [Fact]
    public void Saved_states_kept_in_an_array_compose_layers_like_a_sequential_network()
    {
        const int depth = 5, width = 8;
        var rng = new Random(17);
        float[][] w = Enumerable.Range(0, depth).Select(_ => Enumerable.Range(0, width).Select(_ => (float)rng.NextDouble() * 2 - 1).ToArray()).ToArray();
        float[][] b = Enumerable.Range(0, depth).Select(_ => Enumerable.Range(0, width).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray()).ToArray();
        float[][] activations = Enumerable.Range(0, depth + 1).Select(_ => new float[width]).ToArray();
        for (int i = 0; i < width; i++) activations[0][i] = (float)rng.NextDouble();

        // Forward through every layer, keeping each one's state in an array.
        var states = new SplitModels.LayerSaved[depth];
        for (int l = 0; l < depth; l++)
        {
            SplitModels.LayerForward(activations[l], w[l], b[l], activations[l + 1], out states[l]);
        }

        // Backward from the top, loss = sum of the last activations.
        float[] upstream = Enumerable.Repeat(1f, width).ToArray();
        float[][] dW = Enumerable.Range(0, depth).Select(_ => new float[width]).ToArray();
        float[][] dB = Enumerable.Range(0, depth).Select(_ => new float[width]).ToArray();
        for (int l = depth - 1; l >= 0; l--)
        {
            float[] dX = new float[width];
            SplitModels.LayerBackward(activations[l], w[l], b[l], activations[l + 1], ref states[l], dX, dW[l], dB[l], upstream);
            upstream = dX;
        }

        // The same chain through MGradient, layer by layer, with the activations as the forward left them.
        float[] upstreamG = Enumerable.Repeat(1f, width).ToArray();
        for (int l = depth - 1; l >= 0; l--)
        {
            float[] dX = new float[width], dWg = new float[width], dBg = new float[width];
            float[] y = new float[width];
            SplitModels.LayerGradient(activations[l], w[l], b[l], y, dX, dWg, dBg, upstreamG);
            Assert.Equal(activations[l + 1], y);
            Assert.Equal(dWg, dW[l]);
            Assert.Equal(dBg, dB[l]);
            upstreamG = dX;
        }

        Assert.Equal(upstreamG, upstream);
    }

    [Fact]
    public void A_second_backward_on_the_same_state_throws_naming_the_method()
    {
        double dX = 0;
        SplitModels.IterateForward(0.3, 5, out SplitModels.IterateSaved saved);
        SplitModels.IterateBackward(0.3, 5, ref saved, ref dX);

        var exception = Assert.Throws<InvalidOperationException>(() => SplitModels.IterateBackward(0.3, 5, ref saved, ref dX));
        Assert.Contains("IterateBackward already ran on this saved state", exception.Message, StringComparison.Ordinal);
        Assert.Contains("run IterateForward again", exception.Message, StringComparison.Ordinal);
        saved.Dispose(); // after a backward pass, nothing is left to return
    }

    [Fact]
    public void A_backward_after_dispose_throws()
    {
        double dX = 0;
        SplitModels.IterateForward(0.3, 5, out SplitModels.IterateSaved saved);
        saved.Dispose();
        saved.Dispose(); // twice is allowed

        var exception = Assert.Throws<ObjectDisposedException>(() => SplitModels.IterateBackward(0.3, 5, ref saved, ref dX));
        Assert.Contains("IterateBackward: this saved state was disposed", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, dX);
    }

    [Fact]
    public void A_copy_of_a_used_state_and_a_default_state_are_refused()
    {
        double dX = 0;
        SplitModels.IterateForward(0.3, 5, out SplitModels.IterateSaved saved);
        SplitModels.IterateSaved copy = saved;
        SplitModels.IterateBackward(0.3, 5, ref saved, ref dX);

        var copied = Assert.Throws<InvalidOperationException>(() => SplitModels.IterateBackward(0.3, 5, ref copy, ref dX));
        Assert.Contains("a copy of this saved state was already passed to IterateBackward or disposed", copied.Message, StringComparison.Ordinal);
        copy.Dispose(); // must not return the storage the backward pass already returned

        SplitModels.IterateSaved never = default;
        var empty = Assert.Throws<InvalidOperationException>(() => SplitModels.IterateBackward(0.3, 5, ref never, ref dX));
        Assert.Contains("the saved state was never filled", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_and_backward_allocate_nothing_in_steady_state()
    {
        double[] x = [0.5, -1.25, 2, 0.75], w = [1.5, 0.25, -0.5, 2], dX = new double[4], dW = new double[4];
        var states = new SplitModels.HiddenLayerSaved[4];
        void Round()
        {
            for (int i = 0; i < states.Length; i++) SplitModels.HiddenLayerForward(x, w, 4, out states[i]);
            for (int i = states.Length - 1; i >= 0; i--) SplitModels.HiddenLayerBackward(x, w, 4, ref states[i], dX, dW);
            double d = 0;
            SplitModels.IterateForward(0.3, 40, out SplitModels.IterateSaved saved);
            SplitModels.IterateBackward(0.3, 40, ref saved, ref d);
        }

        Allocations.AssertSteadyStateAllocatesNothing(Round, steps: 100, warmup: 10);
    }
}
