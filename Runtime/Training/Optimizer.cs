namespace SourceGrad;

/// <summary>Updates a <see cref="ParameterSet"/>'s values from its gradients.</summary>
public interface IOptimizer
{
    /// <summary>Applies one update to every parameter from its current gradient. It does not zero the gradients.</summary>
    void Step(ParameterSet parameters);

    /// <summary>The number of steps taken so far.</summary>
    long StepCount { get; }

    /// <summary>The learning rate the next <see cref="Step"/> will use.</summary>
    double LearningRate { get; }
}

/// <summary>
/// What every optimizer here shares: the learning-rate schedule, the step count, and per-element state (momentum,
/// moment estimates) allocated on the first <see cref="Step"/> for that one parameter set, so later steps allocate nothing.
/// </summary>
public abstract class Optimizer : IOptimizer
{
    private ParameterSet? _boundSet;
    private int _boundLength;

    private protected Optimizer(ILearningRateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        Schedule = schedule;
    }

    /// <summary>Where the learning rate of each step comes from.</summary>
    public ILearningRateSchedule Schedule { get; }

    public long StepCount { get; private set; }

    public double LearningRate => Schedule.LearningRateAt(StepCount);

    public void Step(ParameterSet parameters)
    {
        OptimizerStep step = BeginStep(parameters);
        UpdateRangeUnchecked(step, 0, parameters.TotalLength);
    }

    /// <summary>
    /// Starts one step that is then applied range by range with <see cref="UpdateRange"/>: takes the learning rate and
    /// counts the step, as <see cref="Step"/> does. Updating every element of the flat numbering exactly once, in any
    /// ranges, on any threads, gives the bits <see cref="Step"/> gives (the update of an element reads only that element's
    /// value, gradient and state), so a data-parallel trainer can update each thread's part of the weights on that thread.
    /// </summary>
    public OptimizerStep BeginStep(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        BindState(parameters);

        double learningRate = LearningRate;
        if (!(learningRate >= 0) || double.IsPositiveInfinity(learningRate))
            throw new InvalidOperationException($"The schedule {Schedule} gave the learning rate {learningRate} at step {StepCount}; it must be a finite number >= 0.");

        StepCount++;
        return new OptimizerStep(this, parameters, learningRate, StepCount);
    }

    /// <summary>
    /// Applies <paramref name="step"/> (from <see cref="BeginStep"/>) to elements <paramref name="start"/> …
    /// <paramref name="start"/> + <paramref name="length"/> − 1 of the set's flat numbering (they may span several
    /// parameters). Calls on ranges that do not overlap may run on several threads at once.
    /// </summary>
    public void UpdateRange(OptimizerStep step, int start, int length)
    {
        if (!ReferenceEquals(step.Optimizer, this))
            throw new ArgumentException($"{nameof(step)} was begun by another optimizer ({step.Optimizer?.ToString() ?? "none"}), not by {this}.", nameof(step));
        if (step.Number != StepCount || !ReferenceEquals(step.Parameters, _boundSet))
            throw new ArgumentException(
                $"{nameof(step)} is step {step.Number}, but this optimizer's current step is {StepCount}: update ranges only of the step begun last.", nameof(step));
        int total = step.Parameters.TotalLength;
        if (start < 0 || length < 0 || start > total - length)
            throw new ArgumentOutOfRangeException(
                nameof(length), length, $"The range of {length} elements from {start} must lie within the set's {total} elements.");
        UpdateRangeUnchecked(step, start, length);
    }

    /// <summary><see cref="UpdateRange"/> without its checks, for callers that have made them.</summary>
    internal void UpdateRangeUnchecked(in OptimizerStep step, int start, int length)
    {
        int end = start + length;
        foreach (Parameter parameter in step.Parameters)
        {
            int from = Math.Max(start, parameter.Offset), to = Math.Min(end, parameter.Offset + parameter.Length);
            if (from < to)
                Update(parameter, from - parameter.Offset, to - from, step.LearningRate, step.Number);
        }
    }

    /// <summary>Forgets the state and the step count, so the optimizer can start again (on any parameter set).</summary>
    public void Reset()
    {
        _boundSet = null;
        _boundLength = 0;
        StepCount = 0;
        ReleaseState();
    }

    /// <summary>Allocates the per-element state for a set of <paramref name="totalLength"/> elements (zeroed).</summary>
    private protected abstract void AllocateState(int totalLength);

    private protected abstract void ReleaseState();

    /// <summary>
    /// Updates elements <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1 of one
    /// parameter; <paramref name="step"/> counts from 1 (Adam's bias correction needs it). Each element's update must
    /// depend only on that element, so that any split into ranges gives the same bits.
    /// </summary>
    private protected abstract void Update(Parameter parameter, int start, int count, double learningRate, long step);

    // The state is laid out by the set's flat numbering, so it belongs to one set with one layout.
    private void BindState(ParameterSet parameters)
    {
        if (_boundSet is null)
        {
            AllocateState(parameters.TotalLength);
            _boundSet = parameters;
            _boundLength = parameters.TotalLength;
            return;
        }
        if (!ReferenceEquals(_boundSet, parameters))
            throw new ArgumentException(
                $"This optimizer holds state for another parameter set ({_boundSet}); use one optimizer per set, or call Reset() first.",
                nameof(parameters));
        if (_boundLength != parameters.TotalLength)
            throw new InvalidOperationException(
                $"Parameters were added to the set after the optimizer's first step ({_boundLength} elements then, {parameters.TotalLength} now); call Reset() to start again.");
    }
}

/// <summary>
/// One step of an <see cref="Optimizer"/> begun by <see cref="Optimizer.BeginStep"/> and applied range by range with
/// <see cref="Optimizer.UpdateRange"/>: the learning rate and step number every range uses.
/// </summary>
public readonly struct OptimizerStep
{
    internal OptimizerStep(Optimizer optimizer, ParameterSet parameters, double learningRate, long number)
    {
        Optimizer = optimizer;
        Parameters = parameters;
        LearningRate = learningRate;
        Number = number;
    }

    /// <summary>The optimizer that began the step (null for a default value, which no optimizer accepts).</summary>
    public Optimizer? Optimizer { get; }

    /// <summary>The parameter set the step updates.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>The learning rate of this step.</summary>
    public double LearningRate { get; }

    /// <summary>The step's number, counted from 1.</summary>
    public long Number { get; }
}
