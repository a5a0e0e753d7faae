using System.Numerics;
using System.Numerics.Tensors;

namespace SourceGrad.Benchmarks.Scalar;

/// <summary>
/// What a user without second-order AD writes for H·v: two gradients at x ± εv and their central difference,
/// (∇f(x + εv) − ∇f(x − εv)) / 2ε, with ε = 1e-5 in double (about ∛eps for inputs and directions of order 1, which
/// balances the ε² truncation against the rounding the difference divides by ε) and 1e-2 in float. A problem with
/// kinks (the loop MLP's ReLU) passes a smaller ε of its own, one for which x ± εv lie on the same smooth piece. The
/// benchmarks time it beside the generated product, and check the two agree before timing either.
/// </summary>
public static class NaiveHessianVector
{
    public static T Step<T>() where T : IFloatingPointIeee754<T> => T.CreateChecked(typeof(T) == typeof(float) ? 1e-2 : 1e-5);

    /// <summary>The two points the naive product differentiates at.</summary>
    public static void Shift<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> direction, Span<T> plus, Span<T> minus)
        where T : IFloatingPointIeee754<T> => Shift(x, direction, plus, minus, Step<T>());

    /// <summary>
    /// The two points the naive product differentiates at, <paramref name="step"/> either side: x + εv and x − εv, in
    /// SIMD (TensorPrimitives, as a careful user writes it), so the naive product is not charged for scalar loops.
    /// </summary>
    public static void Shift<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> direction, Span<T> plus, Span<T> minus, T step)
        where T : IFloatingPointIeee754<T>
    {
        TensorPrimitives.MultiplyAdd(direction, step, x, plus);
        TensorPrimitives.MultiplyAdd(direction, -step, x, minus);
    }

    /// <summary>The central difference of the gradients at the two points, into <paramref name="product"/>.</summary>
    public static void Difference<T>(ReadOnlySpan<T> gradientPlus, ReadOnlySpan<T> gradientMinus, Span<T> product)
        where T : IFloatingPointIeee754<T> => Difference(gradientPlus, gradientMinus, product, Step<T>());

    /// <summary>The central difference of the gradients at the two points <paramref name="step"/> either side, in SIMD.</summary>
    public static void Difference<T>(ReadOnlySpan<T> gradientPlus, ReadOnlySpan<T> gradientMinus, Span<T> product, T step)
        where T : IFloatingPointIeee754<T>
    {
        int length = product.Length;
        TensorPrimitives.Subtract(gradientPlus[..length], gradientMinus[..length], product);
        TensorPrimitives.Divide(product, step + step, product);
    }

    /// <summary>
    /// Throws unless the generated product agrees with the naive one (to the difference's accuracy, relative to the
    /// largest entry) and the gradient it added equals the generated gradient's (to rounding).
    /// </summary>
    public static void Check(string problem, ReadOnlySpan<double> product, ReadOnlySpan<double> naive, ReadOnlySpan<double> gradientAdded,
        ReadOnlySpan<double> gradient, bool single = false)
    {
        double largest = 0;
        foreach (double value in naive)
        {
            largest = Math.Max(largest, Math.Abs(value));
        }

        double scale = Math.Max(1, largest);

        double tolerance = single ? 2e-3 : 1e-5, worst = 0;
        for (int i = 0; i < product.Length; i++)
        {
            double difference = Math.Abs(product[i] - naive[i]);
            if (!(difference <= tolerance * scale))
            {
                throw new InvalidOperationException(
                    $"{problem}: the generated Hessian-vector product has {product[i]:R} at {i}, the naive central difference of two gradients {naive[i]:R}.");
            }

            worst = Math.Max(worst, difference / scale);
        }

        // How close the check came to failing, in the log beside the allocation checks.
        Console.WriteLine($"// Hessian-vector check: {problem}: worst difference {worst:E2} of max(1, largest entry {largest:G4}), tolerance {tolerance:E0}");

        GradientAgreement.Check(problem, "Hessian-vector product's", gradient, gradientAdded, single ? 1e-5 : GradientAgreement.ExactTolerance);
    }
}
