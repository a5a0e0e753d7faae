using System.Globalization;
using System.Reflection;
using System.Text;

namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>
/// The harness delegates of one compiled program; for a float program also the double reference, whose finite
/// differences the float gradient is checked against.
/// </summary>
internal sealed record CompiledProgram(
    FuzzProgram Program,
    Func<double[], double[], int, int, double> Primal,
    Func<double[], double[], int, int, double[], double[], double, double> Gradient,
    Func<double[], double[], int, int, double>? Reference = null,
    SourceGrad.Oracle.TapeHarness.Call? TapeGradient = null,
    TangentCall? Tangent = null,
    HessianVectorCall? HessianVector = null,
    SplitCall? Split = null,
    IReadOnlyList<(CheckpointTwin Twin, Func<double[], double[], int, int, double[], double[], double, double> Gradient)>? Checkpointed = null,
    LoopOrder CheckpointedLoopOrder = LoopOrder.Same)
{
    /// <summary>The program's harness delegates; <paramref name="generated"/> (what the generator wrote for it) tells how its store-all gradient runs the checkpointed loop.</summary>
    public static CompiledProgram From(FuzzProgram program, Assembly assembly, string generated = "")
    {
        Type Harness(string name) => assembly.GetType(FuzzProgram.Namespace + "." + name, throwOnError: true)!;
        Func<double[], double[], int, int, double> Primal(Type harness) =>
            harness.GetMethod("Primal")!.CreateDelegate<Func<double[], double[], int, int, double>>();
        Type harness = Harness(program.HarnessName);
        return new CompiledProgram(
            program,
            Primal(harness),
            harness.GetMethod("Gradient")!.CreateDelegate<Func<double[], double[], int, int, double[], double[], double, double>>(),
            program.IsFloat ? Primal(Harness(program.ReferenceHarnessName)) : null,
            TapeOracle.Load(program, assembly),
            harness.GetMethod("Tangent")!.CreateDelegate<TangentCall>(),
            harness.GetMethod("HessianVector")?.CreateDelegate<HessianVectorCall>(),
            harness.GetMethod("Split")?.CreateDelegate<SplitCall>(),
            program.CheckpointTwins
                .Select(twin => (twin, harness.GetMethod(twin.Name)!.CreateDelegate<Func<double[], double[], int, int, double[], double[], double, double>>()))
                .ToList(),
            program.CheckpointTwins.Count == 0 ? LoopOrder.Same : CheckpointTwin.OrderInStoreAll(generated, program.Main.Name, program.CheckpointTwins[0].Counter));
    }

    /// <summary>
    /// Whether the checkpointed twins are compared at <paramref name="point"/>: the store-all gradient runs their loop in
    /// their order there (a vectorised forward loop runs no whole vector when n, which bounds every trip count of the
    /// main method's top-level loops with m and the constants, all below 4, is below the vector width).
    /// </summary>
    public bool ComparesCheckpointedAt(EvaluationPoint point) => Checkpointed is { Count: > 0 } && CheckpointedLoopOrder switch
    {
        LoopOrder.Same => true,
        LoopOrder.SameUnlessVectorsRun => point.N < VectorWidth(Program.IsFloat),
        _ => false,
    };

    /// <summary>
    /// The narrowest vector a generated loop runs on this machine: Vector512 first, then Vector&lt;T&gt; (a loop that rotates
    /// lanes runs Vector256 there instead, as many lanes as Vector&lt;T&gt; where AVX2 is the widest; narrower is only conservative).
    /// </summary>
    private static int VectorWidth(bool isFloat) =>
        System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? (isFloat ? 16 : 8)
        : System.Numerics.Vector.IsHardwareAccelerated ? (isFloat ? System.Numerics.Vector<float>.Count : System.Numerics.Vector<double>.Count)
        : int.MaxValue;
}

/// <summary>The harness's split call: MForward then MBackward with Gradient's arguments; <c>misuse</c> names a guard that did not throw.</summary>
internal delegate double SplitCall(double[] s, double[] a, int n, int m, double[] dS, double[] dA, double seed, out string? misuse);

/// <summary>The harness's call of the Hessian-vector product: directions tS, tA; gradient adjoints dS, dA; Hv adjoints hvS, hvA.</summary>
internal delegate double HessianVectorCall(double[] s, double[] a, int n, int m, double[] tS, double[] tA, double[] dS, double[] dA, double[] hvS, double[] hvA);

/// <summary>The harness's call of the tangent: scalars' tangents tS, the buffer's tA (in, and out for its final contents).</summary>
internal delegate double TangentCall(double[] s, double[] a, int n, int m, double[] tS, double[] tA, out double tangent);

