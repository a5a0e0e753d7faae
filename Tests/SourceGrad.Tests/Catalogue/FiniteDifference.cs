using System.Numerics;

namespace SourceGrad.Tests.Catalogue;

/// <summary>
/// How closely a generated gradient must match finite differences. A component is compared relative to the
/// larger of its two values and a floor (a fraction of the largest numerical component, and at least
/// <see cref="AbsoluteFloor"/>), so components that are (nearly) zero are compared absolutely against that floor
/// instead of against rounding noise.
/// </summary>
internal sealed record Precision(double Tolerance, double FloorFraction, double AbsoluteFloor, double ReturnTolerance, bool FloatSteps)
{
    /// <summary>Double methods: 5-point differences are accurate to about 1e-10 here.</summary>
    public static readonly Precision Double = new(1e-6, 1e-3, 1e-6, 1e-12, FloatSteps: false);

    /// <summary>
    /// Float methods: each evaluation carries float rounding noise (about 1e-7 of the value), which the
    /// difference quotient magnifies; components under a tenth of the largest are compared against that tenth.
    /// </summary>
    /// Double arguments of such a method get the (larger) float step too.
    public static readonly Precision Float = new(2e-3, 1e-1, 1e-4, 1e-6, FloatSteps: true);
}

/// <summary>
/// One active argument of a checked call, in float or double: <see cref="Arg{T}.Value"/> is what the method
/// gets (reset from the sampled contents before every evaluation, because a method may write it),
/// <see cref="Arg{T}.Grad"/> its adjoint and <see cref="Arg{T}.Tangent"/> its tangent. A written argument
/// (output or in-out buffer) carries the upstream weights of its final contents: the checked objective is
/// <c>seed * result + sum(upstream * final)</c>.
/// </summary>
internal abstract class Arg
{
    protected Arg(string name, double[]? upstream)
    {
        Name = name;
        Upstream = upstream;
    }

    public string Name { get; }

    /// <summary>Upstream gradient of the final contents when the method writes this argument; null otherwise.</summary>
    public double[]? Upstream { get; }

    public bool IsWritten => Upstream is not null;

    public abstract int Length { get; }

    public static Arg<double> Of(string name, double[] values) => new(name, values, null);

    public static Arg<float> Of(string name, float[] values) => new(name, values, null);

    public static Arg<double> Scalar(string name, double value) => new(name, [value], null);

    public static Arg<float> Scalar(string name, float value) => new(name, [value], null);

    /// <summary>A buffer the method writes: its adjoint enters holding <paramref name="upstream"/>.</summary>
    public static Arg<double> Written(string name, double[] initial, double[] upstream) => new(name, initial, upstream);

    public static Arg<float> Written(string name, float[] initial, double[] upstream) => new(name, initial, upstream);

    internal abstract bool IsFloat { get; }

    /// <summary>Working values ← sampled values (perturbed or not).</summary>
    internal abstract void Reset();

    internal abstract double SampledAt(int index);

    /// <summary>Sets a sampled value; a float argument must represent it exactly, or the step is not what we think.</summary>
    internal abstract void SetSampled(int index, double value);

    internal abstract double ValueAt(int index);

    internal abstract double GradAt(int index);

    /// <summary>Adjoint ← upstream for a written argument, else every element ← <paramref name="prefill"/>.</summary>
    internal abstract void PrepareAdjoint(double prefill);

    /// <summary>Tangent ← <paramref name="direction"/>, whose elements the argument's type must represent exactly.</summary>
    internal abstract void PrepareTangent(double[] direction);

    /// <summary>Every element of the Hv adjoint ← <paramref name="prefill"/>.</summary>
    internal abstract void PrepareHessianVector(double prefill);

    internal abstract double HessianVectorAt(int index);

    internal abstract double TangentAt(int index);

    internal double UpstreamDotValue()
    {
        double sum = 0;
        for (int i = 0; i < Length; i++) sum += Upstream![i] * ValueAt(i);
        return sum;
    }
}

