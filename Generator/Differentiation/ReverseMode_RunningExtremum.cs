using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

// A running maximum or minimum, m = Max(m, e) in a loop that touches m nowhere else (log-sum-exp's shift, a softmax's
// max, max pooling). Statement by statement, its adjoint walks back through every iteration, passed along while m kept
// its value and handed to e where e took over; all of it reaches the e of the last iteration that took over (or m's
// value before the loop, if none did). So the forward sweep notes that iteration, and the reverse sweep gives the
// adjoint to it once, instead of saving m every iteration and carrying the adjoint back through all of them.
internal sealed partial class ReverseMode
{
    /// <summary>A running extremum's locals: the iteration that last took over, and the adjoint arriving after the loop.</summary>
    private sealed class RunningExtremum
    {
        public RunningExtremum(Assignment statement, int variable, Expr candidate, string takesOver, bool candidateFirst, int winner, int total)
        {
            Statement = statement;
            Variable = variable;
            Candidate = candidate;
            TakesOver = takesOver;
            CandidateFirst = candidateFirst;
            Winner = winner;
            Total = total;
        }

        public Assignment Statement { get; }

        public int Variable { get; }

        /// <summary>The value that competes with m each iteration (e).</summary>
        public Expr Candidate { get; }

        /// <summary>The comparison under which e takes over (by the rule's tie convention: the first argument keeps a tie).</summary>
        public string TakesOver { get; }

        public bool CandidateFirst { get; }

        public int Winner { get; }

        public int Total { get; }

        /// <summary>Where the nested loop's winner is kept for its reverse (−1 when the loop is not nested).</summary>
        public int Slot { get; set; } = -1;
    }

    private readonly Dictionary<int, RunningExtremum> _extrema = new();

    /// <summary>The running extrema of a loop that has a counter, no jumps out of it, and reverse work.</summary>
    private List<RunningExtremum> FindRunningExtrema(Model.Loop loop, bool work, int relevantJumps)
    {
        var found = new List<RunningExtremum>();
        if (!work || loop.Counter is null || relevantJumps > 0)
        {
            return found;
        }

        foreach (Assignment assignment in loop.Body.Statements.OfType<Assignment>())
        {
            if (assignment is not { Operator: "", Target: VariableRef target, Value: Intrinsic { Name: "Max" or "Min", Arguments.Count: 2 } extremum }
                || !_activity.HasAdjoint(target.Variable) || _method.Variables[target.Variable].IsBuffer)
            {
                continue;
            }

            bool candidateFirst = !(extremum.Arguments[0] is VariableRef first && first.Variable == target.Variable);
            Expr self = extremum.Arguments[candidateFirst ? 1 : 0];
            Expr candidate = extremum.Arguments[candidateFirst ? 0 : 1];
            if (self is not VariableRef own || own.Variable != target.Variable || Reads(candidate, target.Variable)
                || MentionedElsewhere(loop, assignment, target.Variable))
            {
                continue;
            }

            // Max(m, e): e takes over unless m ≥ e; Max(e, m): e takes over when e ≥ m (ties go to the first argument).
            string takesOver = (extremum.Name, candidateFirst) switch
            {
                ("Max", false) => "!>=",
                ("Max", true) => ">=",
                ("Min", false) => "!<=",
                _ => "<=",
            };
            ScalarType type = target.Type;
            int winner = AddLocal(new Local("_winner", ScalarType.Long, LocalShape.Scalar, LocalRole.Temporary));
            _prologue.Add(new Declare(winner, NoWinner));
            int total = AddLocal(new Local(_method.Variables[target.Variable].Name + "Total", type, LocalShape.Scalar, LocalRole.Adjoint, target.Variable));
            _prologue.Add(new Declare(total, Zero(type)));
            var running = new RunningExtremum(assignment, target.Variable, candidate, takesOver, candidateFirst, winner, total);
            _extrema[assignment.Id] = running;
            found.Add(running);
        }

        return found;
    }

    /// <summary>Forward: note the iteration when e takes over (from m's value before the statement), then update m.</summary>
    private List<Code> BuildRunningExtremum(RunningExtremum running, List<Code> forward)
    {
        Assignment statement = running.Statement;
        CanonicalCounter counter = _index.EnclosingLoops(statement).Last().Counter!;
        var code = new List<Code>();
        var own = new VariableRef(statement.Target.Type, running.Variable);
        Code? restore = null;
        if (!_plan.IsExploratory && _plan.SavesTarget(statement))
        {
            // Something the reverse sweep runs later reads m's earlier values: keep undoing the update.
            int slot = NewSlot(own.Type);
            code.Add(new Save(slot, own));
            restore = new Assign(own, "", new Saved(own.Type, slot));
        }

        Expr candidate = IsAtomic(running.Candidate) ? running.Candidate : Temp(running.Candidate, code, "_candidate");
        code.Add(new If(TakesOver(running, own, candidate), ToSequence(new List<Code> { new Assign(Ref(running.Winner), "", Ref(counter.Variable)) }), null));
        var extremum = (Intrinsic)statement.Value;
        code.Add(new Assign(own, "", extremum with { Arguments = (running.CandidateFirst ? new[] { candidate, own } : new[] { own, candidate }).ToEquatableArray() }));
        forward.Add(new Commented(statement.Id, statement.Source, Sweep.Forward, ToSequence(code)));

        // Reverse: only the winning iteration's candidate gets the adjoint.
        var adjoint = new List<Code>();
        Backpropagate(running.Candidate, Ref(running.Total), adjoint);
        var reverse = new List<Code>();
        if (restore is not null)
        {
            reverse.Add(restore);
        }

        if (adjoint.Count > 0)
        {
            OwnReverseWork.Add(statement.Id);
            reverse.Add(new If(new Binary(ScalarType.Bool, "==", Ref(counter.Variable), Ref(running.Winner)), ToSequence(adjoint), null));
        }

        return reverse.Count == 0 ? reverse : new List<Code> { Commented(statement, reverse) };
    }

