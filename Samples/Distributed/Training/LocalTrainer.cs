namespace SourceGrad.Samples.Distributed.Training;

/// <summary>
/// The same training in one process: the minibatch in one replica, its gradient from <see cref="DataParallelGradient"/>
/// on <c>threads</c> threads, the same optimiser step. The reference the distributed run is checked and timed against.
/// </summary>
internal sealed class LocalTrainer(MlpReplica model, IOptimizer optimizer, int threads)
{
    private readonly DataParallelGradient _gradient = new(model.Parameters, threads);

    public ParameterSet Parameters => model.Parameters;

    public float Step(int[] batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        model.Gather(batch, 0, batch.Length);
        float loss = _gradient.Compute(model.Model, batch.Length);
        optimizer.Step(model.Parameters);
        return loss;
    }
}
