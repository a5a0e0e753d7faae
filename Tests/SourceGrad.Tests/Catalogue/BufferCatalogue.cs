namespace SourceGrad.Tests.Catalogue;

/// <summary>
/// Spans and arrays: element reads and writes with computed indices, nested loops with run-time bounds,
/// outputs, in-out buffers updated in place, non-linear accumulators, and local buffers (stackalloc, new T[n]).
/// </summary>
public static partial class BufferCatalogue
{
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double SumOfSquares(ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += x[i] * x[i];
        return sum;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>p *= x[i]: every factor's adjoint needs the product of all the others.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Product(ReadOnlySpan<double> x)
    {
        double p = 1;
        for (int i = 0; i < x.Length; i++) p *= x[i];
        return p;
    }

    /// <summary>Array parameters, read back to front.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double ReversedArrayDot(double[] a, double[] b)
    {
        double sum = 0;
        int n = a.Length;
        for (int i = 0; i < n; i++) sum += a[i] * Math.Sin(b[n - 1 - i]);
        return sum;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float DotF(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>The max shift is not differentiable but cancels exactly: the gradient is the softmax.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double LogSumExp(ReadOnlySpan<double> x)
    {
        double max = x[0];
        for (int i = 1; i < x.Length; i++) max = Math.Max(max, x[i]);
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += Math.Exp(x[i] - max);
        return max + Math.Log(sum);
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Variance(ReadOnlySpan<double> x)
    {
        double mean = 0;
        for (int i = 0; i < x.Length; i++) mean += x[i];
        mean /= x.Length;
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double centred = x[i] - mean;
            sum += centred * centred;
        }

        return sum / (x.Length - 1);
    }

    /// <summary>Horner's rule: a scalar overwritten in a loop that runs backwards.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double Horner(ReadOnlySpan<double> coefficients, double x)
    {
        double result = 0;
        for (int i = coefficients.Length - 1; i >= 0; i--) result = result * x + coefficients[i];
        return result;
    }

    /// <summary>Nested loops with run-time bounds and a computed row-major index.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double NestedLoops(ReadOnlySpan<double> a, int rows, int cols)
    {
        double sum = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                double v = a[r * cols + c];
                sum += v * Math.Cos(r + c * v);
            }
        }

        return sum;
    }

    /// <summary>The inner bound depends on the outer index.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double TriangularLoops(ReadOnlySpan<double> a)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            for (int j = 0; j <= i; j++) sum += a[i] * a[j] / (1 + i + j);
        }

        return sum;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double BranchesInLoop(ReadOnlySpan<double> x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double t = x[i];
            if (t > 0)
                t = Math.Sqrt(t);
            else
                t = -t * t;
            s = s * 0.5 + t;
        }

