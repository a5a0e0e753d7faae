using System.Collections.Generic;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

// Loops run as written, their bodies carrying the tangents. A canonical for keeps its header; another loop's
// increment may have tangents of its own, so it is written at the end of the body, where a continue jumps to.
internal sealed partial class TangentMode
{
    private void BuildLoop(Model.Loop loop, List<Code> code)
    {
        BuildBlock(loop.Initializer, code);
        bool incrementInBody = loop.Counter is null && loop.Increment.Statements.Count > 0;
        int next = incrementInBody ? _labels++ : -1;
        _continueLabels.Add(next);
        var body = new List<Code>();
        BuildBlock(loop.Body, body);
        _continueLabels.RemoveAt(_continueLabels.Count - 1);
        if (incrementInBody)
        {
            body.Add(new LabelMark(next, "_next"));
            BuildBlock(loop.Increment, body);
        }

        Sequence none = Sequence.Empty;
        code.Add(loop switch
        {
            { Kind: LoopKind.Do } => new LoopCode(LoopForm.Do, -1, null, loop.Condition ?? Bool(true), none, ToSequence(body), loop.Id, Sweep.Forward),
            { Counter: { } counter } => new LoopCode(LoopForm.For, counter.Variable, counter.Start, loop.Condition,
                ToSequence(new List<Code> { new Assign(Ref(counter.Variable), counter.Step > 0 ? "+" : "-", Int(System.Math.Abs(counter.Step))) }),
                ToSequence(body), loop.Id, Sweep.Forward),
            { Kind: LoopKind.For, Condition: null } => new LoopCode(LoopForm.For, -1, null, null, none, ToSequence(body), loop.Id, Sweep.Forward),
            _ => new LoopCode(LoopForm.While, -1, null, loop.Condition ?? Bool(true), none, ToSequence(body), loop.Id, Sweep.Forward),
        });
    }
}
