using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SourceGrad.Benchmarks.Scalar;

using SourceGrad.Tape;

/// <summary>log Σ exp(xᵢ) over <see cref="InputCount"/> elements, shifted by the maximum as careful code does.</summary>
public readonly partial struct LogSumExp : IVectorProblem
{
    public const int InputCount = 1000;

    /// <summary>The hand-written adjoints keep up to this many exponentials (8 KB) on the stack.</summary>
    private const int StackElements = 1024;

    public static string Name => "log-sum-exp";

    /// <summary>A seeded point in [−3, 3]ⁿ.</summary>
    public static double[] Point() => SeededPoint.Uniform(InputCount, seed: 13, low: -3, high: 3);

    [Differentiable(Tangent = true, HessianVector = true)]
    public static double F(ReadOnlySpan<double> x)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            max = Math.Max(max, x[i]);
        }

        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += Math.Exp(x[i] - max);
        }

        return max + Math.Log(sum);
    }

    /// <summary>
    /// By hand, as someone who knows the answer writes it: the gradient is softmax(x), and the shift's own
    /// contributions cancel, so the maximum gets no backward pass. Each exp(xᵢ − max) is kept from the sum for its
    /// softmax entry, so exp runs once per element.
    /// </summary>
    public static double HandWrittenGradient(ReadOnlySpan<double> x, Span<double> dX)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            max = Math.Max(max, x[i]);
        }

        Span<double> exps = x.Length <= StackElements ? stackalloc double[x.Length] : new double[x.Length];
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double e = Math.Exp(x[i] - max);
            exps[i] = e;
            sum += e;
        }

        double scale = 1 / sum;
        for (int i = 0; i < x.Length; i++)
        {
            dX[i] += exps[i] * scale;
        }

        return max + Math.Log(sum);
    }

    /// <summary>
    /// <see cref="HandWrittenGradient"/> vectorised by hand: the maximum and the softmax update by TensorPrimitives,
    /// and the exponentials and their sum in one pass of explicit SIMD (<see cref="Vector512{T}"/> where the
    /// hardware accelerates it, else <see cref="Vector{T}"/>, then a scalar tail), which TensorPrimitives would take
    /// three passes for.
    /// </summary>
    public static double HandWrittenVectorizedGradient(ReadOnlySpan<double> x, Span<double> dX)
    {
        if (x.Length == 0)
        {
            return double.NegativeInfinity;
        }

        double max = TensorPrimitives.Max(x);
        Span<double> exps = x.Length <= StackElements ? stackalloc double[x.Length] : new double[x.Length];
        ref double xs = ref MemoryMarshal.GetReference(x);
        ref double es = ref MemoryMarshal.GetReference(exps);
        double sum = 0;
        int i = 0;
        // The two bodies differ only in the vector type: ISimdVector, which would let one generic body serve both, is
        // internal to .NET 10.
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> shift = Vector512.Create(max), partial = Vector512<double>.Zero;
            for (; i <= x.Length - Vector512<double>.Count; i += Vector512<double>.Count)
            {
                Vector512<double> e = Vector512.Exp(Vector512.LoadUnsafe(ref xs, (nuint)i) - shift);
                e.StoreUnsafe(ref es, (nuint)i);
                partial += e;
            }

            sum = Vector512.Sum(partial);
        }
        else if (Vector.IsHardwareAccelerated)
        {
            Vector<double> shift = new(max), partial = Vector<double>.Zero;
            for (; i <= x.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                Vector<double> e = Vector.Exp(Vector.LoadUnsafe(ref xs, (nuint)i) - shift);
                e.StoreUnsafe(ref es, (nuint)i);
                partial += e;
            }

            sum = Vector.Sum(partial);
        }

        for (; i < x.Length; i++)
        {
            exps[i] = Math.Exp(x[i] - max);
            sum += exps[i];
        }

        Span<double> gradient = dX[..x.Length];
        TensorPrimitives.MultiplyAdd(exps, 1 / sum, gradient, gradient);
        return max + Math.Log(sum);
    }

    public static double TapeGradient(Tape tape, ReadOnlySpan<double> point, Span<Var> variables, Span<double> gradient)
    {
        tape.Reset();
        tape.Variables(point, variables);
        Var max = variables[0];
        for (int i = 1; i < variables.Length; i++)
        {
            max = Var.Max(max, variables[i]);
        }

        Var sum = tape.Variable(0);
        for (int i = 0; i < variables.Length; i++)
        {
            sum += Var.Exp(variables[i] - max);
        }

        Var result = max + Var.Log(sum);
        tape.Backward(result);
        tape.Gradients(variables, gradient);
        return result.Value;
    }

    public double Evaluate(ReadOnlySpan<double> point) => F(point);
}
