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
        ArgumentNullException.ThrowIfNull(parameters);
        BindState(parameters);

        double learningRate = LearningRate;
        if (!(learningRate >= 0) || double.IsPositiveInfinity(learningRate))
            throw new InvalidOperationException($"The schedule {Schedule} gave the learning rate {learningRate} at step {StepCount}; it must be a finite number >= 0.");

        StepCount++;
        foreach (Parameter parameter in parameters)
            Update(parameter, learningRate, StepCount);
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

    /// <summary>Updates one parameter; <paramref name="step"/> counts from 1 (Adam's bias correction needs it).</summary>
    private protected abstract void Update(Parameter parameter, double learningRate, long step);

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
