namespace SourceGrad;

/// <summary>
/// How <c>MGradient</c> of a <c>[Differentiable(Checkpoint = …)]</c> method treats its outer loop: store every
/// iteration's saves (the default), or keep snapshots of the loop-carried state only and run iterations again in the
/// reverse sweep (see docs/contract.md, "Loop checkpointing").
/// </summary>
public enum CheckpointMode
{
    /// <summary>No checkpointing: the forward sweep keeps what every iteration's reverse reads.</summary>
    None = 0,

    /// <summary>
    /// Binomial checkpointing (Revolve, Griewank and Walther): at most <see cref="DifferentiableAttribute.Snapshots"/>
    /// snapshots of the loop-carried state, and the fewest iterations run again that this many snapshots allow.
    /// </summary>
    Binomial = 1,

    /// <summary>
    /// √N segments: a snapshot at the start of each of about √N segments; the reverse sweep runs each segment again
    /// with its saves, then reverses it, so one segment's saves are held at a time.
    /// </summary>
    SqrtN = 2,
}
