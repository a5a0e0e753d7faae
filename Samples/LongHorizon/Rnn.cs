namespace SourceGrad.Samples.LongHorizon;

/// <summary>
/// A tanh RNN read out at every step, hₜ₊₁ = tanh(W·hₜ + u·xₜ + b), ŷₜ = v·hₜ₊₁, with the loss the mean of (ŷₜ − yₜ)²
/// over the whole sequence: the same body three times, its gradient stored whole, with binomial checkpointing (32
/// snapshots) and with √N segments. The parameters are one span: W (H×H), then u, b and v (H each).
/// </summary>
public static partial class Rnn
{
    public const int Hidden = 8;
    public const int ParameterCount = Hidden * Hidden + 3 * Hidden;
    public const int Snapshots = 32;

    [Differentiable]
    public static double StoreAll(ReadOnlySpan<double> p, [NoGrad] ReadOnlySpan<double> x, [NoGrad] ReadOnlySpan<double> y, int steps)
    {
        Span<double> h = stackalloc double[Hidden];
        Span<double> next = stackalloc double[Hidden];
        double loss = 0;
        for (int t = 0; t < steps; t++)
        {
            double prediction = 0;
            for (int i = 0; i < Hidden; i++)
            {
                double z = p[Hidden * Hidden + Hidden + i] + p[Hidden * Hidden + i] * x[t];
                for (int j = 0; j < Hidden; j++)
                {
                    z += p[i * Hidden + j] * h[j];
                }

                next[i] = Math.Tanh(z);
                prediction += p[Hidden * Hidden + 2 * Hidden + i] * next[i];
            }

            for (int i = 0; i < Hidden; i++)
            {
                h[i] = next[i];
            }

            double error = prediction - y[t];
            loss += error * error;
        }

        return loss / steps;
    }

    [Differentiable(Checkpoint = CheckpointMode.Binomial, Snapshots = Snapshots)]
    public static double Binomial(ReadOnlySpan<double> p, [NoGrad] ReadOnlySpan<double> x, [NoGrad] ReadOnlySpan<double> y, int steps)
    {
        Span<double> h = stackalloc double[Hidden];
        Span<double> next = stackalloc double[Hidden];
        double loss = 0;
        for (int t = 0; t < steps; t++)
        {
            double prediction = 0;
            for (int i = 0; i < Hidden; i++)
            {
                double z = p[Hidden * Hidden + Hidden + i] + p[Hidden * Hidden + i] * x[t];
                for (int j = 0; j < Hidden; j++)
                {
                    z += p[i * Hidden + j] * h[j];
                }

                next[i] = Math.Tanh(z);
                prediction += p[Hidden * Hidden + 2 * Hidden + i] * next[i];
            }

            for (int i = 0; i < Hidden; i++)
            {
                h[i] = next[i];
            }

            double error = prediction - y[t];
            loss += error * error;
        }

        return loss / steps;
    }

    [Differentiable(Checkpoint = CheckpointMode.SqrtN)]
    public static double SqrtN(ReadOnlySpan<double> p, [NoGrad] ReadOnlySpan<double> x, [NoGrad] ReadOnlySpan<double> y, int steps)
    {
        Span<double> h = stackalloc double[Hidden];
        Span<double> next = stackalloc double[Hidden];
        double loss = 0;
        for (int t = 0; t < steps; t++)
        {
            double prediction = 0;
            for (int i = 0; i < Hidden; i++)
            {
                double z = p[Hidden * Hidden + Hidden + i] + p[Hidden * Hidden + i] * x[t];
                for (int j = 0; j < Hidden; j++)
                {
                    z += p[i * Hidden + j] * h[j];
                }

                next[i] = Math.Tanh(z);
                prediction += p[Hidden * Hidden + 2 * Hidden + i] * next[i];
            }

            for (int i = 0; i < Hidden; i++)
            {
                h[i] = next[i];
            }

            double error = prediction - y[t];
            loss += error * error;
        }

        return loss / steps;
    }
}