internal sealed class Arg<T> : Arg
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T[] _sampled;

    internal Arg(string name, T[] values, double[]? upstream)
        : base(name, upstream)
    {
        if (upstream is not null && upstream.Length != values.Length)
        {
            throw new ArgumentException($"upstream has {upstream.Length} weights for {values.Length} values", nameof(upstream));
        }

        _sampled = (T[])values.Clone();
        Value = (T[])values.Clone();
        Grad = new T[values.Length];
        Tangent = new T[values.Length];
        Hv = new T[values.Length];
    }

    /// <summary>The values the method is called with.</summary>
    public T[] Value { get; }

    /// <summary>The adjoint passed to the generated gradient.</summary>
    public T[] Grad { get; }

    /// <summary>
    /// The tangent passed to the generated <c>MTangent</c>: the check's direction on entry; for a written argument,
    /// the tangent of its final contents on exit.
    /// </summary>
    public T[] Tangent { get; }

    /// <summary>The Hv adjoint passed to the generated <c>MHessianVector</c> (its direction is <see cref="Tangent"/>).</summary>
    public T[] Hv { get; }

    public override int Length => _sampled.Length;

    internal override bool IsFloat => typeof(T) == typeof(float);

    internal override void Reset() => _sampled.CopyTo(Value, 0);

    internal override double SampledAt(int index) => double.CreateChecked(_sampled[index]);

    internal override void SetSampled(int index, double value)
    {
        T converted = T.CreateChecked(value);
        if (double.CreateChecked(converted) != value)
        {
            throw new InvalidOperationException(
                $"{Name}[{index}] = {value:R} is not exactly representable in {typeof(T).Name}: sample quantized values");
        }

        _sampled[index] = converted;
    }

    internal override double ValueAt(int index) => double.CreateChecked(Value[index]);

    internal override double GradAt(int index) => double.CreateChecked(Grad[index]);

    internal override void PrepareAdjoint(double prefill)
    {
        for (int i = 0; i < Grad.Length; i++) Grad[i] = T.CreateChecked(Upstream is null ? prefill : Upstream[i]);
    }

    internal override void PrepareTangent(double[] direction)
    {
        for (int i = 0; i < Tangent.Length; i++) Tangent[i] = T.CreateChecked(direction[i]);
    }

    internal override double TangentAt(int index) => double.CreateChecked(Tangent[index]);

    internal override void PrepareHessianVector(double prefill) => Array.Fill(Hv, T.CreateChecked(prefill));

    internal override double HessianVectorAt(int index) => double.CreateChecked(Hv[index]);
}

/// <summary>
/// Checks a generated gradient against central finite differences, and the rest of the <c>MGradient</c>
/// contract on the way: it returns the primal's value, has the same effects on written buffers, adds into the
/// adjoints of read arguments (they are pre-filled with known values) and, for a written buffer, turns the
/// upstream gradient of its final contents into the gradient with respect to its initial contents. Then checks
/// the generated tangent the same way, along a seeded random direction: <c>MTangent</c> returns what the primal
/// returns and leaves written buffers as it does (to rounding, as MGradient), and the objective's tangent equals both the
/// central finite difference of the objective along the direction and the gradient's inner product with it.
/// </summary>
internal static class FiniteDifference
{
    /// <summary>
    /// Relative step for double arguments, for magnitudes of at least 0.1 (5-point stencil: truncation error ~ h^4;
    /// an absolute step near zero would swamp functions as flat there as x^6).
    /// </summary>
    public const double DoubleStep = 1e-3;

    /// <summary>
    /// Absolute step for float arguments of magnitude at most 1 (scaled by a power of two above): a power of two,
    /// so that x ± h and x ± 2h stay exact in float for values quantized to <see cref="FloatQuantum"/>.
    /// </summary>
    public const double FloatStep = 1.0 / 64;

    /// <summary>Float samples are multiples of this, so every perturbed value is exactly representable.</summary>
    public const double FloatQuantum = 1.0 / 1024;

    /// <summary>
    /// Tangent directions are multiples of this with magnitudes from 1/4 to 1: a step of a multiple of
    /// <see cref="FloatStep"/> along them moves a float sample by a multiple of <see cref="FloatQuantum"/>, exactly.
    /// </summary>
    public const double DirectionQuantum = 1.0 / 16;

