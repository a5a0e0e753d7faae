namespace SourceGrad.Generator.Tests.ConsumerMatrix;

/// <summary>A differentiable method of the corpus and the arguments (arrays for spans) at which its gradient is checked.</summary>
internal sealed record CorpusCase(string Type, string Method, params object[] Arguments)
{
    /// <summary>The harness class that forwards arrays to the method and its gradient (one per method, so cases can share it).</summary>
    public string HarnessName => "Harness_" + Type.Replace('.', '_').Replace('+', '_').Replace('`', '_') + "_" + Method;

    /// <summary>A method of a generic type is checked on the type closed over <see cref="int"/>, by reflection (scalars only).</summary>
    public bool InGenericType => Type.Contains('`', StringComparison.Ordinal);

    public override string ToString() => $"{Type}.{Method}";
}

/// <summary>
/// The differentiable methods of a consumer's project: every construct docs/supported-csharp.md lists, in a
/// file-scoped and a block-scoped namespace, a nested class, a generic type and a struct. It is written as a user
/// whose project has its own <c>Math</c>, <c>MathF</c>, <c>Span</c>, <c>System</c>, <c>Vector</c> and
/// <c>SourceGrad</c> types must write it: the names those types hide are spelled with <c>global::</c>; every other
/// name comes from the files' own usings, which the generated files never see.
/// </summary>
internal static class ConsumerCorpus
{
    public const string Namespace = "Consumer.Matrix";

    private const string Intrinsics = """
        using System;
        using SourceGrad;

        namespace Consumer.Matrix;

        /// <summary>Every Math and MathF function a differentiable method may call, and casts.</summary>
        public static partial class Intrinsics
        {
            [Differentiable(Tangent = true, HessianVector = true, Split = true)]
            public static double Exponentials(double x, double y) =>
                global::System.Math.Exp(x) + global::System.Math.Log(y) + global::System.Math.Log(y, 3) + global::System.Math.Log2(y)
                    + global::System.Math.Log10(y) + global::System.Math.Sqrt(y) + global::System.Math.Cbrt(x) + global::System.Math.Pow(y, x);

            [Differentiable(Tangent = true, HessianVector = true, Split = true)]
            public static double Trigonometry(double x, double y) =>
                global::System.Math.Sin(x) * global::System.Math.Cos(y) + global::System.Math.Tan(x) + global::System.Math.Asin(x / 2)
                    + global::System.Math.Acos(y / 2) + global::System.Math.Atan(x) + global::System.Math.Atan2(x, y)
                    + global::System.Math.Sinh(x) + global::System.Math.Cosh(y) + global::System.Math.Tanh(x * y) * global::System.Math.PI;

            [Differentiable(Tangent = true, HessianVector = true, Split = true)]
            public static double Piecewise(double x, double y)
            {
                double smooth = global::System.Math.Abs(x) + global::System.Math.Min(x, y) + global::System.Math.Max(x, y)
                    + global::System.Math.Clamp(x, -1, 1) + global::System.Math.FusedMultiplyAdd(x, y, x);
                double steps = global::System.Math.Sign(x) + global::System.Math.Floor(y) + global::System.Math.Ceiling(x)
                    + global::System.Math.Round(y) + global::System.Math.Truncate(x);
                return smooth + steps * x;
            }

            [Differentiable(Tangent = true, HessianVector = true, Split = true)]
            public static float SingleExponentials(float x, float y) =>
                global::System.MathF.Exp(x) + global::System.MathF.Log(y) + global::System.MathF.Log(y, 3) + global::System.MathF.Log2(y)
                    + global::System.MathF.Log10(y) + global::System.MathF.Sqrt(y) + global::System.MathF.Cbrt(x) + global::System.MathF.Pow(y, x);

            [Differentiable(Tangent = true, HessianVector = true, Split = true)]
            public static float SingleTrigonometry(float x, float y) =>
                global::System.MathF.Sin(x) * global::System.MathF.Cos(y) + global::System.MathF.Tan(x) + global::System.MathF.Asin(x / 2)
                    + global::System.MathF.Acos(y / 2) + global::System.MathF.Atan(x) + global::System.MathF.Atan2(x, y)
                    + global::System.MathF.Sinh(x) + global::System.MathF.Cosh(y) + global::System.MathF.Tanh(x * y);

            [Differentiable(Tangent = true, HessianVector = true, Split = true)]
            public static float SinglePiecewise(float x, float y)
            {
                // MathF has no Clamp: Math.Clamp has a float overload.
                float smooth = global::System.MathF.Abs(x) + global::System.MathF.Min(x, y) + global::System.MathF.Max(x, y)
                    + global::System.Math.Clamp(x, -1f, 1f) + global::System.MathF.FusedMultiplyAdd(x, y, x);
                float steps = global::System.MathF.Sign(x) + global::System.MathF.Floor(y) + global::System.MathF.Ceiling(x)
                    + global::System.MathF.Round(y) + global::System.MathF.Truncate(x);
                return smooth + steps * x;
            }

            [Differentiable(Tangent = true, HessianVector = true, Split = true)]
            public static float Casts(float x, double y)
            {
                double wide = x;
                float narrow = (float)(wide * y);
                int whole = (int)(y * 10);
                long big = whole;
                return narrow * (float)global::System.Math.Exp(wide) + (float)big / 10 + x * (float)y;
            }
        }
        """;

