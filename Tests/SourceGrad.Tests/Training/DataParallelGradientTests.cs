using SourceGrad.Kernels;
using SourceGrad.Tests.Kernels;

namespace SourceGrad.Tests.Training;

/// <summary>
/// <see cref="DataParallelGradient"/> on a loop-written model (<see cref="SoftmaxRegression"/>) and a kernel-based one
/// (<see cref="KernelModel"/>): one thread is the serial gradient, a fixed thread count gives the same bits on every run
/// and however the shards are scheduled, and any thread count agrees with one thread within the tolerance docs/scale.md
/// documents.
/// </summary>
[Collection(KernelSettingsCollection.Name)]
public class DataParallelGradientTests
{
    /// <summary>docs/scale.md: |g(threads) − g(1)| ≤ this × the largest |g(1)| of the parameter, element by element.</summary>
    private const float RelativeTolerance = 1e-5f;

    /// <summary>docs/scale.md: after 8 steps, |w(threads) − w(1)| ≤ this × the largest |w(1)| of the parameter.</summary>
    private const float WeightTolerance = 1e-5f;

    private const int Batch = 37, Inputs = 48, Classes = 10;

    public static TheoryData<string> Models => ["loop", "kernel"];

    [Theory]
    [MemberData(nameof(Models))]
    public void One_thread_is_the_serial_gradient_bit_for_bit(string kind)
    {
        var problem = new Problem(kind);
        (float serialLoss, float[] serial) = problem.Serial();

        float loss = new DataParallelGradient(problem.Parameters, 1).Compute(problem, Batch);

        Assert.Equal(BitConverter.SingleToInt32Bits(serialLoss), BitConverter.SingleToInt32Bits(loss));
        Assert.Equal(Bits(serial), Bits(problem.Gradients()));
    }

    [Theory]
    [InlineData("loop", 2)]
    [InlineData("loop", 3)]
    [InlineData("kernel", 2)]
    [InlineData("kernel", 4)]
    public void A_fixed_thread_count_gives_the_same_bits_on_every_run_and_every_schedule(string kind, int threads)
    {
        var problem = new Problem(kind);
        var parallel = new DataParallelGradient(problem.Parameters, threads);
        float firstLoss = parallel.Compute(problem, Batch);
        int[] first = Bits(problem.Gradients());

        for (int run = 0; run < 5; run++)
        {
            Assert.Equal(firstLoss, new DataParallelGradient(problem.Parameters, threads).Compute(problem, Batch));
            Assert.Equal(first, Bits(problem.Gradients()));
        }

        // With the workers held by another caller, every shard runs on this thread, one after the other.
        Assert.True(GemmWorkers.TryTakeForTest());
        try
        {
            Assert.Equal(firstLoss, parallel.Compute(problem, Batch));
        }
        finally
        {
            GemmWorkers.GiveBackForTest();
        }

        Assert.Equal(first, Bits(problem.Gradients()));
    }

    [Theory]
    [InlineData("loop", 2)]
    [InlineData("loop", 5)]
    [InlineData("kernel", 2)]
    [InlineData("kernel", 3)]
    public void Any_thread_count_agrees_with_one_thread_within_the_documented_tolerance(string kind, int threads)
    {
        var problem = new Problem(kind);
        (float serialLoss, float[] serial) = problem.Serial();

        float loss = new DataParallelGradient(problem.Parameters, threads).Compute(problem, Batch);

        Assert.InRange(loss, serialLoss * (1 - RelativeTolerance), serialLoss * (1 + RelativeTolerance));
        float[] parallel = problem.Gradients();
        foreach (Parameter parameter in problem.Parameters)
        {
            float largest = 0;
            for (int i = 0; i < parameter.Length; i++)
            {
                largest = Math.Max(largest, Math.Abs(serial[parameter.Offset + i]));
            }

            Assert.True(largest > 0, $"{parameter} has a zero gradient: the comparison would prove nothing.");
            for (int i = 0; i < parameter.Length; i++)
            {
                float difference = Math.Abs(parallel[parameter.Offset + i] - serial[parameter.Offset + i]);
                Assert.True(difference <= RelativeTolerance * largest,
                    $"{parameter}[{i}]: {threads} threads give {parallel[parameter.Offset + i]}, one thread {serial[parameter.Offset + i]} (largest |g| {largest}).");
            }
        }
    }