internal enum Verdict
{
    Passed,

    /// <summary>Every evaluation point tried was at or near a kink or jump (finite differences disagree with themselves).</summary>
    Skipped,
    Failed,
}

internal sealed record CheckResult(Verdict Verdict, string Detail)
{
    /// <summary>Evaluation points passed over (near a kink, or out of range) before this verdict.</summary>
    public int PointsSkipped { get; init; }

    /// <summary>Whether the checkpointed twins were compared with the gradient at the point of this verdict.</summary>
    public bool CheckpointCompared { get; init; }

    public static readonly CheckResult Passed = new(Verdict.Passed, "");
}

/// <summary>
/// The oracle: runs a program's gradient at random points and compares it with central finite differences in
/// double. Checked at each point: the gradient returns exactly what the method returns and leaves the buffer
/// exactly as the method does; scalar adjoints are added to what they held (pre-filled with random values);
/// the buffer's adjoint, pre-filled with a random upstream gradient u of its final contents, ends as the
/// gradient of seed·result + u·(final buffer) with respect to the initial buffer (DESIGN.md's contract).
/// </summary>
internal static class GradientChecker
{
    /// <summary>Finite-difference step; a fourth-order stencil keeps the truncation error near 1e-13.</summary>
    private const double Step = 1e-3;

    /// <summary>Relative tolerance on each component, with an absolute floor of a tenth of this times the gradient's largest component.</summary>
    private const double Tolerance = 1e-6;

    /// <summary>The same for a float gradient (compared with its double reference): float rounding, a few ulps per operation.</summary>
    private const double FloatTolerance = 1e-3;

    /// <summary>Finite differences at Step and Step/2 further apart than this (relative to the gradient's scale) mean a kink is near.</summary>
    private const double SmoothnessTolerance = 1e-7;

    private const int Attempts = 4;

    public static CheckResult Check(CompiledProgram compiled, Rng rng)
    {
        string lastSkip = "";
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            CheckResult result = CheckAt(compiled, EvaluationPoint.Draw(compiled.Program, rng));
            if (result.Verdict != Verdict.Skipped)
            {
                return result with { PointsSkipped = attempt };
            }

            lastSkip = result.Detail;
        }

