using System.Numerics;
using SourceGrad.Kernels;

namespace SourceGrad;

/// <summary>
/// Line-search Newton-CG (truncated Newton; Nocedal and Wright, <i>Numerical Optimization</i>, Algorithm 7.1): each
/// iteration solves ∇²f(x)·p = −∇f(x) approximately by conjugate gradients, which needs only Hessian-vector products
/// (the generated <c>MHessianVector</c>), then moves along p with an Armijo backtracking line search.
/// <list type="bullet">
/// <item>CG stops when its residual is below η‖g‖ with the forcing term η = min(0.5, √‖g‖), so steps are cheap far from
/// the minimum and converge superlinearly near it;</item>
/// <item>on a direction of negative (or zero) curvature CG stops and returns what it has so far, a descent direction; when
/// that happens on its first direction, the step is steepest descent, −g;</item>
/// <item>the line search tries step lengths 1, ρ, ρ², … until f(x + αp) ≤ f(x) + c₁·α·gᵀp.</item>
/// </list>
/// Every buffer is allocated in the constructor, sized by <see cref="Dimension"/>, so <see cref="Start{TObjective}"/>,
/// <see cref="Step{TObjective}"/> and <see cref="Minimize{TObjective}"/> allocate nothing. Drive it with
/// <see cref="Minimize{TObjective}"/>, or with <see cref="Start{TObjective}"/> and then <see cref="Step{TObjective}"/> in
/// your own loop, which sees the <see cref="NewtonCgIteration"/> of every iteration.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>: the type of the point, the gradient and the CG vectors.</typeparam>
public sealed class NewtonCg<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _point;
    private T[] _gradient;
    // The line search's trial point and its gradient; swapped with the two above when a trial is accepted.
    private T[] _trialPoint;
    private T[] _trialGradient;
    private readonly T[] _newtonStep;
    private readonly T[] _residual;
    private readonly T[] _conjugateDirection;
    private readonly T[] _hessianTimesDirection;
    private readonly T[] _hessianVectorGradient;
    private readonly T _armijoConstant;
    private readonly T _backtrackingFactor;

    private bool _started;
    private T _value;
    private int _iteration;
    private long _gradientEvaluations;
    private long _hessianVectorEvaluations;

    /// <summary>An optimizer for functions of <paramref name="dimension"/> variables.</summary>
    public NewtonCg(int dimension, NewtonCgOptions? options = null)
    {
        Require.Positive(dimension);
        options ??= new NewtonCgOptions();
        Require.OpenUnitInterval(options.ArmijoConstant, "options.ArmijoConstant");
        Require.OpenUnitInterval(options.BacktrackingFactor, "options.BacktrackingFactor");
        Require.Positive(options.MaxBacktracks, "options.MaxBacktracks");
        if (options.MaxCgIterations is int maxCg)
            Require.Positive(maxCg, "options.MaxCgIterations");

        Dimension = dimension;
        Options = options;
        MaxCgIterations = options.MaxCgIterations ?? dimension;
        _armijoConstant = T.CreateChecked(options.ArmijoConstant);
        _backtrackingFactor = T.CreateChecked(options.BacktrackingFactor);
        _point = new T[dimension];
        _gradient = new T[dimension];
        _trialPoint = new T[dimension];
        _trialGradient = new T[dimension];
        _newtonStep = new T[dimension];
        _residual = new T[dimension];
        _conjugateDirection = new T[dimension];
        _hessianTimesDirection = new T[dimension];
        _hessianVectorGradient = new T[dimension];
    }

    /// <summary>The number of variables.</summary>
    public int Dimension { get; }

    public NewtonCgOptions Options { get; }

    /// <summary>The most CG iterations per Newton iteration: <see cref="NewtonCgOptions.MaxCgIterations"/>, or the dimension (where exact CG would have converged).</summary>
    public int MaxCgIterations { get; }

    /// <summary>
    /// Evaluates the objective at <paramref name="x"/> and makes it the current point; the counts start again from zero.
    /// Returns iteration 0 (no step, no CG).
    /// </summary>
    /// <exception cref="InvalidOperationException">The value or the gradient at <paramref name="x"/> is not finite.</exception>
    public NewtonCgIteration Start<TObjective>(ref TObjective objective, ReadOnlySpan<T> x)
        where TObjective : ISecondOrderObjective<T>
    {
        CheckArguments(ref objective, x);
        x.CopyTo(_point);
        Array.Clear(_gradient);
        _value = objective.ValueAndGradient(_point, _gradient);
        _gradientEvaluations = 1;
        _hessianVectorEvaluations = 0;
        _iteration = 0;
        T gradientNorm = Norm(_gradient);
        if (!T.IsFinite(_value) || !T.IsFinite(gradientNorm))
        {
            _started = false;
            throw new InvalidOperationException(
                $"The objective's value at the starting point is {_value} and its gradient's norm {gradientNorm}; Newton-CG needs both finite where it starts.");
        }

        _started = true;
        return Progress(gradientNorm, cgIterations: 0, negativeCurvature: false, steepestDescent: false, stepLength: T.Zero, lineSearchFailed: false);
    }

    /// <summary>
    /// One Newton-CG iteration from the current point, which <paramref name="x"/> must hold (as <see cref="Start{TObjective}"/>
    /// or the last <see cref="Step{TObjective}"/> left it): on success <paramref name="x"/> receives the new point; when the
    /// line search finds no decrease (<see cref="NewtonCgIteration.LineSearchFailed"/>), it stays where it was.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="Start{TObjective}"/> was not called, or <paramref name="x"/> was changed since.</exception>
    public NewtonCgIteration Step<TObjective>(ref TObjective objective, Span<T> x)
        where TObjective : ISecondOrderObjective<T>
    {
        CheckArguments(ref objective, x);
        if (!_started)
            throw new InvalidOperationException("Call Start(objective, x) before Step: Newton-CG needs the value and gradient at the starting point.");
        if (!x.SequenceEqual(_point))
            throw new InvalidOperationException(
                "x is not the point this optimizer left it at (it was changed since the last Start or Step); call Start(objective, x) to begin from there.");

        T gradientNorm = Norm(_gradient);
        int cgIterations = SolveNewtonSystem(ref objective, gradientNorm, out bool negativeCurvature);

        // CG's direction descends whenever the Hessian products are exact; rounding (in float) can spoil that.
        T slope = Vectorized.Dot<T>(_gradient, _newtonStep);
        bool steepestDescent = cgIterations == 0;
        if (!(slope < T.Zero))
        {
            SetToNegative(_newtonStep, _gradient);
            slope = -gradientNorm * gradientNorm;
            steepestDescent = true;
        }

        T stepLength = T.One;
        bool accepted = false;
        for (int trial = 0; trial < Options.MaxBacktracks && !accepted; trial++)
        {
            if (trial > 0)
                stepLength *= _backtrackingFactor;
            for (int i = 0; i < _point.Length; i++)
                _trialPoint[i] = _point[i] + stepLength * _newtonStep[i];
            Array.Clear(_trialGradient);
            T trialValue = objective.ValueAndGradient(_trialPoint, _trialGradient);
            _gradientEvaluations++;
            if (trialValue <= _value + _armijoConstant * stepLength * slope)
            {
                (_point, _trialPoint) = (_trialPoint, _point);
                (_gradient, _trialGradient) = (_trialGradient, _gradient);
                _value = trialValue;
                accepted = true;
            }
        }

        _iteration++;
        if (!accepted)
            return Progress(gradientNorm, cgIterations, negativeCurvature, steepestDescent, stepLength: T.Zero, lineSearchFailed: true);

        _point.CopyTo(x);
        return Progress(Norm(_gradient), cgIterations, negativeCurvature, steepestDescent, stepLength, lineSearchFailed: false);
    }

    /// <summary>
    /// Minimises from <paramref name="x"/> until the gradient's norm is at most <paramref name="gradientTolerance"/>, after
    /// <paramref name="maxIterations"/> Newton iterations, or when the line search finds no decrease (at the limit of the
    /// type's precision, typically); <paramref name="x"/> ends at the best point found. <paramref name="onIteration"/>, when
    /// given, sees iteration 0 (the start) and every iteration after it.
    /// </summary>
    public NewtonCgResult Minimize<TObjective>(
        ref TObjective objective, Span<T> x, int maxIterations, double gradientTolerance, Action<NewtonCgIteration>? onIteration = null)
        where TObjective : ISecondOrderObjective<T>
    {
        Require.NonNegative(maxIterations);
        Require.NonNegative(gradientTolerance);
        NewtonCgIteration progress = Start(ref objective, x);
        onIteration?.Invoke(progress);
        while (true)
        {
            if (progress.GradientNorm <= gradientTolerance)
                return new NewtonCgResult(progress, NewtonCgStopReason.GradientTolerance);
            if (progress.Iteration >= maxIterations)
                return new NewtonCgResult(progress, NewtonCgStopReason.MaxIterations);
            progress = Step(ref objective, x);
            onIteration?.Invoke(progress);
            if (progress.LineSearchFailed)
                return new NewtonCgResult(progress, NewtonCgStopReason.LineSearchFailed);
        }
    }

    /// <summary>
    /// CG on ∇²f·p = −g from p = 0 (Algorithm 7.1's inner loop) into <see cref="_newtonStep"/>; returns the number of CG
    /// iterations that updated p, 0 when the first direction already had non-positive curvature (p is then −g).
    /// </summary>
    private int SolveNewtonSystem<TObjective>(ref TObjective objective, T gradientNorm, out bool negativeCurvature)
        where TObjective : ISecondOrderObjective<T>
    {
        T forcingTolerance = T.Min(T.CreateChecked(0.5), T.Sqrt(gradientNorm)) * gradientNorm;
        Span<T> step = _newtonStep, residual = _residual, direction = _conjugateDirection, curvature = _hessianTimesDirection;
        step.Clear();
        _gradient.CopyTo(residual);
        SetToNegative(direction, _gradient);
        T residualSquared = gradientNorm * gradientNorm;
        negativeCurvature = false;

        for (int j = 0; j < MaxCgIterations; j++)
        {
            curvature.Clear();
            Array.Clear(_hessianVectorGradient);
            objective.HessianVector(_point, direction, _hessianVectorGradient, curvature);
            _hessianVectorEvaluations++;
            T directionCurvature = Vectorized.Dot<T>(direction, curvature);
            // Written so that NaN counts as no positive curvature too.
            if (!(directionCurvature > T.Zero))
            {
                negativeCurvature = true;
                if (j == 0)
                    direction.CopyTo(step);
                return j;
            }

            T alpha = residualSquared / directionCurvature;
            for (int i = 0; i < step.Length; i++)
            {
                step[i] += alpha * direction[i];
                residual[i] += alpha * curvature[i];
            }

            T nextResidualSquared = Vectorized.Dot<T>(residual, residual);
            if (T.Sqrt(nextResidualSquared) < forcingTolerance)
                return j + 1;
            T beta = nextResidualSquared / residualSquared;
            for (int i = 0; i < direction.Length; i++)
                direction[i] = beta * direction[i] - residual[i];
            residualSquared = nextResidualSquared;
        }

        return MaxCgIterations;
    }

    private NewtonCgIteration Progress(T gradientNorm, int cgIterations, bool negativeCurvature, bool steepestDescent, T stepLength, bool lineSearchFailed) =>
        new(
            _iteration,
            double.CreateChecked(_value),
            double.CreateChecked(gradientNorm),
            cgIterations,
            negativeCurvature,
            steepestDescent,
            double.CreateChecked(stepLength),
            lineSearchFailed,
            _gradientEvaluations,
            _hessianVectorEvaluations);

    private void CheckArguments<TObjective>(ref TObjective objective, ReadOnlySpan<T> x)
        where TObjective : ISecondOrderObjective<T>
    {
        if (objective is null)
            throw new ArgumentNullException(nameof(objective));
        if (objective.Dimension != Dimension)
            throw new ArgumentException(
                $"objective.Dimension must be {Dimension} (the dimension this optimizer was made for), but is {objective.Dimension}.", nameof(objective));
        Require.SameLength(Dimension, x.Length, "the optimizer's dimension", nameof(x));
    }

    private static T Norm(ReadOnlySpan<T> v) => T.Sqrt(Vectorized.Dot(v, v));

    private static void SetToNegative(Span<T> destination, ReadOnlySpan<T> source)
    {
        for (int i = 0; i < destination.Length; i++)
            destination[i] = -source[i];
    }

    public override string ToString() =>
        $"Newton-CG(dimension {Dimension}, at most {MaxCgIterations} CG iterations, Armijo c1 {Options.ArmijoConstant}, backtracking ×{Options.BacktrackingFactor} up to {Options.MaxBacktracks} times)";
}

