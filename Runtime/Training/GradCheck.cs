using System.Globalization;
using System.Text;

namespace SourceGrad;

/// <summary>
/// Checks an analytic gradient against central finite differences, ∂L/∂xᵢ ≈ (L(x + h·eᵢ) − L(x − h·eᵢ)) / 2h, element by
/// element. Usage:
/// <code>
/// Array.Clear(dW); Array.Clear(dB);
/// Model.LossGradient(x, w, b, labels, dW, dB);
/// GradCheckResult result = GradCheck.Check(() => Model.Loss(x, w, b, labels),
///     new GradCheckInput("w", w, dW), new GradCheckInput("b", b, dB));
/// Assert.True(result.Passed, result.ToString());
/// </code>
/// The loss must compute the loss only (call <c>M</c>, not <c>MGradient</c>) and must read the input arrays each time it
/// runs: the check changes one element at a time, calls it twice, and puts the exact original value back.
/// </summary>
public static class GradCheck
{
    /// <summary>Checks every element of every input with the default <see cref="GradCheckOptions"/>.</summary>
    public static GradCheckResult Check(Func<double> loss, params GradCheckInput[] inputs) => Check(loss, new GradCheckOptions(), inputs);

    /// <summary>Checks every parameter of the set: its <see cref="Parameter.Gradient"/> must hold the analytic gradient.</summary>
    public static GradCheckResult Check(Func<double> loss, ParameterSet parameters, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Check(loss, options ?? new GradCheckOptions(), parameters.Select(GradCheckInput.From).ToArray());
    }

    /// <summary>Checks the inputs with the given step size, tolerance and sampling.</summary>
    public static GradCheckResult Check(Func<double> loss, GradCheckOptions options, params GradCheckInput[] inputs)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length == 0)
            throw new ArgumentException("Give at least one input to check.", nameof(inputs));
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
                throw new ArgumentException($"inputs[{i}] is null.", nameof(inputs));
        }

        bool singlePrecision = inputs.Any(input => input.IsSinglePrecision);
        var settings = new Settings(
            Step: options.Step ?? (singlePrecision ? 1e-3 : 1e-6),
            Tolerance: options.Tolerance ?? (singlePrecision ? 1e-2 : 1e-6),
            MinimumScale: options.MinimumScale ?? (singlePrecision ? 1e-1 : 1e-3));
        Require.Positive(settings.Step, "options.Step");
        Require.Positive(settings.Tolerance, "options.Tolerance");
        Require.NonNegative(settings.MinimumScale, "options.MinimumScale");
        if (options.MaxElementsPerInput is int max && max <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), max, $"MaxElementsPerInput must be > 0 (or null for all elements), but was {max}.");

        double baseLoss = loss();
        var tally = new Tally(settings);
        if (double.IsFinite(baseLoss))
        {
            var sampler = new SeededRandom(options.SamplingSeed);
            foreach (GradCheckInput input in inputs)
            {
                // A snapshot: a loss that (wrongly) also writes the gradient arrays must not change what is compared.
                double[] analytic = input.CopyAnalyticGradient();
                foreach (int index in ElementsToCheck(input.Length, options.MaxElementsPerInput, sampler))
                    tally.Add(input.Name, index, analytic[index], Numeric(loss, input, index, settings.Step));
            }
        }
        return tally.ToResult(baseLoss);
    }

    private static double Numeric(Func<double> loss, GradCheckInput input, int index, double step)
    {
        double original = input.Get(index);
        // The stored values, not x ± h: a float cannot hold x + h exactly, and the quotient must use the true distance.
        double plus = input.Set(index, original + step);
        double lossPlus = loss();
        double minus = input.Set(index, original - step);
        double lossMinus = loss();
        input.Set(index, original);
        return (lossPlus - lossMinus) / (plus - minus);
    }

    private static IEnumerable<int> ElementsToCheck(int length, int? maxElements, SeededRandom sampler)
    {
        if (maxElements is not int max || max >= length)
            return Enumerable.Range(0, length);
        int[] indices = Enumerable.Range(0, length).ToArray();
        sampler.Shuffle(indices.AsSpan());
        int[] chosen = indices[..max];
        Array.Sort(chosen);
        return chosen;
    }

    private readonly record struct Settings(double Step, double Tolerance, double MinimumScale);

    private sealed class Tally(Settings settings)
    {
        private GradCheckEntry? _worst;
        private GradCheckEntry? _firstNonFinite;
        private int _checked;
        private int _failed;

        public void Add(string name, int index, double analytic, double numeric)
        {
            _checked++;
            double error = Math.Abs(analytic - numeric) / Math.Max(Math.Max(Math.Abs(analytic), Math.Abs(numeric)), settings.MinimumScale);
            var entry = new GradCheckEntry(name, index, analytic, numeric, error);
            if (!double.IsFinite(analytic) || !double.IsFinite(numeric))
            {
                _failed++;
                _firstNonFinite ??= entry;
                return;
            }
            if (error > settings.Tolerance)
                _failed++;
            if (_worst is null || error > _worst.Value.RelativeError)
                _worst = entry;
        }

        public GradCheckResult ToResult(double loss) =>
            new(loss, _worst, _firstNonFinite, _checked, _failed, settings.Step, settings.Tolerance, settings.MinimumScale);
    }
}