    [Theory]
    [InlineData("loop", 1, "momentum")]
    [InlineData("loop", 3, "sgd")]
    [InlineData("kernel", 2, "momentum")]
    [InlineData("kernel", 2, "adam")]
    [InlineData("kernel", 5, "adamw")]
    public void A_step_gives_the_bits_of_the_gradient_then_the_whole_optimizer_step(string kind, int threads, string optimizerName)
    {
        // Large enough that every thread's range holds several of the reduction's blocks.
        const int StepInputs = 784;
        Problem fused = new(kind, StepInputs), apart = new(kind, StepInputs);
        Optimizer fusedOptimizer = NewOptimizer(optimizerName), apartOptimizer = NewOptimizer(optimizerName);
        var fusedParallel = new DataParallelGradient(fused.Parameters, threads);
        var apartParallel = new DataParallelGradient(apart.Parameters, threads);
        for (int step = 0; step < 4; step++)
        {
            float fusedLoss = fusedParallel.Step(fused, Batch, fusedOptimizer);
            float apartLoss = apartParallel.Compute(apart, Batch);
            apartOptimizer.Step(apart.Parameters);

            Assert.Equal(BitConverter.SingleToInt32Bits(apartLoss), BitConverter.SingleToInt32Bits(fusedLoss));
            Assert.Equal(Bits(apart.Gradients()), Bits(fused.Gradients()));
            Assert.Equal(Bits(apart.Values()), Bits(fused.Values()));
        }

        // With the workers held by another caller, the threads' ranges are updated one after the other: the same bits.
        Assert.True(GemmWorkers.TryTakeForTest());
        try
        {
            fusedParallel.Step(fused, Batch, fusedOptimizer);
        }
        finally
        {
            GemmWorkers.GiveBackForTest();
        }

        apartParallel.Compute(apart, Batch);
        apartOptimizer.Step(apart.Parameters);
        Assert.Equal(Bits(apart.Values()), Bits(fused.Values()));
        Assert.Equal(apartOptimizer.StepCount, fusedOptimizer.StepCount);
    }

    [Fact]
    public void A_step_on_two_threads_stays_within_the_documented_tolerance_of_one_thread()
    {
        Problem oneThread = new("kernel"), twoThreads = new("kernel");
        Optimizer oneOptimizer = NewOptimizer("momentum"), twoOptimizer = NewOptimizer("momentum");
        var one = new DataParallelGradient(oneThread.Parameters, 1);
        var two = new DataParallelGradient(twoThreads.Parameters, 2);
        for (int step = 0; step < 8; step++)
        {
            one.Step(oneThread, Batch, oneOptimizer);
            two.Step(twoThreads, Batch, twoOptimizer);
        }

        float[] serial = oneThread.Values(), parallel = twoThreads.Values();
        Assert.NotEqual(Bits(serial), Bits(new Problem("kernel").Values())); // the steps moved the weights
        foreach (Parameter parameter in oneThread.Parameters)
        {
            float largest = 0, worst = 0;
            for (int i = parameter.Offset; i < parameter.Offset + parameter.Length; i++)
            {
                largest = Math.Max(largest, Math.Abs(serial[i]));
                worst = Math.Max(worst, Math.Abs(parallel[i] - serial[i]));
            }

            Assert.True(worst <= WeightTolerance * largest, $"{parameter}: two threads moved an element by {worst} (largest |w| {largest}).");
        }
    }

    [Fact]
    public void The_shards_are_consecutive_runs_that_cover_the_batch_and_more_threads_than_examples_work()
    {
        Assert.Equal((0, 12), DataParallelGradient.ShardRange(0, 3, 37));
        Assert.Equal((12, 12), DataParallelGradient.ShardRange(1, 3, 37));
        Assert.Equal((24, 13), DataParallelGradient.ShardRange(2, 3, 37));

        var problem = new Problem("kernel");
        float serialLoss = problem.SerialLoss(2);
        float loss = new DataParallelGradient(problem.Parameters, 3).Compute(problem, 2);
        Assert.InRange(loss, serialLoss * (1 - RelativeTolerance), serialLoss * (1 + RelativeTolerance));
    }

    [Theory]
    [InlineData("compute")]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void A_steady_state_call_allocates_nothing_on_the_caller_or_the_workers(string call)
    {
        var problem = new Problem("kernel");
        var parallel = new DataParallelGradient(problem.Parameters, 2);
        Optimizer? optimizer = call == "compute" ? null : NewOptimizer(call);
        Func<float> compute = optimizer is null ? () => parallel.Compute(problem, Batch) : () => parallel.Step(problem, Batch, optimizer);
        for (int i = 0; i < 5; i++)
        {
            compute();
        }

        long partsBefore = GemmWorkers.WorkerTotals().PartsRun;
        Allocations.AssertSteadyStateAllocatesNothing(() => compute(), warmup: 0, otherThreads: KernelTestData.WorkerBytes);
        Assert.True(GemmWorkers.WorkerTotals().PartsRun > partsBefore, "no shard ran on a worker thread: the test would prove nothing.");
    }

