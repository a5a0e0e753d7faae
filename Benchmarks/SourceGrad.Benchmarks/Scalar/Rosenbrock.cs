using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SourceGrad.Benchmarks.Scalar;

using SourceGrad.Tape;

/// <summary>The extended Rosenbrock function, Σᵢ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², over <see cref="InputCount"/> variables.</summary>
public readonly partial struct Rosenbrock : IVectorProblem
{
    public const int InputCount = 1000;

    public static string Name => "Rosenbrock";

    /// <summary>A seeded point in [−1.5, 1.5]ⁿ.</summary>
    public static double[] Point() => SeededPoint.Uniform(InputCount, seed: 11, low: -1.5, high: 1.5);

    [Differentiable(Tangent = true, HessianVector = true)]
    public static double F(ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            sum += 100 * a * a + b * b;
        }

        return sum;
    }

    /// <summary>
    /// By hand, in one pass with nothing stored: term i touches only xᵢ and xᵢ₊₁, so its share of xᵢ₊₁'s gradient
    /// (200·aᵢ) is carried in a local to the next element, and each element of dX is read and written once.
    /// </summary>
    public static double HandWrittenGradient(ReadOnlySpan<double> x, Span<double> dX)
    {
        double sum = 0;
        double carried = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double xi = x[i];
            double a = x[i + 1] - xi * xi;
            double b = 1 - xi;
            sum += 100 * a * a + b * b;
            dX[i] += carried - 400 * a * xi - 2 * b;
            carried = 200 * a;
        }

        if (x.Length > 0)
        {
            dX[x.Length - 1] += carried;
        }

        return sum;
    }

    /// <summary>
    /// <see cref="HandWrittenGradient"/> vectorised by hand: a lane takes one element and adds its whole gradient, its
    /// own term's share and the term before's (200·aᵢ₋₁, recomputed in-register from xᵢ₋₁ and xᵢ, which is cheaper
    /// than moving a lane across vectors or updating dX twice), so every vector of dX is read and written once.
    /// <see cref="Vector512{T}"/> where the hardware accelerates it, else <see cref="Vector{T}"/>, then a scalar tail.
    /// </summary>
    public static double HandWrittenVectorizedGradient(ReadOnlySpan<double> x, Span<double> dX)
    {
        int n = x.Length;
        if (n < 2)
        {
            return 0;
        }

        if (dX.Length < n)
        {
            throw new ArgumentException($"dX holds {dX.Length} values, fewer than x's {n}.", nameof(dX));
        }

        // The first element has only its own term's share.
        double a0 = x[1] - x[0] * x[0], b0 = 1 - x[0];
        double sum = 100 * a0 * a0 + b0 * b0;
        dX[0] += -400 * a0 * x[0] - 2 * b0;

        // Elements 1 … n − 2 have both shares; a vector of them starting at i reads x[i − 1] … x[i + count].
        ref double xs = ref MemoryMarshal.GetReference(x);
        ref double dXs = ref MemoryMarshal.GetReference(dX);
        int i = 1;
        // The two bodies differ only in the vector type: ISimdVector, which would let one generic body serve both, is
        // internal to .NET 10.
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> terms = Vector512<double>.Zero;
            for (; i + Vector512<double>.Count <= n - 1; i += Vector512<double>.Count)
            {
                Vector512<double> before = Vector512.LoadUnsafe(ref xs, (nuint)(i - 1));
                Vector512<double> at = Vector512.LoadUnsafe(ref xs, (nuint)i);
                Vector512<double> after = Vector512.LoadUnsafe(ref xs, (nuint)(i + 1));
                Vector512<double> a = after - at * at, aBefore = at - before * before, b = Vector512<double>.One - at;
                terms += 100 * a * a + b * b;
                (Vector512.LoadUnsafe(ref dXs, (nuint)i) + 200 * aBefore - 400 * a * at - 2 * b).StoreUnsafe(ref dXs, (nuint)i);
            }

            sum += Vector512.Sum(terms);
        }
        else if (Vector.IsHardwareAccelerated)
        {
            Vector<double> terms = Vector<double>.Zero;
            for (; i + Vector<double>.Count <= n - 1; i += Vector<double>.Count)
            {
                Vector<double> before = Vector.LoadUnsafe(ref xs, (nuint)(i - 1));
                Vector<double> at = Vector.LoadUnsafe(ref xs, (nuint)i);
                Vector<double> after = Vector.LoadUnsafe(ref xs, (nuint)(i + 1));
                Vector<double> a = after - at * at, aBefore = at - before * before, b = Vector<double>.One - at;
                terms += 100 * a * a + b * b;
                (Vector.LoadUnsafe(ref dXs, (nuint)i) + 200 * aBefore - 400 * a * at - 2 * b).StoreUnsafe(ref dXs, (nuint)i);
            }

            sum += Vector.Sum(terms);
        }

        for (; i < n - 1; i++)
        {
            double a = x[i + 1] - x[i] * x[i], aBefore = x[i] - x[i - 1] * x[i - 1], b = 1 - x[i];
            sum += 100 * a * a + b * b;
            dX[i] += 200 * aBefore - 400 * a * x[i] - 2 * b;
        }

        // The last element has only the term before's share.
        dX[n - 1] += 200 * (x[n - 1] - x[n - 2] * x[n - 2]);
        return sum;
    }

    public static double TapeGradient(Tape tape, ReadOnlySpan<double> point, Span<Var> variables, Span<double> gradient)
    {
        tape.Reset();
        tape.Variables(point, variables);
        Var sum = tape.Variable(0);
        for (int i = 0; i < variables.Length - 1; i++)
        {
            Var a = variables[i + 1] - variables[i] * variables[i];
            Var b = 1 - variables[i];
            sum += 100 * a * a + b * b;
        }

        tape.Backward(sum);
        tape.Gradients(variables, gradient);
        return sum.Value;
    }

    public double Evaluate(ReadOnlySpan<double> point) => F(point);
}