/// <summary>One array the loss reads, with the analytic gradient of the loss with respect to it.</summary>
public sealed class GradCheckInput
{
    private readonly float[]? _singleValues;
    private readonly float[]? _singleGradient;
    private readonly double[]? _doubleValues;
    private readonly double[]? _doubleGradient;

    /// <summary>A float array and its analytic gradient (same length).</summary>
    public GradCheckInput(string name, float[] values, float[] analyticGradient)
    {
        CheckArguments(name, values, analyticGradient, values?.Length, analyticGradient?.Length);
        Name = name;
        _singleValues = values;
        _singleGradient = analyticGradient;
    }

    /// <summary>A double array and its analytic gradient (same length).</summary>
    public GradCheckInput(string name, double[] values, double[] analyticGradient)
    {
        CheckArguments(name, values, analyticGradient, values?.Length, analyticGradient?.Length);
        Name = name;
        _doubleValues = values;
        _doubleGradient = analyticGradient;
    }

    /// <summary>A parameter's <see cref="Parameter.Value"/> with its <see cref="Parameter.Gradient"/> as the analytic gradient.</summary>
    public static GradCheckInput From(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return new GradCheckInput(parameter.Name, parameter.Value, parameter.Gradient);
    }

    /// <summary>The name results and messages use for this input.</summary>
    public string Name { get; }

    public int Length => _singleValues?.Length ?? _doubleValues!.Length;

    /// <summary>Whether the values are floats (then the check's defaults are those for single precision).</summary>
    public bool IsSinglePrecision => _singleValues is not null;

    internal double Get(int index) => _singleValues is not null ? _singleValues[index] : _doubleValues![index];

    /// <summary>Stores <paramref name="value"/> and returns what was actually stored (rounded to float for a float array).</summary>
    internal double Set(int index, double value)
    {
        if (_singleValues is not null)
            return _singleValues[index] = (float)value;
        return _doubleValues![index] = value;
    }

    internal double[] CopyAnalyticGradient() =>
        _singleGradient is not null ? Array.ConvertAll(_singleGradient, g => (double)g) : (double[])_doubleGradient!.Clone();

    private static void CheckArguments(string name, object? values, object? analyticGradient, int? valuesLength, int? gradientLength)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(analyticGradient);
        if (valuesLength != gradientLength)
            throw new ArgumentException(
                $"The analytic gradient of '{name}' must have as many elements as its values ({valuesLength}), but has {gradientLength}.",
                nameof(analyticGradient));
    }

    public override string ToString() => $"{Name} ({Length} {(IsSinglePrecision ? "float" : "double")}s)";
}

/// <summary>How <see cref="GradCheck"/> differentiates and what it accepts. A null setting takes the default for the inputs' precision.</summary>
public sealed record GradCheckOptions
{
    /// <summary>The finite-difference step h. Default: 1e-3 when any input is float, else 1e-6.</summary>
    public double? Step { get; init; }

    /// <summary>The largest relative error that passes. Default: 1e-2 when any input is float, else 1e-6.</summary>
    public double? Tolerance { get; init; }

    /// <summary>
    /// The smallest denominator of the relative error |a − n| / max(|a|, |n|, MinimumScale): near-zero gradients are
    /// compared absolutely, since rounding noise in the loss dominates them. Default: 1e-1 when any input is float, else 1e-3.
    /// </summary>
    public double? MinimumScale { get; init; }