    private const string ControlFlow = """
        using System;
        using SourceGrad;

        namespace Consumer.Matrix
        {
            /// <summary>Branches, loops, jumps.</summary>
            public static partial class ControlFlow
            {
                private static readonly double s_damping = 0.5;

                [Differentiable(Tangent = true, HessianVector = true, Split = true)]
                public static double Branches(double x, double y)
                {
                    double r;
                    bool positive = x > 0;
                    // Statements over several lines become one-line comments in the gradient.
                    if (x > y
                        && y > -10)
                    {
                        r = x * y;
                    }
                    else if (positive)
                    {
                        r = x + y * y;
                    }
                    else
                    {
                        r = -x;
                    }

                    double s = y > 0 ? r * y : r - y;
                    return s + (x < 1 ? x * x : x);
                }

                [Differentiable(Tangent = true, HessianVector = true, Split = true)]
                public static double Loops(double x, int n)
                {
                    double total = 0;
                    for (int i = 0;
                        i < n;
                        i++)
                    {
                        if (i == 1)
                        {
                            continue;
                        }

                        if (i == 5)
                        {
                            break;
                        }

                        total += x * i;
                    }

                    int k = 0;
                    while (k < n
                        && k < 100)
                    {
                        total = total * s_damping + x;
                        k += 2;
                    }

                    do
                    {
                        total -= global::System.Math.Sin(total) * 0.1;
                        k--;
                    }
                    while (k % 3 != 0
                        && k > -100);

                    total /= 1.5;
                    return total;
                }

                [Differentiable(Tangent = true, HessianVector = true, Split = true)]
                public static double EarlyReturn(ReadOnlySpan<double> v, double threshold)
                {
                    double sum = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        sum += v[i] * threshold;
                        if (sum > 2)
                        {
                            return sum
                                * sum;
                        }
                    }

                    return sum;
                }

                [Differentiable(Tangent = true, HessianVector = true, Split = true)]
                public static double NestedLoops(ReadOnlySpan<double> a, int rows, int cols)
                {
                    double total = 0;
                    for (int r = 0; r < rows; r++)
                    {
                        for (int c = 0; c < cols; c++)
                        {
                            total += a[r * cols + c] * (r + 1) * global::System.Math.Sin(a[r * cols + c]);
                        }
                    }

                    return total;
                }
            }
        }
        """;

