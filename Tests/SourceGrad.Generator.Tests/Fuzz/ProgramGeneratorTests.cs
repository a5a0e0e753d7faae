using CsCheck;

namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>The random program generator: reproducible, and the CI set covers every construct it knows.</summary>
public class ProgramGeneratorTests
{
    private static readonly Lazy<List<string>> s_ciSources = new(() => Enumerable.Range(0, FuzzSettings.DefaultCount)
        .Select(index => ProgramGenerator.Create(FuzzSettings.DefaultSeed, index).ClassSource())
        .ToList());

    [Fact]
    public void A_program_is_the_same_every_time_it_is_generated()
    {
        for (int index = 0; index < 20; index++)
        {
            Assert.Equal(ProgramGenerator.Create(42, index).FileSource(), ProgramGenerator.Create(42, index).FileSource());
        }

        Assert.NotEqual(ProgramGenerator.Create(42, 0).FileSource(), ProgramGenerator.Create(42, 1).FileSource());
    }

    [Fact]
    public void CsCheck_sizes_a_program_by_its_node_count()
    {
        var generator = new ProgramGenerator();
        FuzzProgram program = generator.Generate(new PCG(1, 7), null, out Size size);
        Assert.Equal((ulong)program.NodeCount, size.I);
    }

    /// <summary>Each construct appears in the fixed-seed set CI checks (a regular expression over the sources).</summary>
    [Theory]
    [InlineData("intrinsic Exp", @"Math\.Exp\(")]
    [InlineData("intrinsic Log", @"Math\.Log\(")]
    [InlineData("intrinsic Log with a base", @"Math\.Log\([^;]*, 2\.5")]
    [InlineData("intrinsic Log2", @"Math\.Log2\(")]
    [InlineData("intrinsic Log10", @"Math\.Log10\(")]
    [InlineData("intrinsic Sqrt", @"Math\.Sqrt\(")]
    [InlineData("intrinsic Cbrt", @"Math\.Cbrt\(")]
    [InlineData("intrinsic Pow", @"Math\.Pow\(")]
    [InlineData("intrinsic Sin", @"Math\.Sin\(")]
    [InlineData("intrinsic Cos", @"Math\.Cos\(")]
    [InlineData("intrinsic Tan", @"Math\.Tan\(")]
    [InlineData("intrinsic Asin", @"Math\.Asin\(")]
    [InlineData("intrinsic Acos", @"Math\.Acos\(")]
    [InlineData("intrinsic Atan", @"Math\.Atan\(")]
    [InlineData("intrinsic Atan2", @"Math\.Atan2\(")]
    [InlineData("intrinsic Sinh", @"Math\.Sinh\(")]
    [InlineData("intrinsic Cosh", @"Math\.Cosh\(")]
    [InlineData("intrinsic Tanh", @"Math\.Tanh\(")]
    [InlineData("intrinsic Abs", @"Math\.Abs\(")]
    [InlineData("intrinsic Min", @"Math\.Min\(")]
    [InlineData("intrinsic Max", @"Math\.Max\(")]
    [InlineData("intrinsic Clamp", @"Math\.Clamp\(")]
    [InlineData("intrinsic FusedMultiplyAdd", @"Math\.FusedMultiplyAdd\(")]
    [InlineData("intrinsic Sign", @"Math\.Sign\(")]
    [InlineData("intrinsic Floor", @"Math\.Floor\(")]
    [InlineData("intrinsic Ceiling", @"Math\.Ceiling\(")]
    [InlineData("intrinsic Round", @"Math\.Round\(")]
    [InlineData("intrinsic Truncate", @"Math\.Truncate\(")]
    [InlineData("double.F spelling", @"double\.[A-Z]\w*\(")]
    [InlineData("MathF on ints", @"MathF\.Sin\(")]
    [InlineData("cast through float", @"\(double\)\(float\)")]
    [InlineData("float comparison", @"\(float\).*> 0\.25f")]
    [InlineData("cast to int", @"\(int\)\(2 \*")]
    [InlineData("modulo of doubles", @"% 0\.7")]
    [InlineData("?:", @" \? ")]
    [InlineData("if/else", @"^\s*else$")]
    [InlineData("for loop counting down", @"for \(int \w+ = n - 1; \w+ >= 0; \w+--\)")]
    [InlineData("for loop by a step", @"\+= 2\)|-= 3\)")]
    [InlineData("non-canonical for loop", @"(\w+) = \1 \+ 1\)")]
    [InlineData("long counter", @"for \(long ")]
    [InlineData("nested loop bounded by the outer counter", @"for \(int \w+ = 0; \w+ < i\d+;")]
    [InlineData("while loop", @"^\s*while \(")]
    [InlineData("do loop", @"^\s*do$")]
    [InlineData("data-dependent trip count", @"< 4 && ")]
    [InlineData("break", @"break;")]
    [InlineData("continue", @"continue;")]
    [InlineData("early return (inside a block)", @"^\s{12,}return [^;]+;\n\s+\}")]
    [InlineData("void method", @"public static void F\(")]
    [InlineData("x = x*x + c", @"(\w+) = \1 \* \1 \* 0\.25 \+")]
    [InlineData("buffer element overwritten from itself", @"(\w+)\[([^\]]+)\] = [^;]*\1\[\2\]")]
    [InlineData("compound +=", @"\+= ")]
    [InlineData("compound -=", @"-= ")]
    [InlineData("compound *=", @"\*= ")]
    [InlineData("compound /=", @"/= ")]
    [InlineData("increment of a double", @"acc\d+\+\+;")]
    [InlineData("stackalloc buffer", @"stackalloc double\[n\]")]
    [InlineData("new double[n] buffer", @"new double\[n\]")]
    [InlineData("double[] parameter", @"double\[\] a")]
    [InlineData("Span parameter", @"Span<double> a")]
    [InlineData("ReadOnlySpan parameter", @"ReadOnlySpan<double> a")]
    [InlineData("[NoGrad] parameter", @"\[NoGrad\]")]
    [InlineData("call to a scalar helper", @"H\d\(")]
    [InlineData("expression-bodied helper", @"public static double H\d\([^)]*\) =>")]
    [InlineData("call to a span helper on a slice", @"S\d\(\w+\.(Slice|AsSpan)\(")]
    [InlineData("call to a reduction helper", @"R\d\(\w+")]
    [InlineData("rule with a span output", @"FuzzLib\.Blend\(")]
    [InlineData("scalar rule", @"FuzzLib\.Softplus\(")]
    [InlineData("differentiable method of another type", @"FuzzLib\.Bump\(")]
    [InlineData("runtime kernel", @"Activations\.\w+\(")]
    [InlineData("runtime bias kernel", @"Linalg\.AddBias\(")]
    [InlineData("runtime reduction", @"Reductions\.Sum\(")]
    [InlineData("runtime mean", @"Reductions\.Mean\(")]
    [InlineData("static readonly field", @"\bScale\b")]
    [InlineData("const field", @"\bHalf\b")]
    [InlineData("float field", @"\bQuarter\b")]
    [InlineData("field named like the gradient's seed", @"[^\w]seed\b[^=]*;")]
    [InlineData("field named like an adjoint", @"[^\w]dX1\b[^=]*;")]
    [InlineData("bool local", @"bool f\d+ = ")]
    [InlineData("float program", @"public static float F\(")]
    [InlineData("float program with a double call cast back", @"\(float\)Math\.")]
    [InlineData("float runtime kernel or rule", @"FuzzLib\.(BlendF|SoftplusF|BumpF)\(")]
    [InlineData("binomial checkpointed twin", @"\[Differentiable\(Checkpoint = CheckpointMode\.Binomial, Snapshots = \d, CheckpointLoop = ""\w+""\)\]")]
    [InlineData("binomial twin with 1 snapshot", @"Snapshots = 1,")]
    [InlineData("binomial twin with 3 snapshots", @"Snapshots = 3,")]
    [InlineData("√N checkpointed twin", @"\[Differentiable\(Checkpoint = CheckpointMode\.SqrtN, CheckpointLoop = ""\w+""\)\]")]
    [InlineData("checkpointed twin of a float program", @"Checkpoint = [^\n]*\n\s*public static float FBinomial\(")]
    [InlineData("checkpointed loop with a nested loop that breaks", @"CheckpointLoop = [^\n]*\n[^\[]*?\n    [ ]+for [^\n]*\n\s*\{[^\[]*?break;")]
    [InlineData("local named like a generator temporary", @"double (_v1|_d1|_t1|_result1|_trips1|_savedDoubles|_dArg1|value) = ")]
    public void The_CI_set_covers(string construct, string pattern)
    {
        var regex = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.Multiline);
        bool found = s_ciSources.Value.Any(regex.IsMatch);
        Assert.True(found, $"no program of the CI set has {construct} ({pattern})");
    }

    /// <summary>
    /// A good share of the programs get checkpointed twins, and with the snapshot counts they use the schedules run
    /// iterations again for the trip counts the loops have (n and m up to 5): a twin whose schedule only stored every
    /// iteration would agree with MGradient whatever its recomputation does.
    /// </summary>
    [Fact]
    public void Checkpointed_twins_are_common_and_their_schedules_recompute()
    {
        int withTwins = Enumerable.Range(0, FuzzSettings.DefaultCount).Count(index => ProgramGenerator.Create(FuzzSettings.DefaultSeed, index).CheckpointTwins.Count > 0);
        Assert.True(withTwins >= FuzzSettings.DefaultCount / 4, $"only {withTwins} of {FuzzSettings.DefaultCount} programs have checkpointed twins");

        // √N of 2 iterations is one segment, recorded at once: from 3 on both schedules run iterations again.
        for (int steps = 3; steps <= 5; steps++)
        {
            foreach (int snapshots in CheckpointTwin.SnapshotCounts)
            {
                Assert.True(Recomputed(SourceGrad.Checkpointing.Revolve.Binomial(steps, snapshots, SourceGrad.Checkpointing.Revolve.BinomialRecordLength(steps, snapshots))) > 0,
                    $"binomial with {snapshots} snapshots runs none of {steps} iterations again");
            }

            Assert.True(Recomputed(SourceGrad.Checkpointing.Revolve.SqrtN(steps)) > 0, $"√N runs none of {steps} iterations again");
        }

        // Fewer snapshots than iterations: a snapshot restored, and iterations advanced from it before the last is recorded.
        Assert.True(Recomputed(SourceGrad.Checkpointing.Revolve.Binomial(5, 1, 1)) > 4);
    }

    /// <summary>How many iterations the schedule runs without saves (each also recorded once later).</summary>
    private static long Recomputed(SourceGrad.Checkpointing.Revolve schedule)
    {
        long advanced = 0;
        while (schedule.Next())
        {
            advanced += schedule.Action == SourceGrad.Checkpointing.CheckpointAction.Advance ? schedule.To - schedule.From : 0;
        }

        schedule.Dispose();
        return advanced;
    }
}
