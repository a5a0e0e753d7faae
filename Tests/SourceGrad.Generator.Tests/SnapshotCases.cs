namespace SourceGrad.Generator.Tests;

/// <summary>The representative methods whose generated gradients are kept as snapshot files.</summary>
public static class SnapshotCases
{
    public const string LectureLoss = """
        public static partial class Lecture
        {
            // L = 0.5 * (w2 * max(0, w1 * x) - y)^2
            [Differentiable]
            public static double Loss(double w1, double w2, [NoGrad] double x, [NoGrad] double y)
            {
                double h = Math.Max(0, w1 * x);
                double prediction = w2 * h;
                double error = prediction - y;
                return 0.5 * error * error;
            }
        }
        """;

    public const string Sigmoid = """
        namespace Demo.Activations
        {
            public static partial class Scalar
            {
                [Differentiable]
                public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
            }
        }
        """;

    public const string OverwrittenScalarInLoop = """
        public static partial class Polynomials
        {
            // Horner's rule: p is overwritten every iteration and its old value is read by the reverse sweep.
            [Differentiable]
            public static double Horner(ReadOnlySpan<double> coefficients, double x)
            {
                double p = 0;
                for (int i = coefficients.Length - 1; i >= 0; i--)
                {
                    p = p * x + coefficients[i];
                }

                return p;
            }
        }
        """;

    public const string SpanMlpLayer = """
        public static partial class Layers
        {
            // y = relu(W x + b), W stored row-major (outputs × inputs).
            [Differentiable]
            public static void Dense(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, int inputs, int outputs)
            {
                for (int o = 0; o < outputs; o++)
                {
                    float sum = b[o];
                    for (int i = 0; i < inputs; i++)
                    {
                        sum += w[o * inputs + i] * x[i];
                    }

                    y[o] = sum > 0 ? sum : 0;
                }
            }
        }
        """;

    public const string EarlyReturnInLoop = """
        public static partial class ControlFlow
        {
            [Differentiable]
            public static double FirstAbove(double x, [NoGrad] double threshold, int n)
            {
                double acc = 1;
                for (int i = 0; i < n; i++)
                {
                    acc = acc * x + 1;
                    if (acc > threshold)
                    {
                        return Math.Log(acc);
                    }
                }

                return acc;
            }
        }
        """;

    public const string CallToDifferentiable = """
        public static partial class Composite
        {
            [Differentiable]
            public static double Square(double a) => a * a;

            [Differentiable]
            public static double SumOfSquares(double x, double y)
            {
                double s = Square(x) + Square(y);
                return Math.Sqrt(s);
            }
        }
        """;

    public const string CallToRule = """
        public static partial class Lecture
        {
            // The lecture's Multiply with save_for_backward, as a hand-written rule.
            public static double Multiply(double a, double b) => a * b;

            [DerivativeOf(nameof(Multiply))]
            public static void MultiplyBackward(double a, double b, ref double dA, ref double dB, double dReturn)
            {
                dA += dReturn * b;
                dB += dReturn * a;
            }

            [Differentiable]
            public static double Area(double width, double height)
            {
                double area = Multiply(width, height);
                return area + Multiply(width, width);
            }
        }
        """;

    public const string VoidOutputSpan = """
        public static partial class Elementwise
        {
            // out[i] = log(1 + exp(scale * in[i]))
            [Differentiable]
            public static void Softplus(ReadOnlySpan<double> input, Span<double> output, double scale)
            {
                for (int i = 0; i < input.Length; i++)
                {
                    output[i] = Math.Log(1 + Math.Exp(scale * input[i]));
                }
            }
        }
        """;

    /// <summary>Forward mode: a tangent through a loop, an in-place span, an early return and a call whose tangent comes with it.</summary>
    public const string TangentOfResidual = """
        public static partial class Forward
        {
            [Differentiable]
            public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

            // r = k·sin(x) − r in place; the mean of softplus(r)², or the sum so far once one passes the limit.
            [Differentiable(Tangent = true)]
            public static double Residual(ReadOnlySpan<double> x, Span<double> r, double k, [NoGrad] double limit)
            {
                double total = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    r[i] = k * Math.Sin(x[i]) - r[i];
                    double s = Softplus(r[i]);
                    if (s > limit)
                    {
                        return total;
                    }

                    total += s * s;
                }

                return total / x.Length;
            }
        }
        """;