    /// <summary>The default seed (adjoint of the result) the checks use: not 1, so that scaling by it is tested.</summary>
    public const double CheckSeed = 1.5;

    /// <summary>
    /// Runs the whole check at the arguments' current sampled values. <paramref name="primal"/> calls the
    /// method on the <c>Value</c> arrays; <paramref name="gradient"/> calls <c>MGradient</c> on the
    /// <c>Value</c> and <c>Grad</c> arrays with the seed it is given; <paramref name="tangent"/> calls
    /// <c>MTangent</c> on the <c>Value</c> and <c>Tangent</c> arrays and returns (result, tangent of the result);
    /// void methods return 0 from all three.
    /// <paramref name="hessianVector"/>, when given, calls <c>MHessianVector</c> on the <c>Value</c>, <c>Tangent</c>
    /// (the direction), <c>Grad</c> and <c>Hv</c> arrays: see <see cref="CheckHessianVector"/>.
    /// </summary>
    public static void Check(
        Arg[] args,
        Func<double> primal,
        Func<double, double> gradient,
        Func<(double Value, double Tangent)> tangent,
        Precision precision,
        double seed = CheckSeed,
        Func<double>? hessianVector = null)
    {
        // The primal's result and its effects on written buffers, to compare the gradient's against.
        ResetAll(args);
        double value = primal();
        double[][] finalContents = args.Select(a => a.IsWritten ? Enumerable.Range(0, a.Length).Select(a.ValueAt).ToArray() : []).ToArray();

        double Objective()
        {
            ResetAll(args);
            double result = seed * primal();
            foreach (Arg arg in args)
            {
                if (arg.IsWritten) result += arg.UpstreamDotValue();
            }

            return result;
        }

        double[][] numeric = args.Select(a => Gradient(a, Objective, a.IsFloat || precision.FloatSteps)).ToArray();

        ResetAll(args);
        for (int k = 0; k < args.Length; k++) args[k].PrepareAdjoint(Prefill(k));
        double returned = gradient(seed);

        AssertSameEffects(args, value, returned, finalContents, "MGradient", precision);

        double largest = numeric.SelectMany(g => g).Select(Math.Abs).DefaultIfEmpty(0).Max();
        double floor = Math.Max(precision.FloorFraction * largest, precision.AbsoluteFloor);
        double[][] analytic = new double[args.Length][];
        for (int k = 0; k < args.Length; k++)
        {
            Arg arg = args[k];
            double added = arg.IsWritten ? 0 : Prefill(k);
            analytic[k] = new double[arg.Length];
            for (int i = 0; i < arg.Length; i++)
            {
                analytic[k][i] = arg.GradAt(i) - added;
                double expected = numeric[k][i];
                double error = RelativeError(analytic[k][i], expected, floor);
                if (!(error <= precision.Tolerance))
                {
                    Assert.Fail(
                        $"d{arg.Name}[{i}]: generated {analytic[k][i]:R} (adjoint {(arg.IsWritten ? "entered with upstream" : $"pre-filled with {added}")}) " +
                        $"vs finite differences {expected:R}: relative error {error:E2} > {precision.Tolerance:E0} " +
                        $"at {Describe(args)}, seed {seed}");
                }
            }
        }

        double[][] direction = CheckTangent(args, value, finalContents, Objective, numeric, analytic, tangent, precision, seed);
        if (hessianVector is not null)
        {
            CheckHessianVector(args, value, finalContents, direction, gradient, hessianVector, precision);
        }
    }

