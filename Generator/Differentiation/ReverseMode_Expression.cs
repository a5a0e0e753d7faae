using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Model;

using static SourceGrad.Generator.Differentiation.IrConstruction;

namespace SourceGrad.Generator.Differentiation;

// Adjoints of expressions: each operation's rule from DerivativeRules, applied from the result to the operands.
internal sealed partial class ReverseMode
{
    /// <summary>Adds <paramref name="adjoint"/> times ∂expr/∂x into the adjoint of every active x in the expression.</summary>
    private void Backpropagate(Expr expr, Expr adjoint, List<Code> code)
    {
        if (!_activity.IsActive(expr))
        {
            return;
        }

        switch (expr)
        {
            case VariableRef variable:
            {
                VariableRef target = AdjointRef(variable.Variable);
                code.Add(new Accumulate(target, adjoint));
                _written.Add(target);
                return;
            }

            case ElementRef element:
            {
                var target = new ElementRef(element.Type, AdjointLocal(element.Buffer), element.Index);
                code.Add(new Accumulate(target, adjoint));
                _written.Add(target);
                return;
            }

            case Conversion conversion:
                Backpropagate(conversion.Operand, conversion.Operand.Type == ScalarType.Float && conversion.Type == ScalarType.Double
                    ? new Conversion(ScalarType.Float, adjoint)
                    : adjoint, code);
                return;
            case Unary { Operator: "-" } unary:
                Backpropagate(unary.Operand, Negate(adjoint), code);
                return;
            case Unary { Operator: "+" } unary:
                Backpropagate(unary.Operand, adjoint, code);
                return;
            case Conditional conditional:
            {
                var whenTrue = new List<Code>();
                var whenFalse = new List<Code>();
                Backpropagate(conditional.WhenTrue, adjoint, whenTrue);
                Backpropagate(conditional.WhenFalse, adjoint, whenFalse);
                Expr flag = _recordedConditions.TryGetValue(conditional.Id, out int recorded) ? Ref(recorded) : conditional.Condition;
                if (whenTrue.Count > 0)
                {
                    code.Add(new If(flag, ToSequence(whenTrue), whenFalse.Count > 0 ? ToSequence(whenFalse) : null));
                }
                else if (whenFalse.Count > 0)
                {
                    code.Add(new If(new Unary(ScalarType.Bool, "!", flag), ToSequence(whenFalse), null));
                }

                return;
            }

            // 1 / (1 + Exp(−u)): the logistic, whose derivative σ(1 − σ) needs no division and no second exponential.
            case Binary logistic when IsLogistic(logistic, out Expr argument):
                ApplyRule("logistic", new[] { argument }, logistic, adjoint, code);
                return;

            // x·x: one contribution, 2·x·dy, instead of the same x·dy twice.
            case Binary { Operator: "*" } square when square.Left.Equals(square.Right):
                ApplyRule("square", new[] { square.Left }, square, adjoint, code);
                return;
            case Binary binary:
                ApplyRule(binary.Operator, new[] { binary.Left, binary.Right }, binary, adjoint, code);
                return;
            case Intrinsic intrinsic:
                ApplyRule(intrinsic.Name, intrinsic.Arguments.ToArray(), intrinsic, adjoint, code);
                return;
        }
    }

    private void ApplyRule(string operation, IReadOnlyList<Expr> arguments, Expr result, Expr adjoint, List<Code> code)
    {
        if (DerivativeRules.For(operation) is not Rule rule)
        {
            return;
        }

        if (!IsAtomic(adjoint))
        {
            adjoint = Temp(adjoint, code, "_d", result.Type);
        }

        Expr?[] contributions = DerivativeRules.Apply(rule, result.Type,
            arguments.Count > 0 ? arguments[0].Type : null,
            arguments.Count > 1 ? arguments[1].Type : null,
            arguments.Count > 2 ? arguments[2].Type : null);

        // Each argument the rules read is evaluated once, where the first rule reads it.
        var values = new Dictionary<int, Expr>();
        if (_knownResult is { } known && ReferenceEquals(known.Value, result))
        {
            values[RuleArgument.Result] = known.Where;
        }

        values[RuleArgument.Adjoint] = adjoint;
        Expr ValueOf(RuleArgument argument)
        {
            if (!values.TryGetValue(argument.Index, out Expr? value))
            {
                value = Value(argument.Index == RuleArgument.Result ? result : arguments[argument.Index], code);
                values[argument.Index] = value;
            }

            return value;
        }

        for (int i = 0; i < arguments.Count && i < contributions.Length; i++)
        {
            if (contributions[i] is not Expr template || !_activity.IsActive(arguments[i]))
            {
                continue;
            }

            Expr contribution = WithoutUnitFactors(ExprWalker.Rewrite(template, e => e is RuleArgument argument ? ValueOf(argument) : null));
            Expr operand = arguments[i];
            bool bind = !IsLeaf(operand) && !IsAtomic(contribution);
            Backpropagate(operand, bind ? Temp(contribution, code, "_d", operand.Type) : contribution, code);
        }
    }