/// <summary>The settings of <see cref="NewtonCg{T}"/>; the defaults are Nocedal and Wright's.</summary>
public sealed record NewtonCgOptions
{
    /// <summary>c₁ of the Armijo condition f(x + αp) ≤ f(x) + c₁·α·gᵀp, in (0, 1). Default 1e-4.</summary>
    public double ArmijoConstant { get; init; } = 1e-4;

    /// <summary>ρ: each rejected step length is multiplied by it, in (0, 1). Default 0.5.</summary>
    public double BacktrackingFactor { get; init; } = 0.5;

    /// <summary>The most step lengths the line search tries before it reports failure. Default 50 (down to 0.5⁴⁹ ≈ 2e-15).</summary>
    public int MaxBacktracks { get; init; } = 50;

    /// <summary>The most CG iterations per Newton iteration; null (the default) allows as many as the dimension.</summary>
    public int? MaxCgIterations { get; init; }
}

/// <summary>
/// Where <see cref="NewtonCg{T}"/> stands after an iteration: the value and gradient norm at the current point, what the
/// iteration did, and how many evaluations it took to get there (counted from <see cref="NewtonCg{T}.Start{TObjective}"/>).
/// </summary>
/// <param name="Iteration">0 for the starting point, then 1, 2, …</param>
/// <param name="Value">f at the current point.</param>
/// <param name="GradientNorm">‖∇f‖ at the current point.</param>
/// <param name="CgIterations">The CG iterations this Newton iteration took (0 when it fell back to steepest descent at once).</param>
/// <param name="NegativeCurvature">Whether CG stopped on a direction of non-positive curvature.</param>
/// <param name="SteepestDescent">Whether the step was along −∇f instead of CG's direction.</param>
/// <param name="StepLength">The line search's accepted α (0 when it failed, or at iteration 0).</param>
/// <param name="LineSearchFailed">Whether no tried step length decreased f enough; the point did not move.</param>
/// <param name="GradientEvaluations">Calls of <see cref="ISecondOrderObjective{T}.ValueAndGradient"/> so far.</param>
/// <param name="HessianVectorEvaluations">Calls of <see cref="ISecondOrderObjective{T}.HessianVector"/> so far.</param>
public readonly record struct NewtonCgIteration(
    int Iteration,
    double Value,
    double GradientNorm,
    int CgIterations,
    bool NegativeCurvature,
    bool SteepestDescent,
    double StepLength,
    bool LineSearchFailed,
    long GradientEvaluations,
    long HessianVectorEvaluations);

/// <summary>Why <see cref="NewtonCg{T}.Minimize{TObjective}"/> stopped.</summary>
public enum NewtonCgStopReason
{
    /// <summary>‖∇f‖ reached the tolerance: converged.</summary>
    GradientTolerance,

    /// <summary>The iteration limit was reached first.</summary>
    MaxIterations,

    /// <summary>The line search found no step that decreases f (usually: the point is as good as the type's precision allows).</summary>
    LineSearchFailed,
}

/// <summary>The last iteration of <see cref="NewtonCg{T}.Minimize{TObjective}"/> and why it stopped.</summary>
public readonly record struct NewtonCgResult(NewtonCgIteration Final, NewtonCgStopReason Reason)
{
    /// <summary>Whether the gradient tolerance was reached.</summary>
    public bool Converged => Reason == NewtonCgStopReason.GradientTolerance;
}