    /// <summary>
    /// A Hessian-vector product, forward over reverse: a recurrence that overwrites its state (so the reverse sweep
    /// restores it and its tangent from the saves) and an in-place span with an early return.
    /// </summary>
    public const string HessianVectorOfResidual = """
        public static partial class Curvature
        {
            // r = k·sin(x) − r in place; the mean of r⁴ through h = tanh(h + r), or the sum so far past the limit.
            [Differentiable(HessianVector = true)]
            public static double Residual(ReadOnlySpan<double> x, Span<double> r, double k, [NoGrad] double limit)
            {
                double total = 0;
                double h = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    r[i] = k * Math.Sin(x[i]) - r[i];
                    h = Math.Tanh(h + r[i]);
                    if (h > limit)
                    {
                        return total;
                    }

                    total += h * h * r[i] * r[i];
                }

                return total / x.Length;
            }
        }
        """;

    public const string SplitHiddenLayer = """
        public static partial class Composition
        {
            // Split mode: a stackalloc'd layer the reverse sweep reads (kept in a pooled buffer), and a loop whose trip
            // count is not known on entry (its values on a stack).
            [Differentiable(Split = true)]
            public static double Hidden(ReadOnlySpan<double> x, ReadOnlySpan<double> w, [NoGrad] double limit)
            {
                Span<double> h = stackalloc double[x.Length];
                for (int i = 0; i < x.Length; i++)
                {
                    h[i] = Math.Tanh(w[i] * x[i]);
                }

                double s = 0;
                int k = 0;
                while (k < h.Length && s < limit)
                {
                    s += h[k] * h[k];
                    k++;
                }

                return s;
            }
        }
        """;

    public const string CheckpointedRecurrence = """
        public static partial class LongHorizon
        {
            // Binomial checkpointing of a tanh recurrence: the forward sweep runs the loop without saves, keeping
            // snapshots of h and loss; the reverse sweep runs each iteration again from one, then reverses it.
            [Differentiable(Checkpoint = CheckpointMode.Binomial, Snapshots = 32)]
            public static double Recurrence(double w, double u, ReadOnlySpan<double> x, int steps)
            {
                double h = 0;
                double loss = 0;
                for (int t = 0; t < steps; t++)
                {
                    h = Math.Tanh(w * h + u * x[t]);
                    loss += (h - 0.5) * (h - 0.5);
                }

                return loss + h;
            }
        }
        """;

    /// <summary>
    /// A Hessian-vector product through calls: a [Differentiable] helper (its tangent forward, its seeded product in the
    /// reverse sweep) and the lecture's Multiply with its rule and the rule's second-order rule.
    /// </summary>
    public const string HessianVectorThroughCalls = """
        public static partial class Curvature
        {
            [Differentiable]
            public static double Logistic(double x) => 1 / (1 + Math.Exp(-x));

            public static double Multiply(double a, double b) => a * b;

            [DerivativeOf(nameof(Multiply))]
            public static void MultiplyPullback(double a, double b, ref double dA, ref double dB, double dReturn)
            {
                dA += dReturn * b;
                dB += dReturn * a;
            }

            [TangentOf(nameof(Multiply))]
            public static double MultiplyTangent(double a, double b, double tA, double tB, out double tangent)
            {
                tangent = tA * b + a * tB;
                return a * b;
            }

            [TangentOf(nameof(MultiplyPullback))]
            public static void MultiplyPullbackTangent(double a, double b, ref double dA, ref double dB, double dReturn,
                double tA, double tB, ref double tDA, ref double tDB, double tDReturn)
            {
                tDA += tDReturn * b + dReturn * tB;
                tDB += tDReturn * a + dReturn * tA;
                MultiplyPullback(a, b, ref dA, ref dB, dReturn);
            }

            [Differentiable(HessianVector = true)]
            public static double Energy(double x, double y) => Multiply(Logistic(x), y) * y;
        }
        """;

    /// <summary>Every case by name; the name is only for test output (the snapshot files are named by hint name).</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        [nameof(LectureLoss)] = LectureLoss,
        [nameof(Sigmoid)] = Sigmoid,
        [nameof(OverwrittenScalarInLoop)] = OverwrittenScalarInLoop,
        [nameof(SpanMlpLayer)] = SpanMlpLayer,
        [nameof(EarlyReturnInLoop)] = EarlyReturnInLoop,
        [nameof(CallToDifferentiable)] = CallToDifferentiable,
        [nameof(CallToRule)] = CallToRule,
        [nameof(VoidOutputSpan)] = VoidOutputSpan,
        [nameof(TangentOfResidual)] = TangentOfResidual,
        [nameof(HessianVectorOfResidual)] = HessianVectorOfResidual,
        [nameof(HessianVectorThroughCalls)] = HessianVectorThroughCalls,
        [nameof(SplitHiddenLayer)] = SplitHiddenLayer,
        [nameof(CheckpointedRecurrence)] = CheckpointedRecurrence,
    };
}