    /// <summary>The value of an expression in the reverse sweep: itself when it is a name, else a temporary.</summary>
    private Expr Value(Expr expr, List<Code> code) =>
        // A call is evaluated once even when the rule reads its value twice (Tanh: 1 − y·y).
        IsAtomic(expr) ? expr : Temp(expr, code, "_v");

    // ---- Recorded conditions of ?: ------------------------------------------------------------------

    /// <summary>An active <c>?:</c> whose condition the forward sweep records in <see cref="Flag"/>.</summary>
    private sealed record RecordedCondition(Conditional Conditional, int Flag, Expr? Guard);

    private List<RecordedCondition> RecordConditions(Expr expr)
    {
        var found = new List<RecordedCondition>();
        Collect(expr, null);
        return found;

        void Collect(Expr e, Expr? guard)
        {
            switch (e)
            {
                case Conditional conditional when _activity.IsActive(conditional):
                {
                    int flag = Hoist(ScalarType.Bool, "_choice");
                    found.Add(new RecordedCondition(conditional, flag, guard));
                    Collect(conditional.WhenTrue, And(guard, Ref(flag)));
                    Collect(conditional.WhenFalse, And(guard, new Unary(ScalarType.Bool, "!", Ref(flag))));
                    break;
                }

                case Unary u:
                    Collect(u.Operand, guard);
                    break;
                case Binary b when b.Operator is not ("&&" or "||"):
                    Collect(b.Left, guard);
                    Collect(b.Right, guard);
                    break;
                case Conversion c:
                    Collect(c.Operand, guard);
                    break;
                case Intrinsic i:
                    foreach (Expr argument in i.Arguments)
                    {
                        Collect(argument, guard);
                    }

                    break;
            }
        }
    }

    private static Expr And(Expr? left, Expr right) => left is null ? right : new Binary(ScalarType.Bool, "&&", left, right);

    /// <summary>
    /// Computes each recorded condition into its flag before the statement; in a loop the flag is also saved after it
    /// (<paramref name="saves"/>) and loaded again before the statement's adjoint (<paramref name="loads"/>).
    /// </summary>
    private void WriteFlags(List<RecordedCondition> flags, bool inLoop, List<Code> forward, out List<Code> saves, out List<Code> loads)
    {
        saves = new List<Code>();
        loads = new List<Code>();
        foreach (RecordedCondition recorded in flags)
        {
            Expr condition = WithFlags(recorded.Conditional.Condition);
            forward.Add(new Assign(Ref(recorded.Flag), "", recorded.Guard is null ? condition : new Binary(ScalarType.Bool, "&&", recorded.Guard, condition)));
            _recordedConditions[recorded.Conditional.Id] = recorded.Flag;
            if (inLoop)
            {
                int slot = NewSlot(ScalarType.Bool);
                saves.Add(new Save(slot, Ref(recorded.Flag)));
                loads.Insert(0, new Assign(Ref(recorded.Flag), "", new Saved(ScalarType.Bool, slot)));
            }
        }
    }

    /// <summary>The expression with every recorded condition replaced by its flag.</summary>
    private Expr WithFlags(Expr expr) => ExprWalker.Rewrite(expr, e =>
        e is Conditional conditional && _recordedConditions.TryGetValue(conditional.Id, out int flag)
            ? conditional with { Condition = Ref(flag), WhenTrue = WithFlags(conditional.WhenTrue), WhenFalse = WithFlags(conditional.WhenFalse) }
            : null);
}