        return new CheckResult(Verdict.Skipped, lastSkip) { PointsSkipped = Attempts };
    }

    /// <summary>
    /// Why a float program's finite differences, taken on its double reference, do not describe it at this point, or
    /// null when they do: a comparison that float rounding decides one way and double rounding the other (found by
    /// the 20,000-program run: <c>1.5f * (2 * 0.1f) &lt; 0.3f</c> is false in float and true in double) sends the two
    /// down different branches, and then they compute different functions.
    /// </summary>
    private static string? PartsWayWithItsReference(Func<double[], double[], int, int, double> reference, EvaluationPoint point, double value, double[] primalBuffer)
    {
        double[] referenceBuffer = (double[])point.Buffer.Clone();
        double referenceValue = reference((double[])point.Scalars.Clone(), referenceBuffer, point.N, point.M);
        bool Close(double x, double y) => Math.Abs(x - y) <= FloatTolerance * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y)));
        return Close(value, referenceValue) && primalBuffer.Zip(referenceBuffer).All(pair => Close(pair.First, pair.Second))
            ? null
            : $"the float program and its double reference part ways here (it returns {R(value)}, the reference {R(referenceValue)}): a comparison decided by float rounding";
    }

    public static CheckResult CheckAt(CompiledProgram compiled, EvaluationPoint point)
    {
        FuzzProgram program = compiled.Program;
        bool bufferActive = program.Buffer is { NoGrad: false };
        double[] primalBuffer = (double[])point.Buffer.Clone();
        double value;
        try
        {
            value = compiled.Primal((double[])point.Scalars.Clone(), primalBuffer, point.N, point.M);
        }
        catch (Exception e)
        {
            return new CheckResult(Verdict.Failed, $"invalid program: the method itself threw {e.GetType().Name}: {e.Message}\n{point}");
        }

        if (!IsModerate(value) || !primalBuffer.All(IsModerate))
        {
            return new CheckResult(Verdict.Skipped, "a value is not finite or too large");
        }

        if (compiled.Reference is not null && PartsWayWithItsReference(compiled.Reference, point, value, primalBuffer) is { } parting)
        {
            return new CheckResult(Verdict.Skipped, parting);
        }

        double[] gradientBuffer = (double[])point.Buffer.Clone();
        double[] dScalars = (double[])point.ScalarAdjoints.Clone();
        double[] dBuffer = (double[])point.Upstream.Clone();
        double gradientValue;
        try
        {
            gradientValue = compiled.Gradient((double[])point.Scalars.Clone(), gradientBuffer, point.N, point.M, dScalars, dBuffer, point.Seed);
        }
        catch (Exception e)
        {
            return new CheckResult(Verdict.Failed, $"the gradient threw {e.GetType().Name}: {e.Message}\n{point}\n{e.StackTrace}");
        }

        if (BitConverter.DoubleToInt64Bits(gradientValue) != BitConverter.DoubleToInt64Bits(value))
        {
            return new CheckResult(Verdict.Failed, $"the gradient returned {R(gradientValue)} but the method returns {R(value)}\n{point}");
        }

        for (int i = 0; i < primalBuffer.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(gradientBuffer[i]) != BitConverter.DoubleToInt64Bits(primalBuffer[i]))
            {
                return new CheckResult(Verdict.Failed,
                    $"after the gradient a[{i}] = {R(gradientBuffer[i])}, but the method leaves {R(primalBuffer[i])}\n{point}");
            }
        }

        if (compiled.Split is not null && CheckSplit(compiled, point, gradientValue, gradientBuffer, dScalars, dBuffer) is string splitMismatch)
        {
            return new CheckResult(Verdict.Failed, splitMismatch);
        }

        bool checkpointCompared = compiled.ComparesCheckpointedAt(point);
        if (checkpointCompared && CheckCheckpointed(compiled, point, gradientValue, gradientBuffer, dScalars, dBuffer) is string checkpointMismatch)
        {
            return new CheckResult(Verdict.Failed, checkpointMismatch);
        }

        // The objective whose gradient the adjoints hold: seed·result + upstream·(final buffer).
        double Objective(double[] scalars, double[] buffer)
        {
            double[] copy = (double[])buffer.Clone();
            double result = point.Seed * (compiled.Reference ?? compiled.Primal)(scalars, copy, point.N, point.M);
            if (bufferActive)
            {
                for (int i = 0; i < copy.Length; i++)
                {
                    result += point.Upstream[i] * copy[i];
                }
            }

            return result;
        }

        // The objective at the point itself, which the central differences never evaluate: where it differs from its
        // neighbours' (a step the branches take only at the point, as Math.Sign(0) or a comparison of equals), the
        // derivatives there are the program's at the point but not the limits the differences find.
        double atPoint = Objective(point.Scalars, point.Buffer);
        var components = new List<(string Name, double Actual, double Expected, double Noise)>();
        Param[] scalarParams = program.Scalars;
        for (int k = 0; k < scalarParams.Length; k++)
        {
            if (scalarParams[k].NoGrad)
            {
                continue;
            }

            int index = k;
            (double fd, double noise) = Derivative(x =>
            {
                double[] scalars = (double[])point.Scalars.Clone();
                scalars[index] = x;
                return Objective(scalars, point.Buffer);
            }, point.Scalars[k], atPoint);
            components.Add(($"d{scalarParams[k].Name}", dScalars[k], point.ScalarAdjoints[k] + fd, noise));
        }

        if (bufferActive)
        {
            for (int i = 0; i < point.Buffer.Length; i++)
            {
                int index = i;
                (double fd, double noise) = Derivative(x =>
                {
                    double[] buffer = (double[])point.Buffer.Clone();
                    buffer[index] = x;
                    return Objective(point.Scalars, buffer);
                }, point.Buffer[i], atPoint);
                components.Add(($"da[{i}]", dBuffer[i], fd, noise));
            }
        }

        if (components.Any(c => !IsModerate(c.Expected)))
        {
            return new CheckResult(Verdict.Skipped, "a finite difference is not finite or too large");
        }

        double scale = Math.Max(1, components.Select(c => Math.Abs(c.Expected)).DefaultIfEmpty(0).Max());
        if (components.FirstOrDefault(c => c.Noise > SmoothnessTolerance * scale) is { Name: not null } kink)
        {
            return new CheckResult(Verdict.Skipped, $"near a kink in {kink.Name} (finite differences differ by {kink.Noise:g3})");
        }

        double tolerance = program.IsFloat ? FloatTolerance : Tolerance;
        var failures = components
            .Where(c => !(Math.Abs(c.Actual - c.Expected) <= tolerance * Math.Max(Math.Abs(c.Actual), Math.Abs(c.Expected)) + tolerance * 0.1 * scale))
            .ToList();
        if (failures.Count == 0)
        {
            // The second oracle, at the same point: exact AD on the tape must agree to rounding.
            string? mismatch = compiled.TapeGradient is null ? null : TapeOracle.Compare(compiled, point, gradientValue, gradientBuffer, dScalars, dBuffer);
            mismatch ??= compiled.Tangent is null ? null : CheckTangent(compiled, point, value, primalBuffer, dScalars, dBuffer, Objective);
            mismatch ??= compiled.HessianVector is null ? null : CheckHessianVector(compiled, point, value, primalBuffer);
            return mismatch is null ? CheckResult.Passed with { CheckpointCompared = checkpointCompared } : new CheckResult(Verdict.Failed, mismatch);
        }

        var report = new StringBuilder("gradient differs from finite differences:\n");
        foreach (var c in components)
        {
            string mark = failures.Contains(c) ? "  <-- wrong" : "";
            report.Append(CultureInfo.InvariantCulture, $"  {c.Name}: generated {R(c.Actual)}, expected {R(c.Expected)}{mark}\n");
        }

        report.Append(point);
        return new CheckResult(Verdict.Failed, report.ToString());
    }

    /// <summary>The heading of a tangent failure.</summary>
    public const string TangentHeading = "the tangent";

    /// <summary>
    /// Forward mode at the same point, along the direction v the point carries: the tangent returns what the method
    /// returns and leaves the buffer as it does; the tangent of the objective (seed·result + upstream·final buffer),
    /// built from what it hands back, equals ⟨gradient, v⟩ (the gradient just checked) and the finite difference of
    /// the objective along v.
    /// </summary>
    private static string? CheckTangent(CompiledProgram compiled, EvaluationPoint point, double value, double[] primalBuffer,
        double[] dScalars, double[] dBuffer, Func<double[], double[], double> objective)
    {
        FuzzProgram program = compiled.Program;
        bool bufferActive = program.Buffer is { NoGrad: false };
        if (point.TangentScalars.All(v => v == 0) && point.TangentBuffer.All(v => v == 0))
        {
            // Along no direction every tangent is 0, right or wrong: such a check would pass whatever the tangent.
            return $"invalid check: {TangentHeading} was to be checked at a point without a direction\n{point}";
        }

        double[] buffer = (double[])point.Buffer.Clone();
        double[] tBuffer = bufferActive ? (double[])point.TangentBuffer.Clone() : new double[point.Buffer.Length];
        double tangentValue, resultTangent;
        try
        {
            tangentValue = compiled.Tangent!((double[])point.Scalars.Clone(), buffer, point.N, point.M, (double[])point.TangentScalars.Clone(), tBuffer, out resultTangent);
        }
        catch (Exception e)
        {
            return $"{TangentHeading} threw {e.GetType().Name}: {e.Message}\n{point}\n{e.StackTrace}";
        }

        if (DifferentEffects(TangentHeading, tangentValue, buffer, value, primalBuffer, point) is string different)
        {
            return different;
        }

        double forward = point.Seed * resultTangent;
        if (bufferActive)
        {
            for (int i = 0; i < tBuffer.Length; i++)
            {
                forward += point.Upstream[i] * tBuffer[i];
            }
        }

        double reverse = 0, magnitude = 0;
        Param[] scalarParams = program.Scalars;
        for (int k = 0; k < scalarParams.Length; k++)
        {
            if (!scalarParams[k].NoGrad)
            {
                double term = (dScalars[k] - point.ScalarAdjoints[k]) * point.TangentScalars[k];
                reverse += term;
                magnitude += Math.Abs(term);
            }
        }

        if (bufferActive)
        {
            for (int i = 0; i < dBuffer.Length; i++)
            {
                reverse += dBuffer[i] * point.TangentBuffer[i];
                magnitude += Math.Abs(dBuffer[i] * point.TangentBuffer[i]);
            }
        }

        (double directional, double noise) = Derivative(e =>
        {
            double[] scalars = (double[])point.Scalars.Clone();
            for (int k = 0; k < scalars.Length; k++)
            {
                if (!scalarParams[k].NoGrad)
                {
                    scalars[k] += e * point.TangentScalars[k];
                }
            }

            double[] moved = (double[])point.Buffer.Clone();
            for (int i = 0; bufferActive && i < moved.Length; i++)
            {
                moved[i] += e * point.TangentBuffer[i];
            }

            return objective(scalars, moved);
        }, 0);

        double tolerance = program.IsFloat ? FloatTolerance : Tolerance;
        double scale = Math.Max(1, Math.Max(magnitude, Math.Abs(forward)));
        bool matchesGradient = Math.Abs(forward - reverse) <= tolerance * scale;
        // Along v a kink the components did not show may lie near: then the gradient alone is the reference.
        bool matchesDifferences = noise > SmoothnessTolerance * Math.Max(scale, Math.Abs(directional))
            || Math.Abs(forward - directional) <= tolerance * Math.Max(scale, Math.Abs(directional));
        return matchesGradient && matchesDifferences ? null
            : $"{TangentHeading} along v gives {R(forward)} for the objective, but ⟨gradient, v⟩ = {R(reverse)} and the finite difference along v = {R(directional)}\n" +
              $"{point}, tangents s: [{string.Join(", ", point.TangentScalars.Select(R))}], a: [{string.Join(", ", point.TangentBuffer.Select(R))}]";
    }

    /// <summary>What a derivative (named by <paramref name="heading"/>) returned and left in the buffer, unless it is the method's, bit for bit.</summary>
    private static string? DifferentEffects(string heading, double returned, double[] buffer, double value, double[] primalBuffer, EvaluationPoint point)
    {
        if (BitConverter.DoubleToInt64Bits(returned) != BitConverter.DoubleToInt64Bits(value))
        {
            return $"{heading} returned {R(returned)} but the method returns {R(value)}\n{point}";
        }

        for (int i = 0; i < primalBuffer.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(buffer[i]) != BitConverter.DoubleToInt64Bits(primalBuffer[i]))
            {
                return $"after {heading} a[{i}] = {R(buffer[i])}, but the method leaves {R(primalBuffer[i])}\n{point}";
            }
        }

        return null;
    }

    /// <summary>The heading of a split mode failure.</summary>
    public const string SplitHeading = "split mode";

    /// <summary>
    /// Split mode at the same point: MForward then MBackward return what the gradient returns, leave the buffer as it
    /// does, and add the same adjoints, all bit for bit (they run the gradient's statements in its order); a second
    /// MBackward on the state, and one on a default state, throw.
    /// </summary>
    private static string? CheckSplit(CompiledProgram compiled, EvaluationPoint point, double gradientValue, double[] gradientBuffer, double[] dScalars, double[] dBuffer)
    {
        double[] buffer = (double[])point.Buffer.Clone();
        double[] dS = (double[])point.ScalarAdjoints.Clone();
        double[] dA = (double[])point.Upstream.Clone();
        double value;
        string? misuse;
        try
        {
            value = compiled.Split!((double[])point.Scalars.Clone(), buffer, point.N, point.M, dS, dA, point.Seed, out misuse);
        }
        catch (Exception e)
        {
            return $"{SplitHeading} threw {e.GetType().Name}: {e.Message}\n{point}\n{e.StackTrace}";
        }

        var report = new StringBuilder();
        if (misuse is not null)
        {
            report.Append(CultureInfo.InvariantCulture, $"  {misuse}\n");
        }

        AppendDifferences(report, "MForward", "MBackward", (value, buffer, dS, dA), (gradientValue, gradientBuffer, dScalars, dBuffer));
        return report.Length == 0 ? null : $"{SplitHeading} differs from the gradient:\n{report}{point}";
    }

    /// <summary>The heading of a checkpointed twin's failure.</summary>
    public const string CheckpointHeading = "the checkpointed gradient";

    /// <summary>
    /// The checkpointed twins at the same point: each twin's gradient returns what the main method's returns, leaves the
    /// buffer as it does, and adds the same adjoints, all bit for bit (the schedule runs the store-all gradient's
    /// operations in its order, some iterations more than once from the same state).
    /// </summary>
    private static string? CheckCheckpointed(CompiledProgram compiled, EvaluationPoint point, double gradientValue, double[] gradientBuffer, double[] dScalars, double[] dBuffer)
    {
        foreach ((CheckpointTwin twin, var gradient) in compiled.Checkpointed ?? [])
        {
            double[] buffer = (double[])point.Buffer.Clone();
            double[] dS = (double[])point.ScalarAdjoints.Clone();
            double[] dA = (double[])point.Upstream.Clone();
            double value;
            try
            {
                value = gradient((double[])point.Scalars.Clone(), buffer, point.N, point.M, dS, dA, point.Seed);
            }
            catch (Exception e)
            {
                return $"{CheckpointHeading} of {twin.Description} threw {e.GetType().Name}: {e.Message}\n{point}\n{e.StackTrace}";
            }

            var report = new StringBuilder();
            string name = twin.Name + "Gradient";
            AppendDifferences(report, name, name, (value, buffer, dS, dA), (gradientValue, gradientBuffer, dScalars, dBuffer));
            if (report.Length > 0)
            {
                return $"{CheckpointHeading} of {twin.Description} differs from the gradient:\n{report}{point}";
            }
        }

        return null;
    }

    /// <summary>
    /// Appends a line for each bit that differs between what another way of computing the gradient gave (its value,
    /// returned by <paramref name="returnedBy"/>, the buffer after it and the adjoints it added, by <paramref name="addedBy"/>)
    /// and what the gradient gave.
    /// </summary>
    private static void AppendDifferences(StringBuilder report, string returnedBy, string addedBy,
        (double Value, double[] Buffer, double[] DScalars, double[] DBuffer) other, (double Value, double[] Buffer, double[] DScalars, double[] DBuffer) gradient)
    {
        static bool Same(double x, double y) => BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y);
        if (!Same(other.Value, gradient.Value))
        {
            report.Append(CultureInfo.InvariantCulture, $"  {returnedBy} returned {R(other.Value)}, the gradient {R(gradient.Value)}\n");
        }

        for (int i = 0; i < other.Buffer.Length; i++)
        {
            if (!Same(other.Buffer[i], gradient.Buffer[i]))
            {
                report.Append(CultureInfo.InvariantCulture, $"  a[{i}]: {R(other.Buffer[i])} after {addedBy}, {R(gradient.Buffer[i])} after the gradient\n");
            }

            if (!Same(other.DBuffer[i], gradient.DBuffer[i]))
            {
                report.Append(CultureInfo.InvariantCulture, $"  da[{i}]: {R(other.DBuffer[i])} from {addedBy}, {R(gradient.DBuffer[i])} from the gradient\n");
            }
        }

        for (int k = 0; k < other.DScalars.Length; k++)
        {
            if (!Same(other.DScalars[k], gradient.DScalars[k]))
            {
                report.Append(CultureInfo.InvariantCulture, $"  ds[{k}]: {R(other.DScalars[k])} from {addedBy}, {R(gradient.DScalars[k])} from the gradient\n");
            }
        }
    }

    /// <summary>The heading of a Hessian-vector failure.</summary>
    public const string HessianVectorHeading = "the Hessian-vector product";

    /// <summary>
    /// The Hessian-vector product at the same point, along the tangent's direction v: it returns what the method returns
    /// and leaves the buffer as it does; it adds into the gradient adjoints what the gradient with seed 1 adds (to
    /// rounding); and what it adds into the Hv adjoints is the derivative along v of that gradient (of result +
    /// upstream·final buffer), by central differences of the generated gradient. A float program's product is checked,
    /// with the float tolerance, against mixed second differences of its double reference, as its gradient is checked
    /// against first differences of it: differences of the float gradient itself carry its rounding divided by the step.
    /// </summary>
    private static string? CheckHessianVector(CompiledProgram compiled, EvaluationPoint point, double value, double[] primalBuffer)
    {
        FuzzProgram program = compiled.Program;
        bool bufferActive = program.Buffer is { NoGrad: false };
        Param[] scalarParams = program.Scalars;
        double[] direction = bufferActive ? point.TangentBuffer : new double[point.Buffer.Length];

        // The gradient with seed 1 (the buffer's adjoint entering with the upstream weights), at an offset along v.
        (double[] Scalars, double[] Buffer) GradientAt(double offset)
        {
            double[] scalars = (double[])point.Scalars.Clone();
            for (int k = 0; k < scalars.Length; k++)
            {
                if (!scalarParams[k].NoGrad)
                {
                    scalars[k] += offset * point.TangentScalars[k];
                }
            }

            double[] buffer = (double[])point.Buffer.Clone();
            for (int i = 0; i < buffer.Length; i++)
            {
                buffer[i] += offset * direction[i];
            }

            double[] dS = new double[scalars.Length];
            double[] dA = (double[])point.Upstream.Clone();
            compiled.Gradient(scalars, buffer, point.N, point.M, dS, dA, 1);
            return (dS, dA);
        }

        double[] a = (double[])point.Buffer.Clone();
        double[] gradS = (double[])point.ScalarAdjoints.Clone();
        double[] gradA = (double[])point.Upstream.Clone();
        double[] hvS = point.ScalarAdjoints.Select(v => 0.5 * v).ToArray();
        double[] hvA = new double[point.Buffer.Length];
        double returned;
        (double[] Scalars, double[] Buffer) gradient;
        try
        {
            returned = compiled.HessianVector!((double[])point.Scalars.Clone(), a, point.N, point.M, (double[])point.TangentScalars.Clone(), (double[])direction.Clone(),
                gradS, gradA, hvS, hvA);
            gradient = GradientAt(0);
        }
        catch (Exception e)
        {
            return $"{HessianVectorHeading} threw {e.GetType().Name}: {e.Message}\n{point}\n{e.StackTrace}";
        }

        if (DifferentEffects(HessianVectorHeading, returned, a, value, primalBuffer, point) is string different)
        {
            return different;
        }

        var components = new List<(string Name, double Gradient, double ExpectedGradient, double Product, Func<(double[] Scalars, double[] Buffer), double> Of, int Scalar, int Element)>();
        for (int k = 0; k < scalarParams.Length; k++)
        {
            if (!scalarParams[k].NoGrad)
            {
                int index = k;
                components.Add(($"{scalarParams[k].Name}", gradS[k] - point.ScalarAdjoints[k], gradient.Scalars[k], hvS[k] - 0.5 * point.ScalarAdjoints[k], g => g.Scalars[index], index, -1));
            }
        }

        for (int i = 0; bufferActive && i < hvA.Length; i++)
        {
            int index = i;
            components.Add(($"a[{i}]", gradA[i], gradient.Buffer[i], hvA[i], g => g.Buffer[index], -1, index));
        }

        double tolerance = program.IsFloat ? FloatTolerance : Tolerance;
        var stencil = new Dictionary<double, (double[] Scalars, double[] Buffer)>();
        (double[] Scalars, double[] Buffer) Cached(double offset)
        {
            if (!stencil.TryGetValue(offset, out var g))
            {
                g = GradientAt(offset);
                stencil[offset] = g;
            }

            return g;
        }

        double scale = Math.Max(1, components.Select(c => Math.Abs(c.ExpectedGradient)).DefaultIfEmpty(0).Max());
        var report = new StringBuilder();
        foreach (var c in components)
        {
            if (!(Math.Abs(c.Gradient - c.ExpectedGradient) <= tolerance * scale))
            {
                report.Append(CultureInfo.InvariantCulture, $"  d{c.Name}: {R(c.Gradient)} from the product, {R(c.ExpectedGradient)} from the gradient\n");
            }
        }

        // A float gradient's own rounding, divided by the step, can exceed the float tolerance (long chains of atan,
        // sinh over dozens of elements): a float product is checked against its double reference's second differences.
        var products = components.Select(c => (c.Name, c.Product, Expected: compiled.Reference is { } reference
            ? MixedDerivative(reference, point, scalarParams, direction, bufferActive, c.Scalar, c.Element)
            : Derivative(e => c.Of(Cached(e)), 0))).ToList();
        if (products.Any(p => !IsModerate(p.Expected.Derivative)))
        {
            return report.Length == 0 ? null : $"{HessianVectorHeading} adds another gradient:\n{report}{point}";
        }

        double productScale = Math.Max(1, products.Select(p => Math.Abs(p.Expected.Derivative)).DefaultIfEmpty(0).Max());
        double noiseLimit = program.IsFloat ? FloatTolerance * productScale : SmoothnessTolerance * productScale;
        foreach (var p in products)
        {
            // Near a kink along v the differences disagree with themselves: that component cannot be checked there.
            bool smooth = p.Expected.Noise <= noiseLimit;
            // A float gradient's rounding, magnified by the differences, is what they disagree by between two steps.
            double rounding = program.IsFloat ? 4 * p.Expected.Noise : 0;
            if (smooth && !(Math.Abs(p.Product - p.Expected.Derivative) <= tolerance * Math.Max(Math.Abs(p.Product), Math.Abs(p.Expected.Derivative)) + tolerance * 0.1 * productScale + rounding))
            {
                report.Append(CultureInfo.InvariantCulture, $"  hv{p.Name}: {R(p.Product)}, but the gradient's derivative along v is {R(p.Expected.Derivative)}\n");
            }
        }

        return report.Length == 0 ? null
            : $"{HessianVectorHeading} is wrong:\n{report}{point}, direction s: [{string.Join(", ", point.TangentScalars.Select(R))}], a: [{string.Join(", ", direction.Select(R))}]";
    }

    /// <summary>
    /// ∂/∂uₖ of the derivative along v of seed 1 · reference + upstream · final buffer, where uₖ is scalar
    /// <paramref name="scalar"/> (≥ 0) or else buffer element <paramref name="element"/>: the mixed central difference
    /// at <see cref="Step"/>, and how far it is from the same at half the step (large near a kink).
    /// </summary>
    private static (double Derivative, double Noise) MixedDerivative(Func<double[], double[], int, int, double> reference, EvaluationPoint point,
        Param[] scalarParams, double[] direction, bool bufferActive, int scalar, int element)
    {
        double Objective(double alongComponent, double alongDirection)
        {
            double[] scalars = (double[])point.Scalars.Clone();
            double[] buffer = (double[])point.Buffer.Clone();
            for (int k = 0; k < scalars.Length; k++)
            {
                scalars[k] += scalarParams[k].NoGrad ? 0 : alongDirection * point.TangentScalars[k];
            }

            for (int i = 0; i < buffer.Length; i++)
            {
                buffer[i] += alongDirection * direction[i];
            }

            if (scalar >= 0)
            {
                scalars[scalar] += alongComponent;
            }
            else
            {
                buffer[element] += alongComponent;
            }

            double result = reference(scalars, buffer, point.N, point.M);
            for (int i = 0; bufferActive && i < buffer.Length; i++)
            {
                result += point.Upstream[i] * buffer[i];
            }

            return result;
        }

        double Mixed(double h) => (Objective(h, h) - Objective(h, -h) - Objective(-h, h) + Objective(-h, -h)) / (4 * h * h);
        double coarse = Mixed(Step);
        double fine = Mixed(Step / 2);
        return (coarse, Math.Abs(coarse - fine));
    }

    /// <summary>
    /// The derivative by the fourth-order central stencil at <see cref="Step"/>, and how far it is from the same
    /// stencil at half the step (large near a kink or a jump). With <paramref name="atPoint"/>, f(<paramref name="x"/>),
    /// the noise also counts a jump of f at the point itself (divided by the step, as a derivative), which the stencils,
    /// never evaluating f there, cannot see: f(x) against the mean of its neighbours at the step and half of it,
    /// extrapolated to no step (error O(h⁴)). f runs once at each of the six points both stencils and the means share.
    /// </summary>
    private static (double Derivative, double Noise) Derivative(Func<double, double> f, double x, double? atPoint = null)
    {
        const double h = Step;
        double minus2 = f(x - 2 * h), minus1 = f(x - h), minusHalf = f(x - h / 2);
        double plusHalf = f(x + h / 2), plus1 = f(x + h), plus2 = f(x + 2 * h);
        double coarse = (8 * (plus1 - minus1) - (plus2 - minus2)) / (12 * h);
        double fine = (8 * (plusHalf - minusHalf) - (plus1 - minus1)) / (12 * (h / 2));
        double noise = Math.Abs(coarse - fine);
        if (atPoint is double centre)
        {
            double jump = Math.Abs(centre - (4 * ((plusHalf + minusHalf) / 2) - (plus1 + minus1) / 2) / 3);
            noise = Math.Max(noise, double.IsNaN(jump) ? 0 : jump / Step);
        }

        return (coarse, noise);
    }

    private static bool IsModerate(double value) => double.IsFinite(value) && Math.Abs(value) < 1e8;

    internal static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>Where a program is evaluated: its inputs, the seed, and the values the adjoints start with.</summary>
