using System.Text.RegularExpressions;

namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>
/// A copy of the main method under its own name with <c>[Differentiable(Checkpoint = …)]</c> on one of its top-level
/// loops: its MGradient must be the main method's bit for bit (docs/contract.md, "Loop checkpointing").
/// </summary>
/// <param name="Name">The twin's name (the main method's with <paramref name="Mode"/> appended), also its harness method's.</param>
/// <param name="Mode">The CheckpointMode member: Binomial or SqrtN.</param>
/// <param name="Snapshots">The binomial schedule's snapshot count (null for SqrtN).</param>
/// <param name="Counter">The counter of the checkpointed loop (CheckpointLoop).</param>
internal sealed partial record CheckpointTwin(string Name, string Mode, int? Snapshots, string Counter)
{
    /// <summary>The snapshot counts the binomial twins rotate through: small, so the loops' 2 to 5 iterations run again.</summary>
    public static readonly int[] SnapshotCounts = [1, 2, 3];

    /// <summary>The attribute's options that ask for this twin's checkpointing.</summary>
    public string Options => $"Checkpoint = CheckpointMode.{Mode}, " + (Snapshots is int s ? $"Snapshots = {s}, " : "") + $"CheckpointLoop = \"{Counter}\"";

    /// <summary>What a failure calls it.</summary>
    public string Description => Snapshots is int s
        ? $"{Name} (binomial checkpointing with {s} snapshot{(s == 1 ? "" : "s")} of loop {Counter})"
        : $"{Name} (√N checkpointing of loop {Counter})";

    /// <summary>
    /// The binomial and √N twins of <paramref name="main"/> when the generator can checkpoint one of its top-level loops
    /// (one chosen by <paramref name="index"/> among those it can), else none.
    /// </summary>
    public static IReadOnlyList<CheckpointTwin> Of(MethodSpec main, long index)
    {
        List<string> counters = CheckpointableCounters(main.Body);
        if (counters.Count == 0)
        {
            return [];
        }

        string counter = counters[(int)(index % counters.Count)];
        int snapshots = SnapshotCounts[(int)(index / counters.Count % SnapshotCounts.Length)];
        return [new CheckpointTwin(main.Name + "Binomial", "Binomial", snapshots, counter), new CheckpointTwin(main.Name + "SqrtN", "SqrtN", null, counter)];
    }

    /// <summary>
    /// The counters of the loops the generator would checkpoint (Generator/Analysis/CheckpointedLoop.cs): a top-level
    /// <c>for (int t = start; t &lt; bound; t++)</c> (or <c>&lt;=</c>) whose body assigns nothing its start or bound
    /// reads, where no <c>return</c> and no <c>break</c> or <c>continue</c> of the loop itself ends an iteration early
    /// (jumps of the loops nested in it are fine); and the first top-level <c>for</c> with that counter's name, which is
    /// the one CheckpointLoop names.
    /// </summary>
    public static List<string> CheckpointableCounters(Block body)
    {
        var seen = new HashSet<string>();
        var counters = new List<string>();
        foreach (LoopStmt loop in body.Statements.OfType<LoopStmt>().Where(l => !l.IsDo && l.Header.StartsWith("for ", StringComparison.Ordinal)))
        {
            Match header = CanonicalHeader().Match(loop.Header);
            string counter = header.Success ? header.Groups["counter"].Value : ForCounter().Match(loop.Header).Groups[1].Value;
            bool first = seen.Add(counter);
            if (!header.Success || !first || loop.HeaderArgs.Length > 0)
            {
                continue;
            }

            IEnumerable<string> read = Identifier().Matches(header.Groups["start"].Value + " " + header.Groups["bound"].Value)
                .Select(m => m.Value)
                .Where(name => name != "Length");
            if (!read.Any(name => Assigns(loop.Body, name)) && !EndsEarly(loop.Body, depth: 0))
            {
                counters.Add(counter);
            }
        }

        return counters;
    }

