using System.Collections.Generic;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

// break, continue and return: forward mode records nothing; a return hands back the result's tangent with the result.
internal sealed partial class TangentMode
{
    private void BuildJump(Jump jump, List<Code> outer)
    {
        var code = new List<Code>();
        switch (jump.Kind)
        {
            case JumpKind.Break:
                code.Add(Break.Instance);
                break;
            case JumpKind.Continue:
                code.Add(_continueLabels.Count > 0 && _continueLabels[_continueLabels.Count - 1] is int next and >= 0 ? new Goto(next) : Continue.Instance);
                break;
            default:
                Expr? value = null;
                if (jump.Value is not null && _resultTangent >= 0)
                {
                    (Expr primal, Expr? tangent) = Linearize(jump.Value, code);
                    code.Add(new Assign(Ref(_resultTangent), "", OrZero(tangent, _locals[_resultTangent].Type)));
                    value = primal;
                }

                if (_exitLabel < 0)
                {
                    code.Add(new Return(value));
                }
                else
                {
                    if (value is not null)
                    {
                        code.Add(new Assign(Ref(_result), "", value));
                    }

                    code.Add(new Goto(_exitLabel));
                }

                break;
        }

        outer.Add(Commented(jump, code));
    }
}
