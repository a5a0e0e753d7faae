using System.Collections.Generic;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

// if/else: the branch taken carries the tangents; the condition has none.
internal sealed partial class TangentMode
{
    private void BuildIf(IfStatement conditional, List<Code> code)
    {
        var then = new List<Code>();
        BuildBlock(conditional.Then, then);
        List<Code>? otherwise = null;
        if (conditional.Else is not null)
        {
            otherwise = new List<Code>();
            BuildBlock(conditional.Else, otherwise);
        }

        code.Add(new If(conditional.Condition, ToSequence(then), otherwise is null ? null : ToSequence(otherwise)));
    }
}