    [Fact]
    public void Mistakes_throw_naming_the_argument_and_the_value()
    {
        var problem = new Problem("kernel");
        var tooFew = Assert.Throws<ArgumentOutOfRangeException>(() => new DataParallelGradient(problem.Parameters, 0));
        Assert.Equal("threads", tooFew.ParamName);
        Assert.Contains("but was 0", tooFew.Message);

        var parallel = new DataParallelGradient(problem.Parameters, 2);
        var empty = Assert.Throws<ArgumentOutOfRangeException>(() => parallel.Compute(problem, 0));
        Assert.Equal("batch", empty.ParamName);

        var stranger = new ParameterSet();
        stranger.Add("w", Inputs, Classes);
        var foreign = Assert.Throws<ArgumentException>(() => new DataParallelGradient(stranger, 2).Compute(problem, Batch));
        Assert.Equal("parameter", foreign.ParamName);
        Assert.Contains("is not in the parameter set", foreign.Message);

        Assert.Throws<ArgumentException>(() => DataParallelGradient.ComputeShard(problem, problem.Parameters, 0, 2, Batch, new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataParallelGradient.ShardRange(2, 2, Batch));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_shard_that_throws_fails_the_call_after_every_shard_has_finished(int failingShard)
    {
        var problem = new Problem("kernel") { FailingShard = failingShard };
        var parallel = new DataParallelGradient(problem.Parameters, 2);

        var failure = Assert.Throws<InvalidOperationException>(() => parallel.Compute(problem, Batch));
        Assert.Equal($"shard {failingShard} failed", failure.Message);

        problem.FailingShard = -1;
        parallel.Compute(problem, Batch); // and the instance is usable again
    }

    [Fact]
    public void Shards_computed_apart_and_summed_in_order_give_the_bits_of_the_threads()
    {
        // What a cluster does (Samples/Distributed): each machine computes its shards, one place sums them.
        var problem = new Problem("loop");
        new DataParallelGradient(problem.Parameters, 3).Compute(problem, Batch);
        int[] threaded = Bits(problem.Gradients());

        float[][] shards = [.. Enumerable.Range(0, 3).Select(_ => new float[problem.Parameters.TotalLength])];
        for (int shard = 2; shard >= 0; shard--)
        {
            DataParallelGradient.ComputeShard(problem, problem.Parameters, shard, 3, Batch, shards[shard]);
        }

        DataParallelGradient.SumShards(problem.Parameters, shards);
        Assert.Equal(threaded, Bits(problem.Gradients()));
    }

    private static Optimizer NewOptimizer(string name) => name switch
    {
        "sgd" => new Sgd(0.05),
        "momentum" => new Sgd(0.05, momentum: 0.9),
        "adam" => new Adam(1e-2),
        _ => new AdamW(1e-2),
    };

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    /// <summary>A batch and the parameters of one of the two models, which computes its gradient on any shard.</summary>
    private sealed class Problem : IShardGradient
    {
        private readonly bool _kernel;
        private readonly int _inputs;
        private readonly Parameter _w, _b;
        private readonly float[] _x;
        private readonly int[] _labels = new int[Batch];

        public Problem(string kind, int inputs = Inputs)
        {
            _kernel = kind == "kernel";
            _inputs = inputs;
            _x = new float[Batch * inputs];
            // The kernel model stores W as inputs × classes, the loop model as classes × inputs: the same length.
            _w = Parameters.Add("w", inputs, Classes);
            _b = Parameters.Add("b", Classes);
            var random = new SeededRandom(19);
            random.Fill(_w.Value);
            random.Fill(_b.Value);
            random.Fill(_x);
            for (int i = 0; i < Batch; i++)
            {
                _labels[i] = random.NextInt(Classes);
            }
        }

        public ParameterSet Parameters { get; } = new();

        public int FailingShard { get; set; } = -1;

        public float ComputeShardGradient(DataShard shard)
        {
            if (shard.Index == FailingShard)
            {
                throw new InvalidOperationException($"shard {shard.Index} failed");
            }

            ReadOnlySpan<float> x = _x.AsSpan(shard.Start * _inputs, shard.Count * _inputs);
            ReadOnlySpan<int> labels = _labels.AsSpan(shard.Start, shard.Count);
            return _kernel
                ? KernelModel.LossGradient(_w.Value, _b.Value, x, labels, shard.Count, _inputs, Classes, shard.Gradient(_w), shard.Gradient(_b), shard.Seed)
                : SoftmaxRegression.LossGradient(_w.Value, _b.Value, x, labels, shard.Count, _inputs, Classes, shard.Gradient(_w), shard.Gradient(_b), shard.Seed);
        }

        /// <summary>The loss and flat gradient of the whole batch from one plain call of the generated gradient.</summary>
        public (float Loss, float[] Gradient) Serial()
        {
            Parameters.ZeroGradients();
            float loss = _kernel
                ? KernelModel.LossGradient(_w.Value, _b.Value, _x, _labels, Batch, _inputs, Classes, _w.Gradient, _b.Gradient)
                : SoftmaxRegression.LossGradient(_w.Value, _b.Value, _x, _labels, Batch, _inputs, Classes, _w.Gradient, _b.Gradient);
            return (loss, Gradients());
        }

        /// <summary>The loss of the first <paramref name="count"/> examples.</summary>
        public float SerialLoss(int count) =>
            KernelModel.Loss(_w.Value, _b.Value, _x.AsSpan(0, count * _inputs), _labels.AsSpan(0, count), count, _inputs, Classes);

        public float[] Gradients()
        {
            var flat = new float[Parameters.TotalLength];
            Parameters.CopyGradientsTo(flat);
            return flat;
        }

        public float[] Values()
        {
            var flat = new float[Parameters.TotalLength];
            Parameters.CopyValuesTo(flat);
            return flat;
        }
    }
}
