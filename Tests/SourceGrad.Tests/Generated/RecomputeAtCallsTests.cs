namespace SourceGrad.Tests.Generated;

/// <summary>
/// Callees in pairs with the same body: the first has split mode, so a calling gradient keeps its internals (calls
/// CForward, then CBackward with the state); the second is marked Recompute = true, so a calling gradient calls the callee
/// and then CGradient, which runs it again. The callers below come in the same pairs, so the two gradients can be compared.
/// </summary>
public static partial class RecomputeModels
{
    [Differentiable(Split = true)]
    public static double Energy(double x, double w)
    {
        double a = Math.Tanh(w * x);
        return a * a + Math.Sin(x * w) * 0.5;
    }

    [Differentiable(Split = true, Recompute = true)]
    public static double EnergyR(double x, double w)
    {
        double a = Math.Tanh(w * x);
        return a * a + Math.Sin(x * w) * 0.5;
    }

    /// <summary>Writes its output span: the caller's reverse sweep hands CBackward the span as CForward left it.</summary>
    [Differentiable(Split = true)]
    public static void Squash(ReadOnlySpan<double> x, double a, Span<double> y)
    {
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = Math.Tanh(a * x[i]);
        }
    }

    [Differentiable(Split = true, Recompute = true)]
    public static void SquashR(ReadOnlySpan<double> x, double a, Span<double> y)
    {
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = Math.Tanh(a * x[i]);
        }
    }

    /// <summary>Updates its span in place.</summary>
    [Differentiable(Split = true)]
    public static void Smooth(Span<double> v, double a)
    {
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = Math.Sin(a * v[i]) + v[i];
        }
    }

    [Differentiable(Split = true, Recompute = true)]
    public static void SmoothR(Span<double> v, double a)
    {
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = Math.Sin(a * v[i]) + v[i];
        }
    }

    /// <summary>A while loop (its values on a stack) left by an early return.</summary>
    [Differentiable(Split = true)]
    public static double Settle(double x, int steps)
    {
        double y = x;
        for (int k = 0; k < steps; k++)
        {
            y = Math.Sin(y) * x + 0.25;
            if (y > 0.9)
            {
                return y * y;
            }
        }

        return y;
    }

    [Differentiable(Split = true, Recompute = true)]
    public static double SettleR(double x, int steps)
    {
        double y = x;
        for (int k = 0; k < steps; k++)
        {
            y = Math.Sin(y) * x + 0.25;
            if (y > 0.9)
            {
                return y * y;
            }
        }

        return y;
    }

    /// <summary>A callee that itself keeps the internals of the callee it calls.</summary>
    [Differentiable(Split = true)]
    public static double Outer(double x, double w)
    {
        double s = 0;
        for (int t = 0; t < 3; t++)
        {
            s += Energy(s + x, w);
        }

        return s * w;
    }

    [Differentiable(Split = true, Recompute = true)]
    public static double OuterR(double x, double w)
    {
        double s = 0;
        for (int t = 0; t < 3; t++)
        {
            s += EnergyR(s + x, w);
        }

        return s * w;
    }

    // The callers, in pairs.
    [Differentiable(Split = true)]
    public static double Scalar(double x, double w) => Energy(x, w) * Energy(w, x) + x;

    [Differentiable(Split = true)]
    public static double ScalarR(double x, double w) => EnergyR(x, w) * EnergyR(w, x) + x;

    [Differentiable(Split = true)]
    public static double KnownTrips(ReadOnlySpan<double> x, double w)
    {
        double s = 0;
        for (int t = 0; t < x.Length; t++)
        {
            s += Energy(s * 0.1 + x[t], w);
        }

        return s;
    }

    [Differentiable(Split = true)]
    public static double KnownTripsR(ReadOnlySpan<double> x, double w)
    {
        double s = 0;
        for (int t = 0; t < x.Length; t++)
        {
            s += EnergyR(s * 0.1 + x[t], w);
        }

        return s;
    }

    [Differentiable]
    public static double UnknownTrips(double x, double w, [NoGrad] double limit)
    {
        double s = x;
        int k = 0;
        while (s < limit && k < 1000)
        {
            s += Energy(s, w) + 0.01;
            k++;
        }

        return s * s;
    }

    [Differentiable]
    public static double UnknownTripsR(double x, double w, [NoGrad] double limit)
    {
        double s = x;
        int k = 0;
        while (s < limit && k < 1000)
        {
            s += EnergyR(s, w) + 0.01;
            k++;
        }

        return s * s;
    }

    [Differentiable(Split = true)]
    public static double Buffers(ReadOnlySpan<double> x, double w, int steps)
    {
        Span<double> h = stackalloc double[x.Length];
        double s = 0;
        for (int t = 0; t < steps; t++)
        {
            Squash(x, w + t * 0.1, h);
            Smooth(h, w);
            for (int i = 0; i < h.Length; i++)
            {
                s += h[i] * x[i];
            }
        }

        return s;
    }

    [Differentiable(Split = true)]
    public static double BuffersR(ReadOnlySpan<double> x, double w, int steps)
    {
        Span<double> h = stackalloc double[x.Length];
        double s = 0;
        for (int t = 0; t < steps; t++)
        {
            SquashR(x, w + t * 0.1, h);
            SmoothR(h, w);
            for (int i = 0; i < h.Length; i++)
            {
                s += h[i] * x[i];
            }
        }

        return s;
    }

    [Differentiable]
    public static void InPlace(Span<double> v, double w)
    {
        Smooth(v, w);
        Smooth(v, w * 0.5);
        v[0] = v[0] * v[1];
    }

    [Differentiable]
    public static void InPlaceR(Span<double> v, double w)
    {
        SmoothR(v, w);
        SmoothR(v, w * 0.5);
        v[0] = v[0] * v[1];
    }

    [Differentiable(Split = true)]
    public static double EarlyReturn(double x, double w, [NoGrad] double limit)
    {
        double y = Settle(x, 20);
        for (int t = 0; t < 4; t++)
        {
            y += Energy(y, w);
            if (y > limit)
            {
                return y * x;
            }
        }

        return y;
    }

    [Differentiable(Split = true)]
    public static double EarlyReturnR(double x, double w, [NoGrad] double limit)
    {
        double y = SettleR(x, 20);
        for (int t = 0; t < 4; t++)
        {
            y += EnergyR(y, w);
            if (y > limit)
            {
                return y * x;
            }
        }

        return y;
    }

    [Differentiable]
    public static double Nested(double x, double w)
    {
        double s = x;
        for (int t = 0; t < 4; t++)
        {
            s = Outer(s, w) + Energy(s, x);
        }

        return s;
    }

    [Differentiable]
    public static double NestedR(double x, double w)
    {
        double s = x;
        for (int t = 0; t < 4; t++)
        {
            s = OuterR(s, w) + EnergyR(s, x);
        }

        return s;
    }
}