    /// <summary>
    /// The Hessian-vector half of <see cref="Check"/>, along the tangent's direction: <c>MHessianVector</c> returns
    /// what the primal returns, leaves written buffers as it does, adds the gradient of the objective with seed 1 into
    /// the adjoints (as <c>MGradient</c> with seed 1, to rounding), and adds into the Hv adjoints the derivative of
    /// that gradient along the direction, against 5-point central differences of <c>MGradient</c> along it.
    /// </summary>
    private static void CheckHessianVector(
        Arg[] args,
        double value,
        double[][] finalContents,
        double[][] direction,
        Func<double, double> gradient,
        Func<double> hessianVector,
        Precision precision)
    {
        double[][] GradientAt()
        {
            ResetAll(args);
            for (int k = 0; k < args.Length; k++) args[k].PrepareAdjoint(0);
            gradient(1);
            return args.Select(a => Enumerable.Range(0, a.Length).Select(a.GradAt).ToArray()).ToArray();
        }

        double[][] expectedGradient = GradientAt();
        ResetAll(args);
        for (int k = 0; k < args.Length; k++)
        {
            args[k].PrepareAdjoint(Prefill(k));
            args[k].PrepareTangent(direction[k]);
            // A written argument's Hv adjoint is the tangent of its adjoint, which enters as the constant upstream: 0.
            args[k].PrepareHessianVector(args[k].IsWritten ? 0 : Prefill(k + 1));
        }

        double returned = hessianVector();
        AssertSameEffects(args, value, returned, finalContents, "MHessianVector", precision);
        double[][] gradientAdded = args.Select((a, k) => Enumerable.Range(0, a.Length).Select(i => a.GradAt(i) - (a.IsWritten ? 0 : Prefill(k))).ToArray()).ToArray();
        double[][] product = args.Select((a, k) => Enumerable.Range(0, a.Length).Select(i => a.HessianVectorAt(i) - (a.IsWritten ? 0 : Prefill(k + 1))).ToArray()).ToArray();

        (double h, Action<double> moveTo) = AlongDirection(args, direction, args.Any(a => a.IsFloat) || precision.FloatSteps);

        var gradients = new Dictionary<int, double[][]>();
        foreach (int steps in new[] { -2, -1, 1, 2 })
        {
            moveTo(steps * h);
            gradients[steps] = GradientAt();
        }

        moveTo(0);
        double largestGradient = expectedGradient.SelectMany(g => g).Select(Math.Abs).DefaultIfEmpty(0).Max();
        double[][] numeric = args.Select((a, k) => Enumerable.Range(0, a.Length)
            .Select(i => (gradients[-2][k][i] - 8 * gradients[-1][k][i] + 8 * gradients[1][k][i] - gradients[2][k][i]) / (12 * h)).ToArray()).ToArray();
        double largestProduct = numeric.SelectMany(g => g).Select(Math.Abs).DefaultIfEmpty(0).Max();
        double gradientFloor = Math.Max(precision.FloorFraction * largestGradient, precision.AbsoluteFloor);
        double productFloor = Math.Max(precision.FloorFraction * largestProduct, precision.AbsoluteFloor);
        string where = $"at {Describe(args)}, direction {string.Join(", ", direction.Select(d => $"[{string.Join(", ", d)}]"))}";
        for (int k = 0; k < args.Length; k++)
        {
            for (int i = 0; i < args[k].Length; i++)
            {
                // The same gradient, though the passes may order its sums differently in the combined program.
                double gradientError = RelativeError(gradientAdded[k][i], expectedGradient[k][i], gradientFloor);
                if (!(gradientError <= 1e3 * precision.ReturnTolerance))
                {
                    Assert.Fail($"d{args[k].Name}[{i}] from MHessianVector {gradientAdded[k][i]:R} vs MGradient's {expectedGradient[k][i]:R} {where}");
                }

                double error = RelativeError(product[k][i], numeric[k][i], productFloor);
                if (!(error <= precision.Tolerance))
                {
                    Assert.Fail(
                        $"hv{args[k].Name}[{i}] from MHessianVector {product[k][i]:R} vs finite differences of MGradient along the direction " +
                        $"{numeric[k][i]:R}: relative error {error:E2} > {precision.Tolerance:E0} {where}");
                }
            }
        }
    }

    /// <summary>5-point central differences of <paramref name="objective"/> with respect to each sampled element of <paramref name="arg"/>.</summary>
    public static double[] Gradient(Arg arg, Func<double> objective, bool floatStep)
    {
        var result = new double[arg.Length];
        for (int i = 0; i < arg.Length; i++)
        {
            double x = arg.SampledAt(i);
            double h = Step(x, floatStep);
            double At(double offset)
            {
                arg.SetSampled(i, x + offset);
                return objective();
            }

            result[i] = Stencil(At, h);
            arg.SetSampled(i, x);
        }

        return result;
    }

