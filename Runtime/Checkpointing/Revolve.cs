using System.Buffers;

namespace SourceGrad.Checkpointing;

/// <summary>What a checkpointed gradient does next with its outer loop (see <see cref="Revolve"/>).</summary>
public enum CheckpointAction
{
    /// <summary>Nothing yet: <see cref="Revolve.Next"/> has not been called.</summary>
    None = 0,

    /// <summary>Run iterations <see cref="Revolve.From"/> to <see cref="Revolve.To"/> (excluded) without saves.</summary>
    Advance,

    /// <summary>Copy the loop-carried state (that before iteration <see cref="Revolve.From"/>) into snapshot <see cref="Revolve.Slot"/>.</summary>
    TakeShot,

    /// <summary>Copy snapshot <see cref="Revolve.Slot"/> back into the loop-carried state (that before iteration <see cref="Revolve.From"/>).</summary>
    Restore,

    /// <summary>Run iterations <see cref="Revolve.From"/> to <see cref="Revolve.To"/> (excluded) with their saves.</summary>
    Record,

    /// <summary>Reverse iterations <see cref="Revolve.To"/> − 1 down to <see cref="Revolve.From"/>, which were just recorded.</summary>
    Reverse,

    /// <summary>Every iteration has been reversed.</summary>
    Terminate,
}

/// <summary>
/// The schedule of a checkpointed loop of <see cref="Steps"/> iterations: which iterations to run without saves, when to
/// take and restore snapshots of the loop-carried state, and which iterations to record and reverse. A generated
/// gradient drives it: in the forward sweep <see cref="NextForward"/> until the first <see cref="CheckpointAction.Reverse"/>,
/// in the reverse sweep <see cref="Next"/> until <see cref="CheckpointAction.Terminate"/>. Iterations are reversed in
/// order, last first, each right after it was recorded from the state before it, so the gradient is the one a store-all
/// sweep computes, bit for bit.
/// <list type="bullet">
/// <item><see cref="Binomial(int, int)"/>: Griewank and Walther's Revolve (ACM TOMS 26, 2000), at most <c>snapshots</c>
/// snapshots and the fewest iterations run again that allows (<see cref="OptimalAdvances"/>); one iteration recorded at
/// a time. <see cref="Binomial(int, int, int)"/> runs the same schedule over runs of <c>recordLength</c> iterations (the
/// last one shorter), each recorded whole and then reversed: the saves of a run are held at once, and far fewer
/// iterations run again (what a checkpointed gradient uses, with <see cref="BinomialRecordLength"/>).</item>
/// <item><see cref="SqrtN"/>: ⌈√N⌉-iteration segments, a snapshot before each but the last; each segment is recorded
/// whole and then reversed, so each iteration runs at most twice.</item>
/// </list>
/// Allocation-free in steady state: the binomial schedule's snapshot positions live in an array from
/// <see cref="ArrayPool{T}"/>, returned by <see cref="Dispose"/>.
/// </summary>
public struct Revolve : IDisposable
{
    private readonly bool _binomial;
    private readonly int _snaps;

    // The binomial schedule's unit: it schedules runs of _length iterations (the last one shorter).
    private readonly int _length;
    private int[]? _positions;

    // Binomial (Revolve) state.
    private int _check;
    private int _capo;
    private int _fine;
    private bool _reversePending;

    // √N state: the segment length, the number of segments and the position in the fixed list of actions.
    private readonly int _segment;
    private readonly int _segments;
    private int _index;

    private bool _hasPending;
    private CheckpointAction _pending;
    private int _pendingFrom;
    private int _pendingTo;
    private int _pendingSlot;

    private Revolve(int steps, int snapshots, int recordLength, bool binomial)
    {
        Steps = steps;
        _binomial = binomial;
        _length = recordLength;
        if (binomial)
        {
            int runs = (int)(((long)steps + recordLength - 1) / recordLength);
            _snaps = snapshots;
            SnapshotCount = runs <= 1 ? 0 : Math.Min(snapshots, runs - 1);
            _positions = runs > 1 ? ArrayPool<int>.Shared.Rent(SnapshotCount) : null;
            _check = -1;
            _capo = 0;
            _fine = runs;
        }
        else
        {
            _segment = SegmentLength(steps);
            _segments = steps == 0 ? 0 : (steps + _segment - 1) / _segment;
            SnapshotCount = Math.Max(0, _segments - 1);
        }
    }

    /// <summary>A binomial (Revolve) schedule for <paramref name="steps"/> iterations with at most <paramref name="snapshots"/> snapshots.</summary>
    public static Revolve Binomial(int steps, int snapshots) => Binomial(steps, snapshots, 1);

    /// <summary>
    /// A binomial (Revolve) schedule for <paramref name="steps"/> iterations with at most <paramref name="snapshots"/>
    /// snapshots that records and reverses runs of <paramref name="recordLength"/> iterations (the last one shorter):
    /// Revolve over ⌈steps / recordLength⌉ runs.
    /// </summary>
    public static Revolve Binomial(int steps, int snapshots, int recordLength)
    {
        if (recordLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(recordLength), recordLength, $"{nameof(recordLength)} must be >= 1, but was {recordLength}.");
        }