public class RecomputeAtCallsTests
{
    private static readonly double[] s_xs = [0.5, -1.25, 2, 0.75, 0.1];

    [Fact]
    public void Scalar_calls_keep_the_callees_internals_and_add_the_recomputed_gradient_bit_for_bit()
    {
        foreach ((double x, double w) in new[] { (0.3, 1.7), (-1.1, 0.4), (2.0, -0.9) })
        {
            double dX = 0, dW = 0, dXr = 0, dWr = 0;
            double y = RecomputeModels.ScalarGradient(x, w, ref dX, ref dW, 0.75);
            double yr = RecomputeModels.ScalarRGradient(x, w, ref dXr, ref dWr, 0.75);
            Assert.Equal(RecomputeModels.Scalar(x, w), y);
            Assert.Equal(yr, y);
            Assert.Equal(dXr, dX);
            Assert.Equal(dWr, dW);
            Assert.NotEqual(0, dX);
        }
    }

    [Fact]
    public void Calls_in_a_loop_with_a_known_trip_count_keep_one_state_per_iteration()
    {
        double[] dX = new double[5], dXr = new double[5];
        double dW = 0, dWr = 0;
        double y = RecomputeModels.KnownTripsGradient(s_xs, 0.8, dX, ref dW);
        double yr = RecomputeModels.KnownTripsRGradient(s_xs, 0.8, dXr, ref dWr);
        Assert.Equal(yr, y);
        Assert.Equal(dXr, dX);
        Assert.Equal(dWr, dW);
        Assert.All(dX, d => Assert.NotEqual(0, d));
    }

    [Fact]
    public void Calls_in_a_loop_without_a_trip_count_keep_their_states_on_a_stack()
    {
        foreach (double limit in new[] { -1.0, 0.6, 3.0, 12.0 })
        {
            double dX = 0, dW = 0, dXr = 0, dWr = 0;
            double y = RecomputeModels.UnknownTripsGradient(0.2, 1.3, limit, ref dX, ref dW);
            double yr = RecomputeModels.UnknownTripsRGradient(0.2, 1.3, limit, ref dXr, ref dWr);
            Assert.Equal(RecomputeModels.UnknownTrips(0.2, 1.3, limit), y);
            Assert.Equal(yr, y);
            Assert.Equal(dXr, dX);
            Assert.Equal(dWr, dW);
        }
    }