    private static Expr TakesOver(RunningExtremum running, Expr own, Expr candidate)
    {
        string op = running.TakesOver.TrimStart('!');
        Expr comparison = running.CandidateFirst
            ? new Binary(ScalarType.Bool, op, candidate, own)
            : new Binary(ScalarType.Bool, op, own, candidate);
        return running.TakesOver.StartsWith("!", System.StringComparison.Ordinal) ? new Unary(ScalarType.Bool, "!", comparison) : comparison;
    }

    /// <summary>No iteration took over: a value no int counter takes.</summary>
    private static readonly Literal NoWinner = new(ScalarType.Long, "long.MinValue");

    /// <summary>
    /// The reverse of a loop whose only reverse work is one running extremum's: the winning iteration alone, when there
    /// is one (<c>if (_winner != long.MinValue) { int i = (int)_winner; … }</c>), instead of a loop that finds it.
    /// </summary>
    private Code? WinnerOnly(List<RunningExtremum> extrema, CanonicalCounter? counter, List<Code> iterationBody)
    {
        if (extrema.Count != 1 || counter is null || iterationBody.Count != 1
            || iterationBody[0] is not Commented { Body.Items: [If { Else: null } chosen] } commented
            || commented.Statement != extrema[0].Statement.Id)
        {
            return null;
        }

        RunningExtremum running = extrema[0];
        var body = new List<Code> { new Declare(counter.Variable, new Conversion(ScalarType.Int, Ref(running.Winner))) };
        body.AddRange(chosen.Then.Items);
        return new If(new Binary(ScalarType.Bool, "!=", Ref(running.Winner), NoWinner),
            ToSequence(new List<Code> { commented with { Body = ToSequence(body) } }), null);
    }

    /// <summary>Before the loop: no iteration has taken over yet.</summary>
    private static void StartRunningExtrema(List<RunningExtremum> extrema, List<Code> forward)
    {
        foreach (RunningExtremum running in extrema)
        {
            forward.Add(new Assign(new VariableRef(ScalarType.Long, running.Winner), "", NoWinner));
        }
    }

    /// <summary>Before the reverse loop: the adjoint that arrives after the loop is set aside for the winner.</summary>
    private void ReverseRunningExtremaBefore(List<RunningExtremum> extrema, List<Code> reverse)
    {
        foreach (RunningExtremum running in extrema)
        {
            if (running.Slot >= 0)
            {
                reverse.Add(new Assign(Ref(running.Winner), "", new Saved(ScalarType.Long, running.Slot)));
            }

            VariableRef adjoint = AdjointRef(running.Variable);
            reverse.Add(new Assign(Ref(running.Total), "", adjoint));
            reverse.Add(new Assign(adjoint, "", Zero(adjoint.Type)));
        }
    }

    /// <summary>After the reverse loop: when no iteration took over, m's value before the loop was the extremum.</summary>
    private void ReverseRunningExtremaAfter(List<RunningExtremum> extrema, List<Code> reverse)
    {
        foreach (RunningExtremum running in extrema)
        {
            reverse.Add(new If(new Binary(ScalarType.Bool, "==", Ref(running.Winner), NoWinner),
                ToSequence(new List<Code> { new Accumulate(AdjointRef(running.Variable), Ref(running.Total)) }), null));
        }
    }

    private static bool Reads(Expr expr, int variable)
    {
        var reads = new HashSet<int>();
        StatementIndex.Reads(expr, reads);
        return reads.Contains(variable);
    }

    /// <summary>Whether the loop reads or writes the variable anywhere but in the statement.</summary>
    private static bool MentionedElsewhere(Model.Loop loop, Statement statement, int variable)
    {
        var statements = new List<Statement>();
        SavePlan.Flatten(loop, statements);
        foreach (Statement other in statements)
        {
            if (other.Id == statement.Id || other is Block)
            {
                continue;
            }

            var reads = new HashSet<int>();
            switch (other)
            {
                case Declaration d:
                    if (d.Variable == variable)
                    {
                        return true;
                    }

                    if (d.Initializer is not null)
                    {
                        StatementIndex.Reads(d.Initializer, reads);
                    }

                    break;
                case Assignment a:
                    StatementIndex.Reads(a.Target, reads);
                    StatementIndex.Reads(a.Value, reads);
                    break;
                case CallStatement c:
                    if (c.ResultVariable == variable)
                    {
                        return true;
                    }

                    foreach (Argument argument in c.Arguments)
                    {
                        foreach (Expr? part in new[] { argument.Scalar, argument.SliceStart, argument.SliceLength })
                        {
                            if (part is not null)
                            {
                                StatementIndex.Reads(part, reads);
                            }
                        }
                    }

                    break;
                case IfStatement i:
                    StatementIndex.Reads(i.Condition, reads);
                    break;
                case Model.Loop l:
                    if (l.Condition is not null)
                    {
                        StatementIndex.Reads(l.Condition, reads);
                    }

                    break;
                case Jump { Value: { } value }:
                    StatementIndex.Reads(value, reads);
                    break;
            }

            if (reads.Contains(variable))
            {
                return true;
            }
        }

        return false;
    }
}