    /// <summary>
    /// The tangent half of <see cref="Check"/>: the objective's tangent along a direction seeded by the point,
    /// from <c>MTangent</c>, against 5-point central differences along that direction (one step for every
    /// element: the smallest of their steps) and against the generated gradient's inner product with it.
    /// </summary>
    private static double[][] CheckTangent(
        Arg[] args,
        double value,
        double[][] finalContents,
        Func<double> objective,
        double[][] numeric,
        double[][] analytic,
        Func<(double Value, double Tangent)> tangent,
        Precision precision,
        double seed)
    {
        Random rng = Sample.For(Describe(args));
        double[][] direction = args.Select(a => Enumerable.Range(0, a.Length).Select(_ => rng.Direction()).ToArray()).ToArray();

        ResetAll(args);
        for (int k = 0; k < args.Length; k++) args[k].PrepareTangent(direction[k]);
        (double returned, double resultTangent) = tangent();
        AssertSameEffects(args, value, returned, finalContents, "MTangent", precision);
        double generated = seed * resultTangent;
        foreach (Arg arg in args)
        {
            if (!arg.IsWritten) continue;
            for (int i = 0; i < arg.Length; i++) generated += arg.Upstream![i] * arg.TangentAt(i);
        }

        (double h, Action<double> moveTo) = AlongDirection(args, direction, args.Any(a => a.IsFloat) || precision.FloatSteps);

        double At(double offset)
        {
            moveTo(offset);
            return objective();
        }

        double differences = Stencil(At, h);
        moveTo(0);
        double alongGradient = 0, scale = 0;
        for (int k = 0; k < args.Length; k++)
        {
            for (int i = 0; i < args[k].Length; i++)
            {
                alongGradient += analytic[k][i] * direction[k][i];
                scale += Math.Abs(numeric[k][i] * direction[k][i]);
            }
        }

        double floor = Math.Max(precision.FloorFraction * scale, precision.AbsoluteFloor);
        foreach ((double expected, string what) in new[] { (differences, "finite differences along it"), (alongGradient, "MGradient's gradient · direction") })
        {
            double error = RelativeError(generated, expected, floor);
            if (!(error <= precision.Tolerance))
            {
                Assert.Fail(
                    $"tangent of the objective from MTangent {generated:R} vs {what} {expected:R}: " +
                    $"relative error {error:E2} > {precision.Tolerance:E0} at {Describe(args)}, " +
                    $"direction {string.Join(", ", direction.Select(d => $"[{string.Join(", ", d)}]"))}, seed {seed}");
            }
        }

        return direction;
    }

    /// <summary>
    /// The step along a direction (the smallest of its elements' steps; with no element at all the objective is
    /// constant, and any step will do) and a move of every sampled value to an offset along it.
    /// </summary>
    private static (double Step, Action<double> MoveTo) AlongDirection(Arg[] args, double[][] direction, bool floatStep)
    {
        double[][] sampled = args.Select(a => Enumerable.Range(0, a.Length).Select(a.SampledAt).ToArray()).ToArray();
        double h = sampled.SelectMany(x => x).Select(x => Step(x, floatStep)).DefaultIfEmpty(1).Min();
        return (h, offset =>
        {
            for (int k = 0; k < args.Length; k++)
            {
                for (int i = 0; i < args[k].Length; i++) args[k].SetSampled(i, sampled[k][i] + offset * direction[k][i]);
            }
        });
    }

    /// <summary>What the check pre-fills the adjoint of read argument <paramref name="k"/> with: exact in float.</summary>
    public static double Prefill(int k) => 0.25 * (k + 1);

    private static void ResetAll(Arg[] args)
    {
        foreach (Arg arg in args) arg.Reset();
    }

    /// <summary>The step for a sampled element <paramref name="x"/>: see <see cref="DoubleStep"/> and <see cref="FloatStep"/>.</summary>
    private static double Step(double x, bool floatStep) =>
        floatStep
            ? FloatStep * Math.Max(1, BitOperations.RoundUpToPowerOf2((uint)Math.Ceiling(Math.Abs(x))))
            : DoubleStep * Math.Max(0.1, Math.Abs(x));

