namespace SourceGrad.Tests.Generated;

public static partial class LectureExamples
{
    /// <summary>The lecture's L = ½(w2·relu(w1·x) − y)².</summary>
    [Differentiable]
    public static double Loss(double x, double w1, double w2, [NoGrad] double y)
    {
        double h = Math.Max(0, w1 * x);
        double r = w2 * h - y;
        return 0.5 * r * r;
    }

    [Differentiable]
    public static float Sigmoid(float w0, float w1, float w2, [NoGrad] float x1, [NoGrad] float x2) =>
        1f / (1f + MathF.Exp(-(w0 + w1 * x1 + w2 * x2)));

    [Differentiable]
    public static double Power(double x, int n)
    {
        double p = 1;
        for (int i = 0; i < n; i++)
        {
            p *= x;
        }

        return p;
    }

    [Differentiable]
    public static double Iterate(double x, double c, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            x = x * x + c;
            if (x > 10)
            {
                break;
            }
        }

        return x;
    }

    [Differentiable]
    public static float Dense(ReadOnlySpan<float> w, [NoGrad] ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
    {
        float total = 0;
        for (int r = 0; r < rows; r++)
        {
            float s = 0;
            for (int c = 0; c < cols; c++)
            {
                s += w[r * cols + c] * x[c];
            }

            y[r] = s > 0 ? s : 0;
            total += y[r] * y[r];
        }

        return total;
    }
}

public class LectureExampleTests
{
    [Fact]
    public void Lecture_loss_gradient_matches_the_slides()
    {
        double dW1 = 0, dW2 = 0, dX = 0;
        double loss = LectureExamples.LossGradient(5, 1, 2, 2, ref dX, ref dW1, ref dW2);
        Assert.Equal(32, loss, 12);
        Assert.Equal(80, dW1, 12);
        Assert.Equal(40, dW2, 12);
    }
}
