using System.Collections.Generic;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

// if/else: the forward sweep records which way it went; the reverse sweep never evaluates a condition again.
internal sealed partial class ReverseMode
{
    private List<Code> BuildIf(IfStatement conditional, List<Code> forward)
    {
        bool work = _plan.HasReverseWork(conditional);
        bool inLoop = _index.IsInLoop(conditional);

        // In a loop without a trip count the record goes on a stack, where it must lie above everything the branch
        // saved: each branch saves it at its end (or before a jump out), and the reverse sweep reads it first.
        bool savesAtEnd = work && inLoop && InnermostLoop is not { Indexed: true };
        Expr condition = conditional.Condition;
        Expr? taken = null;
        int slot = -1;
        if (work && !savesAtEnd)
        {
            int flag = Hoist(ScalarType.Bool, "_branch");
            forward.Add(new Assign(Ref(flag), "", condition));
            condition = Ref(flag);
            taken = condition;
            if (inLoop)
            {
                slot = NewSlot(ScalarType.Bool);
                forward.Add(new Save(slot, condition));
                taken = new Saved(ScalarType.Bool, slot);
            }
        }
        else if (savesAtEnd)
        {
            slot = NewSlot(ScalarType.Bool);
            taken = new Saved(ScalarType.Bool, slot);
        }

        var then = new List<Code>();
        List<Code> thenReverse = BuildBranch(conditional.Then, then, savesAtEnd ? new Save(slot, Bool(true)) : null);
        List<Code>? otherwise = null;
        List<Code>? elseReverse = null;
        if (conditional.Else is not null || savesAtEnd)
        {
            otherwise = new List<Code>();
            elseReverse = conditional.Else is null
                ? new List<Code>()
                : BuildBranch(conditional.Else, otherwise, savesAtEnd ? new Save(slot, Bool(false)) : null);
            if (conditional.Else is null)
            {
                otherwise.Add(new Save(slot, Bool(false)));
            }
        }

        forward.Add(new If(condition, ToSequence(then), otherwise is null ? null : ToSequence(otherwise)));

        var reverse = new List<Code>();
        if (!work || (thenReverse.Count == 0 && (elseReverse is null || elseReverse.Count == 0) && !savesAtEnd))
        {
            return reverse;
        }

        Code branches = thenReverse.Count == 0 && elseReverse is { Count: > 0 }
            ? new If(new Unary(ScalarType.Bool, "!", taken!), ToSequence(elseReverse), null)
            : new If(taken!, ToSequence(thenReverse), elseReverse is { Count: > 0 } ? ToSequence(elseReverse) : null);
        reverse.Add(new Section(conditional.Source, ToSequence(new List<Code> { branches })));
        return reverse;
    }

    private List<Code> BuildBranch(Block block, List<Code> forward, Code? saveAtEnd)
    {
        if (saveAtEnd is not null)
        {
            _frames.Add(new IfFrame(saveAtEnd));
        }

        List<Code> reverse = BuildBlock(block, forward);
        if (saveAtEnd is not null)
        {
            _frames.RemoveAt(_frames.Count - 1);
            if (!EndsWithJump(block))
            {
                forward.Add(saveAtEnd);
            }
        }

        return reverse;
    }
}