        if (steps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{nameof(steps)} (the checkpointed loop's iteration count) must be >= 0, but was {steps}.");
        }

        if (snapshots < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(snapshots), snapshots, $"{nameof(snapshots)} must be >= 1, but was {snapshots}.");
        }

        return new Revolve(steps, snapshots, recordLength, binomial: true);
    }

    /// <summary>A √N-segments schedule for <paramref name="steps"/> iterations.</summary>
    public static Revolve SqrtN(int steps)
    {
        if (steps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{nameof(steps)} (the checkpointed loop's iteration count) must be >= 0, but was {steps}.");
        }

        return new Revolve(steps, 0, 1, binomial: false);
    }

    /// <summary>The number of iterations of the loop.</summary>
    public int Steps { get; }

    /// <summary>How many snapshot slots the schedule uses at most: slots are 0 to <see cref="SnapshotCount"/> − 1.</summary>
    public int SnapshotCount { get; }

    /// <summary>The current action.</summary>
    public CheckpointAction Action { get; private set; }

    /// <summary>The first iteration the action concerns (for a snapshot: the iteration whose starting state it holds).</summary>
    public int From { get; private set; }

    /// <summary>The iteration after the last one the action concerns.</summary>
    public int To { get; private set; }

    /// <summary>The snapshot slot of a <see cref="CheckpointAction.TakeShot"/> or <see cref="CheckpointAction.Restore"/>.</summary>
    public int Slot { get; private set; }

    /// <summary>
    /// Moves to the next action and returns true, unless that action is the first <see cref="CheckpointAction.Reverse"/>
    /// (or <see cref="CheckpointAction.Terminate"/> for a loop of no iterations): then returns false and leaves it for
    /// <see cref="Next"/>, so what follows the loop runs between the two.
    /// </summary>
    public bool NextForward()
    {
        Peek();
        if (_pending is CheckpointAction.Reverse or CheckpointAction.Terminate)
        {
            return false;
        }

        Take();
        return true;
    }

    /// <summary>Moves to the next action; false when it is <see cref="CheckpointAction.Terminate"/>.</summary>
    public bool Next()
    {
        Peek();
        Take();
        return Action != CheckpointAction.Terminate;
    }

    /// <summary>Returns the snapshot positions to the pool.</summary>
    public void Dispose()
    {
        if (_positions is not null)
        {
            ArrayPool<int>.Shared.Return(_positions);
            _positions = null;
        }
    }

    /// <summary>
    /// The length of the segments of a √N schedule of <paramref name="steps"/> iterations: ⌈√steps⌉ (1 for none). A
    /// checkpointed gradient sizes the saves of one recorded segment with it.
    /// </summary>
    public static int SegmentLength(int steps)
    {
        if (steps <= 1)
        {
            return 1;
        }

        int segment = (int)Math.Ceiling(Math.Sqrt(steps));
        while (segment > 1 && (long)(segment - 1) * (segment - 1) >= steps)
        {
            segment--;
        }

        while ((long)segment * segment < steps)
        {
            segment++;
        }

        return segment;
    }

    /// <summary>
    /// How many iterations a checkpointed gradient's binomial schedule records at a time: <paramref name="steps"/> /
    /// (16 × <paramref name="snapshots"/>), but no more than 8 × <paramref name="snapshots"/>, and at least 1. The saves
    /// of that many iterations are held at once beside the snapshots: a bound that does not grow with the loop, and at
    /// most 1 / (16 × snapshots) of what storing every iteration holds. The loop is scheduled as that many times fewer
    /// runs, which more than halves the iterations run again without saves at 32 snapshots and 100,000 iterations (4.34
    /// per iteration recorded one at a time, 1.93 in runs of 195). Within that memory bound the longest run is the
    /// fastest: the fewer runs, the fewer times the schedule runs each one again.
    /// </summary>
    public static int BinomialRecordLength(int steps, int snapshots)
    {
        long perSnapshot = Math.Max(1, snapshots);
        return (int)Math.Max(1, Math.Min(8 * perSnapshot, Math.Max(0, steps) / (16 * perSnapshot)));
    }

    /// <summary>
    /// The fewest iterations a schedule with <paramref name="snapshots"/> snapshots runs without saves to reverse
    /// <paramref name="steps"/> iterations (each recorded once besides): r·N − C(s + r, s + 1), r the smallest with
    /// C(s + r, s) ≥ N (Griewank and Walther). What <see cref="Binomial(int, int)"/> runs.
    /// </summary>
    public static long OptimalAdvances(int steps, int snapshots)
    {
        if (steps <= 1)
        {
            return 0;
        }

        int r = 0;
        while (Choose(snapshots + r, snapshots) < steps)
        {
            r++;
        }

        return (long)r * steps - Choose(snapshots + r, snapshots + 1);
    }

    private static long Choose(int n, int k)
    {
        if (k < 0 || k > n)
        {
            return 0;
        }

        k = Math.Min(k, n - k);
        long result = 1;
        for (int i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
            if (result > int.MaxValue * 4L)
            {
                return long.MaxValue / 4;
            }
        }

        return result;
    }

    private void Peek()
    {
        if (!_hasPending)
        {
            if (_binomial)
            {
                BinomialStep();
            }
            else
            {
                SegmentStep();
            }

            _hasPending = true;
        }
    }

    private void Take()
    {
        Action = _pending;
        From = _pendingFrom;
        To = _pendingTo;
        Slot = _pendingSlot;
        _hasPending = false;
    }

    private void Set(CheckpointAction action, int from, int to, int slot)
    {
        if (_binomial && _length > 1)
        {
            from = (int)Math.Min(Steps, (long)from * _length);
            to = (int)Math.Min(Steps, (long)to * _length);
        }

        _pending = action;
        _pendingFrom = from;
        _pendingTo = to;
        _pendingSlot = slot;
    }

    // Revolve, after Griewank and Walther's revolve.c, over runs of _length iterations (Set turns runs into
    // iterations): _capo is the run whose starting state the loop holds, _fine the end of what is left to reverse,
    // _positions[0.._check] the runs whose starting states the snapshots hold. A "firsturn" or "youturn" becomes
    // Record then Reverse of that one run.
    private void BinomialStep()
    {
        if (Action == CheckpointAction.Terminate)
        {
            Set(CheckpointAction.Terminate, 0, 0, 0);
            return;
        }

        if (_reversePending)
        {
            _reversePending = false;
            Set(CheckpointAction.Reverse, _capo, _capo + 1, 0);
            return;
        }

        switch (_fine - _capo)
        {
            case 0:
                if (_check == -1 || _capo == _positions![0])
                {
                    _check--;
                    Set(CheckpointAction.Terminate, 0, 0, 0);
                }
                else
                {
                    _capo = _positions[_check];
                    Set(CheckpointAction.Restore, _capo, _capo, _check);
                }

                return;

            case 1:
                _fine--;
                if (_check >= 0 && _positions![_check] == _capo)
                {
                    _check--;
                }

                _reversePending = true;
                Set(CheckpointAction.Record, _capo, _capo + 1, 0);
                return;

            default:
                if (_check == -1 || _positions![_check] != _capo)
                {
                    _check++;
                    _positions![_check] = _capo;
                    Set(CheckpointAction.TakeShot, _capo, _capo, _check);
                    return;
                }

                int oldCapo = _capo;
                int ds = _snaps - _check;
                int reps = 0;
                long range = 1;
                while (range < _fine - _capo)
                {
                    reps++;
                    range = range * (reps + ds) / reps;
                }

                long bino1 = range * reps / (ds + reps);
                long bino2 = ds > 1 ? bino1 * ds / (ds + reps - 1) : 1;
                long bino3 = ds == 1 ? 0 : ds > 2 ? bino2 * (ds - 1) / (ds + reps - 2) : 1;
                long bino4 = bino2 * (reps - 1) / ds;
                long bino5 = ds < 3 ? 0 : ds > 3 ? bino3 * (ds - 2) / reps : 1;
                long left = _fine - _capo;
                if (left <= bino1 + bino3)
                {
                    _capo = (int)(_capo + bino4);
                }
                else if (left >= range - bino5)
                {
                    _capo = (int)(_capo + bino1);
                }
                else
                {
                    _capo = (int)(_fine - bino2 - bino3);
                }

                if (_capo <= oldCapo)
                {
                    _capo = oldCapo + 1;
                }

                Set(CheckpointAction.Advance, oldCapo, _capo, 0);
                return;
        }
    }

    // √N: forward TakeShot(j), Advance(segment j) for every segment but the last, Record(last); then Reverse(last) and,
    // for each earlier segment j from the last down, Restore(j), Record(j), Reverse(j); then Terminate.
    private void SegmentStep()
    {
        int k = _segments;
        int forwardActions = 2 * (k - 1) + 1;
        int i = _index++;
        if (k == 0 || i >= forwardActions + 1 + 3 * (k - 1))
        {
            Set(CheckpointAction.Terminate, 0, 0, 0);
            return;
        }

        if (i < forwardActions - 1)
        {
            int j = i / 2;
            if (i % 2 == 0)
            {
                Set(CheckpointAction.TakeShot, j * _segment, j * _segment, j);
            }
            else
            {
                Set(CheckpointAction.Advance, j * _segment, (j + 1) * _segment, 0);
            }

            return;
        }

        int lastStart = (k - 1) * _segment;
        if (i == forwardActions - 1)
        {
            Set(CheckpointAction.Record, lastStart, Steps, 0);
            return;
        }

        if (i == forwardActions)
        {
            Set(CheckpointAction.Reverse, lastStart, Steps, 0);
            return;
        }

        int position = i - forwardActions - 1;
        int segment = k - 2 - position / 3;
        int from = segment * _segment;
        int to = from + _segment;
        switch (position % 3)
        {
            case 0:
                Set(CheckpointAction.Restore, from, from, segment);
                break;
            case 1:
                Set(CheckpointAction.Record, from, to, 0);
                break;
            default:
                Set(CheckpointAction.Reverse, from, to, 0);
                break;
        }
    }
}