    /// <summary>Check at most this many elements of each input, chosen at random (seeded by <see cref="SamplingSeed"/>); null checks all.</summary>
    public int? MaxElementsPerInput { get; init; }

    /// <summary>The seed that picks the elements when <see cref="MaxElementsPerInput"/> limits them.</summary>
    public long SamplingSeed { get; init; }
}

/// <summary>One compared element: the input's name and index, both gradients, and their relative error.</summary>
public readonly record struct GradCheckEntry(string Parameter, int Index, double Analytic, double Numeric, double RelativeError)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Parameter}[{Index}]: analytic {Analytic:G7}, numeric {Numeric:G7}, relative error {RelativeError:G3}");
}

/// <summary>What a gradient check found. <see cref="ToString"/> says it in one sentence.</summary>
public sealed class GradCheckResult
{
    internal GradCheckResult(double loss, GradCheckEntry? worst, GradCheckEntry? firstNonFinite, int checkedCount, int failedCount, double step, double tolerance, double minimumScale)
    {
        Loss = loss;
        Worst = worst;
        FirstNonFinite = firstNonFinite;
        CheckedCount = checkedCount;
        FailedCount = failedCount;
        Step = step;
        Tolerance = tolerance;
        MinimumScale = minimumScale;
    }

    /// <summary>True when the loss is finite, no gradient is NaN or infinite, and every relative error is within <see cref="Tolerance"/>.</summary>
    public bool Passed => double.IsFinite(Loss) && FirstNonFinite is null && FailedCount == 0 && CheckedCount > 0;

    /// <summary>The loss at the unperturbed inputs.</summary>
    public double Loss { get; }

    /// <summary>The finite element with the largest relative error (null when none was compared).</summary>
    public GradCheckEntry? Worst { get; }

    /// <summary>The largest relative error over the finite elements.</summary>
    public double WorstRelativeError => Worst?.RelativeError ?? 0;

    /// <summary>The first element whose analytic or numeric gradient is NaN or infinite, if any.</summary>
    public GradCheckEntry? FirstNonFinite { get; }

    /// <summary>Whether some analytic or numeric gradient is NaN or infinite (see <see cref="FirstNonFinite"/>).</summary>
    public bool HasNonFinite => FirstNonFinite is not null;

    /// <summary>The number of elements compared.</summary>
    public int CheckedCount { get; }

    /// <summary>The number of elements over the tolerance or not finite.</summary>
    public int FailedCount { get; }

    public double Step { get; }

    public double Tolerance { get; }

    public double MinimumScale { get; }

    /// <summary>Throws an <see cref="InvalidOperationException"/> with <see cref="ToString"/> as its message unless the check passed.</summary>
    public GradCheckResult EnsurePassed() => Passed ? this : throw new InvalidOperationException(ToString());

    public override string ToString()
    {
        var text = new StringBuilder(Passed ? "Gradient check passed" : "Gradient check FAILED");
        var invariant = CultureInfo.InvariantCulture;
        if (!double.IsFinite(Loss))
            return text.Append(invariant, $": the loss itself is {Loss} at the given inputs, so nothing was compared.").ToString();
        if (CheckedCount == 0)
            return text.Append(": no element was compared.").ToString();

        if (FirstNonFinite is GradCheckEntry bad)
        {
            string which = double.IsFinite(bad.Analytic) ? "numeric" : "analytic";
            double value = double.IsFinite(bad.Analytic) ? bad.Numeric : bad.Analytic;
            text.Append(invariant, $": the {which} gradient of {bad.Parameter}[{bad.Index}] is {value}");
            text.Append(which == "numeric" ? " (the loss is not finite near this point)" : "");
            if (which == "analytic" && NonFiniteGradients.First is NonFiniteGradient source)
            {
                text.Append(invariant, $", where {source}");
            }

            text.Append(';');
        }
        else
        {
            text.Append(':');
        }

        if (Worst is GradCheckEntry worst)
        {
            text.Append(invariant, $" worst relative error {worst.RelativeError:G3} at {worst.Parameter}[{worst.Index}] (analytic {worst.Analytic:G7}, numeric {worst.Numeric:G7})");
            text.Append(worst.RelativeError > Tolerance ? " exceeds" : " within").Append(invariant, $" tolerance {Tolerance:G3};");
        }
        text.Append(invariant, $" {FailedCount} of {CheckedCount} elements failed (step {Step:G3}, minimum scale {MinimumScale:G3}).");
        return text.ToString();
    }
}