    private const string Buffers = """
        using System;
        using SourceGrad;

        namespace Consumer.Matrix;

        /// <summary>Span and array reads and writes, in-place updates of parameters, local buffers, slices.</summary>
        public static partial class Buffers
        {
            [Differentiable(Tangent = true, Split = true)]
            public static void Mix(ReadOnlySpan<double> x, global::System.Span<double> y)
            {
                int n = y.Length;
                for (int i = 0; i < n; i++)
                {
                    y[(i * 2) % n] += x[n - 1 - i] * x[i];
                }
            }

            // In-place writes to a span parameter: the gradient keeps a copy of the final contents.
            [Differentiable(Tangent = true, HessianVector = true, Split = true)]
            public static double ScaleSpan(global::System.Span<double> v, double scale)
            {
                double total = 0;
                for (int i = 0; i < v.Length; i++)
                {
                    v[i] = v[i] * scale;
                    total += v[i] * v[i];
                }

                return total;
            }

            // ... and to array parameters, which the copy reads through a span.
            [Differentiable(Tangent = true, Split = true)]
            public static void ScaleArray(double[] v, double scale)
            {
                for (int i = 0; i < v.Length; i++)
                {
                    v[i] *= scale + v[i];
                }
            }

            [Differentiable(Tangent = true, HessianVector = true, Split = true)]
            public static float SingleScaleArray(float[] v, float scale)
            {
                float total = 0;
                for (int i = 0; i < v.Length; i++)
                {
                    v[i] = global::System.MathF.Tanh(v[i] * scale);
                    total += v[i];
                }

                return total;
            }

            [Differentiable(Tangent = true, HessianVector = true, Split = true)]
            public static double LocalBuffers(ReadOnlySpan<double> w, int n)
            {
                global::System.Span<double> h = stackalloc double[n];
                double[] g = new double[n];
                for (int i = 0; i < n; i++)
                {
                    h[i] = global::System.Math.Tanh(w[i] * (i + 1));
                    g[(i * 2) % n] += h[i] > 0 ? h[i] * h[i] : -h[i];
                }

                double sum = 0;
                for (int i = n - 1; i >= 0; i -= 2)
                {
                    sum += g[i] * global::System.Math.Exp(h[i]);
                }

                return sum;
            }

            [Differentiable(Tangent = true, HessianVector = true, Split = true)]
            public static float SingleLocalBuffers(ReadOnlySpan<float> w)
            {
                global::System.Span<float> squares = stackalloc float[w.Length];
                float[] halves = new float[w.Length];
                float total = 0;
                for (int i = 0; i < w.Length; i++)
                {
                    squares[i] = w[i] * w[i];
                    halves[i] = squares[i] * 0.5f;
                    total += halves[i] + squares[i];
                }

                return total;
            }

            [Differentiable(Tangent = true, Split = true)]
            public static void Smooth(ReadOnlySpan<double> x, global::System.Span<double> y)
            {
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = 0.5 * x[i] + 0.25 * x[i + 1] * x[i + 1];
                }
            }

            // Array and span slices passed to a callee that writes them.
            [Differentiable(Tangent = true, Split = true)]
            public static double Slices(double[] signal, global::System.Span<double> state, double gain)
            {
                double[] first = new double[3];
                Smooth(signal.AsSpan(0, 4), first);
                Smooth(first, signal.AsSpan(2, 2));
                Smooth(signal, state.Slice(1, 2));
                double total = 0;
                for (int i = 0; i < signal.Length; i++)
                {
                    total += signal[i] * gain;
                }

                return total + first[1] + state[0];
            }
        }
        """;

    private const string Calls = """
        using System;
        using SourceGrad;

        namespace Consumer.Matrix;

        /// <summary>Calls to [Differentiable] methods, to [DerivativeOf] and [TangentOf] rules and to the runtime's kernels.</summary>
        public static partial class Calls
        {
            private const int Batch = 2;
            private const int Inputs = 3;
            private const int Hidden = 2;

            public static double Multiply(double x, double y) => x * y;

            [DerivativeOf(nameof(Multiply))]
            public static void MultiplyPullback(double x, double y, ref double dX, ref double dY, double dReturn)
            {
                dX += dReturn * y;
                dY += dReturn * x;
            }

            [TangentOf(nameof(Multiply))]
            public static double MultiplyTangent(double x, double y, double tX, double tY, out double tangent)
            {
                tangent = tX * y + x * tY;
                return x * y;
            }

            [Differentiable(Tangent = true, Split = true)]
            public static double UseRule(double a, double b)
            {
                double p = Multiply(a + 1, b);
                return Multiply(p, a) + Intrinsics.Trigonometry(a, b);
            }

            [Differentiable(Tangent = true, Split = true)]
            public static float Network(
                ReadOnlySpan<float> w, ReadOnlySpan<float> b, [NoGrad] ReadOnlySpan<float> x, [NoGrad] ReadOnlySpan<float> target,
                [NoGrad] float decay)
            {
                global::System.Span<float> hidden = stackalloc float[Batch * Hidden];
                global::System.Span<float> activated = stackalloc float[Batch * Hidden];
                Linalg.MatMul(x, w, hidden, Batch, Inputs, Hidden);
                Linalg.AddBias(hidden, b, Batch, Hidden);
                Activations.Tanh(hidden, activated);
                return Losses.MeanSquaredError(activated, target) + decay * Reductions.Sum(w);
            }
        }
        """;