    /// <summary>Whether a return anywhere, or a break or continue of the loop itself (not of a nested loop), is in <paramref name="block"/>.</summary>
    private static bool EndsEarly(Block block, int depth) => block.Statements.Any(statement => statement switch
    {
        LineStmt line => line.Template.StartsWith("return", StringComparison.Ordinal)
            || (depth == 0 && line.Template is "break;" or "continue;"),
        IfStmt branch => EndsEarly(branch.Then, depth) || (branch.Else is not null && EndsEarly(branch.Else, depth)),
        LoopStmt inner => EndsEarly(inner.Body, depth + 1),
        // Hand-written code is not looked into: it gets no twin.
        _ => true,
    });

    /// <summary>Whether a statement in <paramref name="block"/> assigns the variable <paramref name="name"/> (=, compound assignment, ++, --).</summary>
    private static bool Assigns(Block block, string name)
    {
        var assignment = new Regex($@"(?<![\w.]){Regex.Escape(name)}\s*(?:[-+*/%]?=(?!=)|\+\+|--)|(?:\+\+|--){Regex.Escape(name)}\b");
        return block.Statements.Any(statement => statement switch
        {
            LineStmt line => assignment.IsMatch(line.Template),
            IfStmt branch => Assigns(branch.Then, name) || (branch.Else is not null && Assigns(branch.Else, name)),
            LoopStmt inner => (inner.Setup is not null && assignment.IsMatch(inner.Setup)) || assignment.IsMatch(inner.Header) || Assigns(inner.Body, name),
            _ => true,
        });
    }

    /// <summary>
    /// How the store-all gradient (the main method's, in <paramref name="generated"/>, every file generated for the
    /// program) runs the loop with <paramref name="counter"/> against how a checkpointed twin runs it: scalar, its
    /// reverse descending, one iteration (one record) at a time. Passes that reorder sums over its iterations, which
    /// changes their rounding only, make the two differ in the last bits (docs/contract.md, "Loop checkpointing").
    /// </summary>
    public static LoopOrder OrderInStoreAll(string generated, string mainName, string counter)
    {
        int start = generated.IndexOf($" {mainName}Gradient(", StringComparison.Ordinal);
        int end = start < 0 ? -1 : generated.IndexOf("\n        }\n", start, StringComparison.Ordinal);
        int reverse = start < 0 ? -1 : generated.IndexOf("// Reverse sweep", start, StringComparison.Ordinal);
        if (start < 0 || end < 0)
        {
            return LoopOrder.Another;
        }

        // Loop headers, not the comments quoting the source's above their reverse.
        var header = new Regex($@"^[ ]*for \(int {Regex.Escape(counter)} = [^;\n]*;[^;\n]*;([^)\n]*)\)", RegexOptions.Multiline);
        bool vectorised = generated[start..end].Contains($"for (int {counter} = _simd", StringComparison.Ordinal);
        bool ascending = reverse >= 0 && reverse < end && header.Matches(generated[reverse..end]).Any(m => !m.Groups[1].Value.Trim().Equals(counter + "--", StringComparison.Ordinal));
        return ascending ? LoopOrder.Another : vectorised ? LoopOrder.SameUnlessVectorsRun : LoopOrder.Same;
    }

    /// <summary>for (int t = start; t &lt; bound; t++), or t &lt;= bound; start and bound without a ';'.</summary>
    [GeneratedRegex(@"^for \(int (?<counter>\w+) = (?<start>[^;]+); \k<counter> (?:<|<=) (?<bound>[^;&|]+); \k<counter>\+\+\)$")]
    private static partial Regex CanonicalHeader();

    [GeneratedRegex(@"^for \((?:int|long) (\w+) =")]
    private static partial Regex ForCounter();

    [GeneratedRegex(@"[A-Za-z_]\w*")]
    private static partial Regex Identifier();
}

/// <summary>How the store-all gradient runs the checkpointed loop, against the checkpointed twins.</summary>
internal enum LoopOrder
{
    /// <summary>Scalar and in the twins' order: the gradients must agree bit for bit.</summary>
    Same,

    /// <summary>
    /// Its forward is vectorised (its reverse descends, scalar): the same bits wherever the loop is too short for a whole
    /// vector, which runs its scalar remainder only.
    /// </summary>
    SameUnlessVectorsRun,

    /// <summary>Its reverse runs ascending (LoopDirection) or in vector lanes: sums over its iterations round otherwise.</summary>
    Another,
}
