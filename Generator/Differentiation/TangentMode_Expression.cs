using System.Collections.Generic;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

// Tangents of expressions: the shared Linearizer, with this mode's activity and tangent locals.
internal sealed partial class TangentMode : ITangentSpace
{
    /// <summary>
    /// An expression and its tangent (null when it is 0). A value both the statement and its tangent read is computed
    /// once into a temporary, and the returned primal reads it; inside a ?: branch, which may not run, nothing is hoisted.
    /// </summary>
    private (Expr Primal, Expr? Tangent) Linearize(Expr expr, List<Code> code) => _linearizer.Linearize(expr, code);

    private static Expr OrZero(Expr? tangent, ScalarType type) => Linearizer.OrZero(tangent, type);

    bool ITangentSpace.IsActive(Expr expr) => _activity.IsActive(expr);

    Expr? ITangentSpace.TangentOfLeaf(Expr leaf) => leaf switch
    {
        VariableRef variable => HasTangent(variable.Variable) ? TangentRef(variable.Variable) : null,
        ElementRef element => HasTangent(element.Buffer) ? new ElementRef(element.Type, TangentLocal(element.Buffer), element.Index) : null,
        _ => null,
    };

    VariableRef ITangentSpace.Temp(Expr value, List<Code> code, string stem) => Temp(value, code, stem);
}