    [Fact]
    public void Callees_writing_buffers_get_them_back_as_their_forward_left_them()
    {
        foreach (int steps in new[] { 0, 1, 3 })
        {
            double[] dX = new double[5], dXr = new double[5];
            double dW = 0, dWr = 0;
            double y = RecomputeModels.BuffersGradient(s_xs, 0.7, steps, dX, ref dW);
            double yr = RecomputeModels.BuffersRGradient(s_xs, 0.7, steps, dXr, ref dWr);
            Assert.Equal(RecomputeModels.Buffers(s_xs, 0.7, steps), y);
            Assert.Equal(yr, y);
            Assert.Equal(dXr, dX);
            Assert.Equal(dWr, dW);
        }

        double[] v = [0.5, -0.25, 1.5], vr = [0.5, -0.25, 1.5], dV = [1, 2, 3], dVr = [1, 2, 3];
        double dw = 0, dwr = 0;
        RecomputeModels.InPlaceGradient(v, 0.9, dV, ref dw);
        RecomputeModels.InPlaceRGradient(vr, 0.9, dVr, ref dwr);
        Assert.Equal(vr, v);
        Assert.Equal(dVr, dV);
        Assert.Equal(dwr, dw);
        Assert.NotEqual(0, dw);
    }

    [Fact]
    public void Early_returns_in_the_callee_and_in_the_caller()
    {
        foreach ((double x, double limit) in new[] { (0.2, 100.0), (0.2, 1.0), (0.7, 0.5), (-0.4, 2.0) })
        {
            double dX = 0, dW = 0, dXr = 0, dWr = 0;
            double y = RecomputeModels.EarlyReturnGradient(x, 0.6, limit, ref dX, ref dW);
            double yr = RecomputeModels.EarlyReturnRGradient(x, 0.6, limit, ref dXr, ref dWr);
            Assert.Equal(RecomputeModels.EarlyReturn(x, 0.6, limit), y);
            Assert.Equal(yr, y);
            Assert.Equal(dXr, dX);
            Assert.Equal(dWr, dW);
        }
    }

    [Fact]
    public void Nested_calls_keep_the_states_of_callees_that_keep_states()
    {
        double dX = 0, dW = 0, dXr = 0, dWr = 0;
        double y = RecomputeModels.NestedGradient(0.3, 0.45, ref dX, ref dW);
        double yr = RecomputeModels.NestedRGradient(0.3, 0.45, ref dXr, ref dWr);
        Assert.Equal(RecomputeModels.Nested(0.3, 0.45), y);
        Assert.Equal(yr, y);
        Assert.Equal(dXr, dX);
        Assert.Equal(dWr, dW);
        Assert.NotEqual(0, dW);
    }

    [Fact]
    public void A_caller_in_split_mode_keeps_its_callees_states_between_its_forward_and_backward()
    {
        double[] dX = new double[5], dXs = new double[5];
        double dW = 0, dWs = 0;
        double y = RecomputeModels.KnownTripsGradient(s_xs, 0.8, dX, ref dW, 0.5);
        double ys = RecomputeModels.KnownTripsForward(s_xs, 0.8, out RecomputeModels.KnownTripsSaved saved);
        RecomputeModels.KnownTripsBackward(s_xs, 0.8, ref saved, dXs, ref dWs, 0.5);
        Assert.Equal(y, ys);
        Assert.Equal(dX, dXs);
        Assert.Equal(dW, dWs);

        double dx = 0, dw = 0, dxs = 0, dws = 0;
        RecomputeModels.ScalarGradient(0.3, 1.1, ref dx, ref dw);
        RecomputeModels.ScalarForward(0.3, 1.1, out RecomputeModels.ScalarSaved scalarSaved);
        RecomputeModels.ScalarBackward(0.3, 1.1, ref scalarSaved, ref dxs, ref dws);
        Assert.Equal(dx, dxs);
        Assert.Equal(dw, dws);

        // A state no backward pass reads gives back its callees' states too.
        RecomputeModels.KnownTripsForward(s_xs, 0.8, out RecomputeModels.KnownTripsSaved unread);
        unread.Dispose();
    }

    [Fact]
    public void Kept_states_allocate_nothing_in_steady_state()
    {
        double[] dX = new double[5];
        double[] v = new double[5], dV = new double[5];
        void Round()
        {
            double dW = 0, dx = 0;
            RecomputeModels.KnownTripsGradient(s_xs, 0.8, dX, ref dW);
            RecomputeModels.UnknownTripsGradient(0.2, 1.3, 3.0, ref dx, ref dW);
            RecomputeModels.BuffersGradient(s_xs, 0.7, 3, dX, ref dW);
            RecomputeModels.NestedGradient(0.3, 0.45, ref dx, ref dW);
            RecomputeModels.EarlyReturnGradient(0.2, 0.6, 1.0, ref dx, ref dW);
            s_xs.CopyTo(v, 0);
            RecomputeModels.InPlaceGradient(v, 0.9, dV, ref dW);
            RecomputeModels.KnownTripsForward(s_xs, 0.8, out RecomputeModels.KnownTripsSaved saved);
            RecomputeModels.KnownTripsBackward(s_xs, 0.8, ref saved, dX, ref dW);
        }

        Allocations.AssertSteadyStateAllocatesNothing(Round, steps: 100, warmup: 10);
    }
}
