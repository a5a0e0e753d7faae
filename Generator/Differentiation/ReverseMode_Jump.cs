using System.Collections.Generic;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

// break, continue and return: each records where it left its scope, so the reverse sweep reverses what ran.
internal sealed partial class ReverseMode
{
    private List<Code> BuildJump(Jump jump, List<Code> forward)
    {
        if (jump.Kind == JumpKind.Return)
        {
            return BuildReturn(jump, forward);
        }

        LoopFrame? loop = null;
        for (int i = _frames.Count - 1; i >= 0 && loop is null; i--)
        {
            if (_frames[i] is IfFrame ifFrame)
            {
                forward.Add(ifFrame.Save);
            }
            else
            {
                loop = (LoopFrame)_frames[i];
            }
        }

        if (jump.Kind == JumpKind.Break)
        {
            if (loop is { RecordsExit: true })
            {
                forward.Add(new Save(loop.ExitSlot, Int(jump.Id)));
            }

            forward.Add(Break.Instance);
        }
        else if (loop is { Label: >= 0 })
        {
            if (loop.RecordsExit)
            {
                forward.Add(new Assign(Ref(loop.Exit), "", Int(jump.Id)));
            }

            forward.Add(new Goto(loop.Label));
        }
        else
        {
            forward.Add(Continue.Instance);
        }

        return new List<Code>();
    }

    private List<Code> BuildReturn(Jump jump, List<Code> forward)
    {
        var reverse = new List<Code>();
        if (jump.Value is not null && _result >= 0)
        {
            var forwardCode = new List<Code>();
            bool active = _activity.IsActive(jump.Value);
            List<RecordedCondition> flags = active ? RecordConditions(jump.Value) : new List<RecordedCondition>();
            WriteFlags(flags, _index.IsInLoop(jump), forwardCode, out List<Code> saves, out List<Code> loads);
            forwardCode.Add(new Assign(Ref(_result), "", WithFlags(jump.Value)));
            forwardCode.AddRange(saves);
            forward.Add(new Commented(jump.Id, jump.Source, Sweep.Forward, ToSequence(forwardCode)));
            reverse.AddRange(loads);
            if (active)
            {
                OwnReverseWork.Add(jump.Id);
                Backpropagate(jump.Value, Ref(_seed), reverse);
            }
        }

        if (jump != _finalReturn)
        {
            // An early return: record it for every scope it leaves, then go straight to the reverse sweep.
            for (int i = _frames.Count - 1; i >= 0; i--)
            {
                if (_frames[i] is IfFrame ifFrame)
                {
                    forward.Add(ifFrame.Save);
                }
                else if (_frames[i] is LoopFrame loopFrame)
                {
                    if (loopFrame.RecordsExit)
                    {
                        forward.Add(new Save(loopFrame.ExitSlot, Int(jump.Id)));
                    }

                    if (loopFrame.Recorded && loopFrame.Nested)
                    {
                        SaveLoopRecord(loopFrame, forward);
                    }
                }
            }

            forward.Add(new Assign(Ref(_functionExit), "", Int(jump.Id)));
            if (_reverseLabel < 0)
            {
                _reverseLabel = NewLabel();
            }

            forward.Add(new Goto(_reverseLabel));
        }

        return reverse.Count == 0 ? reverse : new List<Code> { Commented(jump, reverse) };
    }
}