        return s;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double BreakAndContinue(ReadOnlySpan<double> x, double limit)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] < 0) continue;
            if (s > limit) break;
            s += x[i] * x[i] * limit;
        }

        return s;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double EarlyReturnInLoop(ReadOnlySpan<double> x, double threshold)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += Math.Exp(x[i]);
            if (s > threshold) return s * threshold;
        }

        return -s;
    }

    /// <summary>Two weighted inputs as an array and a span, and a [NoGrad] target.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double WeightedSquaredError(double[] weights, ReadOnlySpan<double> x, [NoGrad] ReadOnlySpan<double> target)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double error = weights[i] * x[i] - target[i];
            sum += error * error;
        }

        return 0.5 * sum;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double CastsInLoop(ReadOnlySpan<float> x)
    {
        double sum = 0;
        float running = 1;
        for (int i = 0; i < x.Length; i++)
        {
            sum += (double)x[i] * x[i];
            running = running * 0.5f + (float)Math.Sin(x[i]);
        }

        return sum + running;
    }

    // ---- outputs (void methods writing spans) ----

    [Differentiable(Tangent = true, Split = true)]
    public static void Softmax(ReadOnlySpan<double> x, Span<double> y)
    {
        double max = x[0];
        for (int i = 1; i < x.Length; i++) max = Math.Max(max, x[i]);
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = Math.Exp(x[i] - max);
            sum += y[i];
        }

        for (int i = 0; i < y.Length; i++) y[i] /= sum;
    }

    [Differentiable(Tangent = true, Split = true)]
    public static void MatVec(ReadOnlySpan<double> m, ReadOnlySpan<double> v, Span<double> y, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < cols; c++) sum += m[r * cols + c] * v[c];
            y[r] = sum;
        }
    }

    /// <summary>A 3-point stencil, clamped at the edges with integer Math.Max/Math.Min (inactive).</summary>
    [Differentiable(Tangent = true, Split = true)]
    public static void Smooth(ReadOnlySpan<double> x, Span<double> y)
    {
        int last = x.Length - 1;
        for (int i = 0; i <= last; i++)
        {
            y[i] = 0.25 * x[Math.Max(i - 1, 0)] + 0.5 * x[i] + 0.25 * x[Math.Min(i + 1, last)];
        }
    }

    [Differentiable(Tangent = true, Split = true)]
    public static void ReverseWeighted(ReadOnlySpan<double> x, Span<double> y)
    {
        int n = x.Length;
        for (int i = 0; i < n; i++) y[n - 1 - i] = x[i] * (i + 1) + x[i] * x[i];
    }

    [Differentiable(Tangent = true, Split = true)]
    public static void Convolve(ReadOnlySpan<double> signal, ReadOnlySpan<double> kernel, Span<double> output)
    {
        for (int i = 0; i < output.Length; i++)
        {
            double sum = 0;
            for (int k = 0; k < kernel.Length; k++) sum += signal[i + k] * kernel[k];
            output[i] = Math.Tanh(sum);
        }
    }

    /// <summary>Reads output elements it wrote on earlier iterations.</summary>
    [Differentiable(Tangent = true, Split = true)]
    public static void CumulativeProduct(ReadOnlySpan<double> x, Span<double> y)
    {
        y[0] = x[0];
        for (int i = 1; i < x.Length; i++) y[i] = y[i - 1] * x[i];
    }

    [Differentiable(Tangent = true, Split = true)]
    public static void Normalize(ReadOnlySpan<double> x, Span<double> y)
    {
        double norm = Math.Sqrt(SumOfSquares(x));
        for (int i = 0; i < x.Length; i++) y[i] = x[i] / norm;
    }

    /// <summary>
    /// Stops early: the elements it never writes keep their initial contents, so their gradient passes through.
    /// </summary>
    [Differentiable(Tangent = true, Split = true)]
    public static void ExpUntil(ReadOnlySpan<double> x, Span<double> y, [NoGrad] double limit)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = Math.Exp(x[i]);
            if (y[i] > limit) return;
        }
    }

    [Differentiable(Tangent = true, Split = true)]
    public static void ScaleIntoF(ReadOnlySpan<float> x, float scale, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = MathF.Tanh(x[i] * scale);
    }

    // ---- in-out buffers ----

    [Differentiable(Tangent = true, Split = true)]
    public static void ScaleInPlace(Span<double> a, double scale)
    {
        for (int i = 0; i < a.Length; i++) a[i] = a[i] * scale + Math.Sin(a[i]);
    }

    /// <summary>a[i] = a[i]*a[i]: each element's old value is needed and gone.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double SquareInPlace(Span<double> a)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = a[i] * a[i];
            sum += a[i];
        }

        return sum;
    }

    /// <summary>The same elements overwritten again on every sweep.</summary>
    [Differentiable(Tangent = true, Split = true)]
    public static void RepeatedInPlace(Span<double> a, int sweeps)
    {
        for (int s = 0; s < sweeps; s++)
        {
            for (int i = 0; i < a.Length; i++) a[i] = a[i] * a[i] * 0.5 + 0.1 * a[(i + 1) % a.Length];
        }
    }

    /// <summary>Reads the element written on the previous iteration.</summary>
    [Differentiable(Tangent = true, Split = true)]
    public static void RunningSineInPlace(Span<double> a)
    {
        for (int i = 1; i < a.Length; i++) a[i] += Math.Sin(a[i - 1]);
    }

    /// <summary>Accumulates into a buffer at computed indices: the buffer's initial contents pass through.</summary>
    [Differentiable(Tangent = true, Split = true)]
    public static void AccumulateInto(ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++) y[i % y.Length] += x[i] * x[i];
    }

    [Differentiable(Tangent = true, Split = true)]
    public static void ArrayInPlace(double[] a)
    {
        for (int i = 0; i < a.Length; i++) a[i] = Math.Exp(a[i]) - a[i] * a[i];
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float InPlaceF(Span<float> a, float s)
    {
        float total = 0;
        for (int i = 0; i < a.Length; i++)
        {
            a[i] *= s;
            a[i] -= 0.1f * a[i] * a[i];
            total += a[i];
        }

        return total;
    }

    // ---- local buffers ----

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double StackallocBuffer(ReadOnlySpan<double> x)
    {
        int n = x.Length;
        Span<double> t = stackalloc double[n];
        for (int i = 0; i < n; i++) t[i] = Math.Exp(x[i] / 2);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += t[i] * t[n - 1 - i];
        return sum;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static double NewArrayBuffer(ReadOnlySpan<double> x)
    {
        double[] squares = new double[x.Length];
        for (int i = 0; i < x.Length; i++) squares[i] = x[i] * x[i];
        double sum = 0;
        for (int i = 1; i < x.Length; i++) sum += squares[i] * squares[i - 1];
        return Math.Sqrt(sum);
    }

    /// <summary>A float local buffer overwritten in place on every sweep.</summary>
    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float StackallocOverwrittenF(ReadOnlySpan<float> x, float gain)
    {
        Span<float> h = stackalloc float[x.Length];
        for (int i = 0; i < x.Length; i++) h[i] = x[i];
        for (int k = 0; k < 3; k++)
        {
            for (int i = 0; i < h.Length; i++) h[i] = MathF.Tanh(h[i] * gain);
        }

        float sum = 0;
        for (int i = 0; i < h.Length; i++) sum += h[i] * (i + 1);
        return sum;
    }

    [Differentiable(Tangent = true, HessianVector = true, Split = true)]
    public static float NewArrayBufferF(ReadOnlySpan<float> x)
    {
        float[] shifted = new float[x.Length + 1];
        for (int i = 0; i < x.Length; i++) shifted[i + 1] = x[i] * x[i];
        float sum = 0;
        for (int i = 0; i < x.Length; i++) sum += MathF.Sqrt(shifted[i + 1] + shifted[i] + 1);
        return sum;
    }
}