    private const string Shapes = """
        using SourceGrad;

        namespace Consumer.Matrix
        {
            /// <summary>A nested class.</summary>
            public static partial class Outer
            {
                /// <summary>The class inside.</summary>
                public static partial class Inner
                {
                    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
                    public static double Nested(double x, [NoGrad] double y) => x * x * y;
                }
            }

            /// <summary>A generic type, whose generated part repeats neither its constraint nor anything else.</summary>
            /// <typeparam name="T">Unused by the method.</typeparam>
            public static partial class Generic<T>
                where T : struct
            {
                [Differentiable(Tangent = true, HessianVector = true, Split = true)]
                public static double InGeneric(double x, double y) => global::System.Math.Exp(x * y) / (1 + y * y);
            }

            /// <summary>A struct, with an internal method that takes a parameter of another type.</summary>
            public partial struct Ray
            {
                [Differentiable(Tangent = true, HessianVector = true, Split = true)]
                internal static double Along(double origin, double direction, double t, string label) => origin + direction * t;
            }
        }
        """;

    /// <summary>The corpus files, as (path, source).</summary>
    public static IReadOnlyList<(string Path, string Source)> Files { get; } =
    [
        ("Consumer/Intrinsics.cs", Intrinsics),
        ("Consumer/ControlFlow.cs", ControlFlow),
        ("Consumer/Buffers.cs", Buffers),
        ("Consumer/Calls.cs", Calls),
        ("Consumer/Shapes.cs", Shapes),
    ];

    public static IReadOnlyList<CorpusCase> Cases { get; } =
    [
        new("Consumer.Matrix.Intrinsics", "Exponentials", 0.3, 1.2),
        new("Consumer.Matrix.Intrinsics", "Trigonometry", 0.3, 1.2),
        new("Consumer.Matrix.Intrinsics", "Piecewise", 0.3, 1.2),
        new("Consumer.Matrix.Intrinsics", "SingleExponentials", 0.3f, 1.2f),
        new("Consumer.Matrix.Intrinsics", "SingleTrigonometry", 0.3f, 1.2f),
        new("Consumer.Matrix.Intrinsics", "SinglePiecewise", 0.3f, 1.2f),
        new("Consumer.Matrix.Intrinsics", "Casts", 0.4f, 0.73),
        new("Consumer.Matrix.ControlFlow", "Branches", 0.3, 1.2),
        new("Consumer.Matrix.ControlFlow", "Branches", 1.5, 0.2),
        new("Consumer.Matrix.ControlFlow", "Branches", -0.5, -0.3),
        new("Consumer.Matrix.ControlFlow", "Loops", 0.3, 7),
        new("Consumer.Matrix.ControlFlow", "EarlyReturn", new[] { 0.5, 0.8, 1.5 }, 1.1),
        new("Consumer.Matrix.ControlFlow", "EarlyReturn", new[] { 0.1, 0.2 }, 1.1),
        new("Consumer.Matrix.ControlFlow", "NestedLoops", new[] { 0.5, -1.2, 0.8, 0.3, -0.4, 1.1 }, 2, 3),
        new("Consumer.Matrix.Buffers", "Mix", new[] { 0.5, -1.2, 0.8, 0.3 }, new[] { 0.1, 0.2, -0.3, 0.4 }),
        new("Consumer.Matrix.Buffers", "ScaleSpan", new[] { 0.5, -1.2, 0.8 }, 1.3),
        new("Consumer.Matrix.Buffers", "ScaleArray", new[] { 0.5, -1.2, 0.8 }, 0.7),
        new("Consumer.Matrix.Buffers", "SingleScaleArray", new[] { 0.5f, -1.2f, 0.8f }, 0.7f),
        new("Consumer.Matrix.Buffers", "LocalBuffers", new[] { 0.5, -1.2, 0.8, 0.3, -0.4 }, 5),
        new("Consumer.Matrix.Buffers", "SingleLocalBuffers", new[] { 0.5f, -1.2f, 0.8f }),
        new("Consumer.Matrix.Buffers", "Smooth", new[] { 0.5, -1.2, 0.8, 0.3 }, new[] { 0.1, 0.2, -0.3 }),
        new("Consumer.Matrix.Buffers", "Slices", new[] { 0.5, -1.2, 0.8, 0.3, -0.4 }, new[] { 0.2, -0.1, 0.6 }, 1.7),
        new("Consumer.Matrix.Calls", "UseRule", 0.4, 0.9),
        new("Consumer.Matrix.Calls", "Network",
            new[] { 0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f }, new[] { 0.05f, -0.05f },
            new[] { 1f, 0.5f, -0.5f, -1f, 0.25f, 0.75f }, new[] { 0.2f, -0.1f, 0.3f, 0.1f }, 0.5f),
        new("Consumer.Matrix.Outer+Inner", "Nested", 0.7, 1.3),
        new("Consumer.Matrix.Generic`1", "InGeneric", 0.2, 0.5),
        new("Consumer.Matrix.Ray", "Along", 0.1, 0.2, 0.3, "ray"),
    ];
}