    /// <summary>The 5-point central difference of <paramref name="at"/> (a function of the offset) at 0 with step <paramref name="h"/>.</summary>
    private static double Stencil(Func<double, double> at, double h) => (at(-2 * h) - 8 * at(-h) + 8 * at(h) - at(2 * h)) / (12 * h);

    /// <summary>|a - b| relative to the larger of the two and <paramref name="floor"/>.</summary>
    private static double RelativeError(double a, double b, double floor) =>
        Math.Abs(a - b) / Math.Max(Math.Max(Math.Abs(a), Math.Abs(b)), floor);

    /// <summary>
    /// What a generated method returns and leaves in written buffers vs the primal's, to rounding: a vectorised sum
    /// (Vectorize) adds in another order, so it may round differently.
    /// </summary>
    private static void AssertSameEffects(Arg[] args, double value, double returned, double[][] finalContents, string method, Precision precision)
    {
        AssertClose(value, returned, precision.ReturnTolerance, $"the value {method} returns vs the primal's");
        AssertFinalContents(args, finalContents, method,
            (expected, actual) => Math.Abs(expected - actual) <= precision.ReturnTolerance * Math.Max(1, Math.Abs(expected)));
    }

    /// <summary>The final contents of every written argument after <paramref name="method"/> vs after the primal.</summary>
    private static void AssertFinalContents(Arg[] args, double[][] finalContents, string method, Func<double, double, bool> same)
    {
        for (int k = 0; k < args.Length; k++)
        {
            Arg arg = args[k];
            if (!arg.IsWritten) continue;
            for (int i = 0; i < arg.Length; i++)
            {
                if (!same(finalContents[k][i], arg.ValueAt(i)))
                {
                    Assert.Fail(
                        $"final contents of written {arg.Name}[{i}] after {method} vs after the primal: " +
                        $"expected {finalContents[k][i]:R}, got {arg.ValueAt(i):R}");
                }
            }
        }
    }

    private static void AssertClose(double expected, double actual, double tolerance, string what)
    {
        if (!(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected))))
        {
            Assert.Fail($"{what}: expected {expected:R}, got {actual:R}");
        }
    }

    private static string Describe(Arg[] args) =>
        string.Join(", ", args.Select(a => $"{a.Name} = [{string.Join(", ", Enumerable.Range(0, a.Length).Select(i => a.SampledAt(i).ToString("G6")))}]"));
}

/// <summary>Seeded sampling of check points: deterministic, and quantized for float so perturbations are exact.</summary>
internal static class Sample
{
    /// <summary>A seed derived from a test's name (string.GetHashCode is randomized per process).</summary>
    public static Random For(string name)
    {
        uint hash = 2166136261;
        foreach (char c in name) hash = (hash ^ c) * 16777619;
        return new Random((int)(hash & 0x7FFFFFFF));
    }

    public static double Uniform(this Random rng, double low, double high) => low + (high - low) * rng.NextDouble();

    public static double[] Doubles(this Random rng, int count, double low, double high)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = rng.Uniform(low, high);
        return values;
    }

    public static float QuantizedFloat(this Random rng, double low, double high) =>
        (float)(Math.Round(rng.Uniform(low, high) / FiniteDifference.FloatQuantum) * FiniteDifference.FloatQuantum);

    public static float[] Floats(this Random rng, int count, double low, double high)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = rng.QuantizedFloat(low, high);
        return values;
    }

    /// <summary>A tangent direction element: ± a multiple of <see cref="FiniteDifference.DirectionQuantum"/> from 1/4 to 1.</summary>
    public static double Direction(this Random rng) =>
        (rng.Next(2) == 0 ? -1 : 1) * rng.Next(4, 17) * FiniteDifference.DirectionQuantum;

    /// <summary>Doubles whose magnitudes are at least <paramref name="margin"/>: away from kinks at zero.</summary>
    public static double[] DoublesAwayFromZero(this Random rng, int count, double low, double high, double margin)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            do values[i] = rng.Uniform(low, high);
            while (Math.Abs(values[i]) < margin);
        }

        return values;
    }
}
