namespace SourceGrad.Benchmarks.Report;

/// <summary>What kind of code a suite-1 problem is, which sets its limits (<see cref="Targets"/>).</summary>
public enum ProblemKind
{
    /// <summary>Straight-line code on a few scalars: the sigmoid neuron.</summary>
    Scalar,

    /// <summary>A loop over a span: Rosenbrock, log-sum-exp, the tanh recurrence.</summary>
    Loop,

    /// <summary>
    /// Nested loops over rows of weights (the loop MLP, the tanh RNN): where the generated code's vectorised adjoint
    /// loops should beat a scalar hand-written adjoint.
    /// </summary>
    LoopHeavy,
}

/// <summary>A row of a suite: one problem (a benchmark class, or one parameter combination of it).</summary>
public sealed record Problem(string Title, string Type, ProblemKind Kind, string Parameters = "");

/// <summary>What the suites time and how the report names it: the benchmark classes, methods and parameters.</summary>
public static class Suites
{
    public const string Generated = "Generated";
    public const string Primal = "Primal";

    /// <summary>The natural hand-written adjoint in scalar C#, which the targets compare with.</summary>
    public const string HandWritten = "HandWritten";

    /// <summary>The same adjoint vectorised by hand, shown beside the targets (not one of them).</summary>
    public const string HandWrittenVectorized = "HandWrittenVectorized";

    public const string ScalarTape = "ScalarTape";

    /// <summary>The generated tangent (forward mode) along a seeded direction: the value and one directional derivative.</summary>
    public const string Tangent = "Tangent";

    /// <summary>The generated Hessian-vector product (forward over reverse) along the same direction, with the gradient.</summary>
    public const string HessianVector = "HessianVector";

    /// <summary>What a user without it writes: two generated gradients at x ± εv and their central difference.</summary>
    public const string NaiveHessianVector = "NaiveHessianVector";

    /// <summary>Suite 1 contenders, by benchmark method name.</summary>
    public static readonly (string Method, string Label)[] ScalarContenders =
    [
        (Generated, "generated"),
        (Primal, "primal (no gradient)"),
        (Tangent, "generated tangent (forward mode, one direction)"),
        (HessianVector, "generated Hessian-vector product (with the gradient)"),
        (NaiveHessianVector, "two gradients and a central difference (naive H·v)"),
        (HandWritten, "hand-written adjoint"),
        (HandWrittenVectorized, "hand-written adjoint, vectorised by hand"),
        (ScalarTape, "scalar tape"),
        ("FiniteDifferences", "central differences"),
    ];

    public static readonly Problem[] ScalarProblems =
    [
        new("sigmoid neuron (5 inputs)", "SigmoidBenchmarks", ProblemKind.Scalar),
        new("Rosenbrock (1,000 variables)", "VectorProblemBenchmarks<Rosenbrock>", ProblemKind.Loop),
        new("tanh recurrence (100 steps, 103 inputs)", "TanhRecurrenceBenchmarks", ProblemKind.Loop),
        new("log-sum-exp (1,000 elements)", "VectorProblemBenchmarks<LogSumExp>", ProblemKind.Loop),
        new("loop-written MLP 784-32-10, batch 1", "LoopMlpBenchmarks", ProblemKind.LoopHeavy, "Hidden=32&Batch=1"),
        new("loop-written MLP 784-32-10, batch 16", "LoopMlpBenchmarks", ProblemKind.LoopHeavy, "Hidden=32&Batch=16"),
        new("tanh RNN, 32 units, 16 inputs, 50 steps", "TanhRnnBenchmarks", ProblemKind.LoopHeavy),
    ];

    public const string MlpType = "MlpStepBenchmarks";

    /// <summary>Loop checkpointing on the 100,000-step tanh recurrence: store-all (the baseline), binomial with 32 snapshots, √N.</summary>
    public const string CheckpointType = "CheckpointBenchmarks";
    public const string CheckpointStoreAll = "StoreAll";
    public const string CheckpointBinomial = "Binomial";
    public const string CheckpointSqrtN = "SqrtN";

    /// <summary>Split mode on the tanh RNN: its gradient (the baseline) against <c>LossForward</c> then <c>LossBackward</c>.</summary>
    public const string SplitType = "SplitBenchmarks";
    public const string SplitGradient = "Gradient";
    public const string SplitForwardThenBackward = "ForwardThenBackward";
    public const string TorchType = "MlpStepBenchmark";
    public static readonly int[] MlpBatches = [1, 64, 256];

    /// <summary>Suite 2 contenders in the main run.</summary>
    public static readonly (string Method, string Label)[] MlpContenders =
    [
        (Generated, "generated"),
        (HandWritten, "hand-written backward (same kernels)"),
        ("TensorTape", "tensor tape"),
    ];

    public const int Inputs = 784, Hidden = 128, Classes = 10;

    /// <summary>
    /// Floating-point operations of one step's matrix products: forward x·W1 and h·W2, backward dW1 = xᵀ·dZ1,
    /// dW2 = hᵀ·dZ2 and dH = dZ2·W2ᵀ (x needs no gradient), at 2 per multiply-add.
    /// </summary>
    public static double MlpStepFlops(int batch) => 2.0 * batch * (Inputs * Hidden * 2 + Hidden * Classes * 3);

    public const int SgemmSize = 512;
    public const string MatMulType = "MatMulBenchmarks";

    /// <summary>The sizes whose two-thread scaling the wall-clock run measures.</summary>
    public static int[] ScalingSizes => ReportContract.ScalingSizes;
    public const string GeneratorType = "GeneratorBenchmarks";

    /// <summary>Suite 5: the MLP step at batch 256 with DataParallelGradient on one and two threads (wall clock).</summary>
    public const string DataParallelType = "DataParallelStepBenchmarks";
    public const int DataParallelBatch = 256;

    /// <summary>A model's ceiling row: its shards' gradients alone on two threads (no sum, no update).</summary>
    public const string DataParallelCeilingSuffix = "ShardsAlone";

    public static readonly (string Method, string Label)[] DataParallelModels =
    [
        ("LoopWritten", "loop-written MLP"),
        ("KernelBased", "kernel-based MLP"),
    ];

    /// <summary>Suite 5: one step of Samples/Distributed over two Orleans silos beside the same step in-process (wall clock).</summary>
    public const string DistributedType = "DistributedStepBenchmarks";

    public static readonly (string Method, string Label)[] DistributedContenders =
    [
        ("InProcessTwoThreads", "in-process, DataParallelGradient on 2 threads"),
        ("InProcessOneThread", "in-process, 1 thread"),
        ("OrleansTwoSilos", "Orleans, 2 silos in one process (localhost TCP)"),
    ];
    public static readonly int[] GeneratorMethodCounts = [1, 10, 100];
}