internal sealed record EvaluationPoint(double[] Scalars, double[] Buffer, int N, int M, double Seed, double[] ScalarAdjoints, double[] Upstream)
{
    /// <summary>The direction the tangent is checked along: the scalars' part (inactive ones are ignored).</summary>
    public double[] TangentScalars { get; init; } = new double[Scalars.Length];

    /// <summary>The direction's part in the buffer.</summary>
    public double[] TangentBuffer { get; init; } = new double[Buffer.Length];

    public static EvaluationPoint Draw(FuzzProgram program, Rng rng)
    {
        int n = Math.Max(program.MinimumLength, FuzzSettings.LongBuffers ? rng.Between(9, 40) : rng.Weighted(1, 2, 3, 4, 4, 3));
        int m = rng.Between(0, 3);
        int scalars = program.Scalars.Length;
        double[] Values(int count, double range) => Enumerable.Range(0, count).Select(_ => Math.Round(rng.Uniform(-range, range), 3)).ToArray();
        return new EvaluationPoint(
            Values(scalars, 1.5),
            Values(n, 1.5),
            n,
            m,
            Math.Round(rng.Uniform(0.5, 2), 2),
            Values(scalars, 1),
            Values(n, 1))
        {
            // Drawn after the rest, so a program's first point is the one it had before forward mode was checked.
            TangentScalars = Values(scalars, 1),
            TangentBuffer = Values(n, 1),
        };
    }

    public override string ToString() =>
        $"at s = [{string.Join(", ", Scalars.Select(GradientChecker.R))}] (the double parameters in order), " +
        $"a = [{string.Join(", ", Buffer.Select(GradientChecker.R))}], n = {N}, m = {M}, seed = {GradientChecker.R(Seed)}, " +
        $"adjoints pre-filled with [{string.Join(", ", ScalarAdjoints.Select(GradientChecker.R))}], " +
        $"upstream da = [{string.Join(", ", Upstream.Select(GradientChecker.R))}]";
}
