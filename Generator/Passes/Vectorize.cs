using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Passes;

/// <summary>
/// Vectorised loops: an ascending loop whose iterations are independent element-wise arithmetic on one element type
/// runs as many lanes at a time as the machine's widest accelerated vector holds (Vector512, else Vector&lt;T&gt;),
/// and the original loop finishes the iterations left over. Its statements may compute locals, accumulate into a
/// scalar (a dot product, a gradient summed over the iterations: lanes are summed after the loop), accumulate into
/// or store to the iteration's element of a buffer (<c>dW[j·n + k] += a · x[k]</c>), and read buffers at the
/// iteration's element and values that do not change in the loop. Sums are then added in another order, which
/// changes only their rounding; every element the vectors touch is one the scalar loop touches.
/// </summary>
/// <example>
/// Before: <c>for (int k = 0; k &lt; n; k++) { s += w[j * n + k] * x[k]; }</c>
/// After: <c>int _k1 = 0; if (Vector512.IsHardwareAccelerated) { var _acc1 = Vector512.Create(0f); for (; _k1 &lt;= n −
/// Vector512&lt;float&gt;.Count; _k1 += Vector512&lt;float&gt;.Count) { _acc1 += Load(w, j * n + _k1) * Load(x, _k1); }
/// s += Vector512.Sum(_acc1); } … for (int k = _k1; k &lt; n; k++) { s += w[j * n + k] * x[k]; }</c>
/// </example>
internal static class Vectorize
{
    private static readonly LocalShape[] s_widths = { LocalShape.Vector512, LocalShape.Vector };

    public static AdjointProgram Run(AdjointProgram program)
    {
        var locals = program.Locals.ToList();
        Sequence Rewrite(Sequence part) => CodeWalker.RewriteSequence(part, code =>
            code is LoopCode loop && Plan.Make(loop, locals) is Plan plan ? plan.Emit(locals) : code);
        AdjointProgram rewritten = program with { Forward = Rewrite(program.Forward), Reverse = Rewrite(program.Reverse) };
        return rewritten with { Locals = locals.ToEquatableArray() };
    }

    /// <summary>What vectorising one loop takes: its parts, and the role of every variable its body writes.</summary>
    private sealed class Plan
    {
        private readonly LoopCode _loop;
        private readonly ScalarType _type;
        private readonly Expr _end;
        private readonly bool _keepLastIteration;
        private readonly HashSet<int> _written;
        private readonly HashSet<int> _writtenBuffers;
        private readonly HashSet<int> _vectorLocals;
        private readonly Dictionary<int, string> _reductions;

        private Plan(LoopCode loop, ScalarType type, Expr end, bool keepLastIteration, BodyFacts facts, HashSet<int> vectorLocals, Dictionary<int, string> reductions)
        {
            _loop = loop;
            _type = type;
            _end = end;
            _keepLastIteration = keepLastIteration;
            _written = facts.Written;
            _writtenBuffers = facts.WrittenBuffers;
            _vectorLocals = vectorLocals;
            _reductions = reductions;
        }

        public static Plan? Make(LoopCode loop, List<Local> locals)
        {
            if (loop is not { Form: LoopForm.For, Counter: >= 0, Start: not null, Condition: Binary { Left: VariableRef counter } condition }
                || counter.Variable != loop.Counter
                || condition.Operator is not ("<" or "<=")
                || loop.Step.Items.Count != 1
                || loop.Step.Items[0] is not Assign { Operator: "+", Target: VariableRef stepped, Value: Literal { Code: "1" } }
                || stepped.Variable != loop.Counter)
            {
                return null;
            }

            List<Code> statements = Flatten(loop.Body);
            if (statements is null || statements.Count == 0)
            {
                return null;
            }

            BodyFacts facts = BodyFacts.Of(loop.Body);
            if (LoopDirection.Reads(loop.Start, facts.Written) || LoopDirection.Reads(condition.Right, facts.Written))
            {
                return null;
            }

            // The element type: every value the body computes is of it.
            ScalarType? type = null;
            foreach (Code statement in statements)
            {
                Expr target = statement switch { Declare d => new VariableRef(locals[d.Local].Type, d.Local), Assign a => a.Target, Accumulate a => a.Target, _ => null! };
                if (target is null || target.Type is not (ScalarType.Float or ScalarType.Double) || (type is not null && target.Type != type))
                {
                    return null;
                }

                type = target.Type;
            }

            var vectorLocals = new HashSet<int>();
            var reductions = new Dictionary<int, string>();
            bool keepLast = false;
            foreach (int written in facts.Written)
            {
                if (written == loop.Counter)
                {
                    return null;
                }

                Local local = locals[written];
                if (local.Shape != LocalShape.Scalar || local.Type != type)
                {
                    return null;
                }

                if (facts.Declared.Contains(written))
                {
                    vectorLocals.Add(written);
                }
                else if (facts.OnlyAccumulated.Contains(written) && !facts.ReadOtherwise.Contains(written) && ReductionOperator(statements, written) is string op)
                {
                    reductions[written] = op;
                }
                else if (FirstMentionAssigns(statements, written))
                {
                    // The scalar is left as the last iteration set it: the scalar loop runs that iteration.
                    vectorLocals.Add(written);
                    keepLast = true;
                }
                else
                {
                    return null;
                }
            }

            foreach (int buffer in facts.WrittenBuffers)
            {
                bool accumulated = facts.AccumulatedBuffers.Contains(buffer) && !facts.AssignedBuffers.Contains(buffer) && !facts.ReadBuffers.Contains(buffer);
                if (!accumulated && !OneElement(loop.Body, buffer, loop.Counter, facts.Written))
                {
                    return null;
                }
            }

            Expr end = condition.Operator == "<" ? condition.Right : new Binary(ScalarType.Int, "+", condition.Right, Int(1));
            var plan = new Plan(loop, type!.Value, end, keepLast, facts, vectorLocals, reductions);
            bool loads = false;
            foreach (Code statement in statements)
            {
                foreach (Expr expr in CodeWalker.Expressions(statement))
                {
                    bool isTarget = statement switch { Assign a => ReferenceEquals(a.Target, expr), Accumulate a => ReferenceEquals(a.Target, expr), _ => false };
                    if (isTarget ? !plan.TargetFits(expr) : !plan.Fits(expr))
                    {
                        return null;
                    }

                    loads |= ExprWalker.Any(expr, e => e is ElementRef element && plan.IsPerIteration(element));
                }
            }

            // Nothing read per iteration: nothing gains from lanes.
            return loads ? plan : null;
        }

        /// <summary>The loop's statements with their comments, or null when it holds anything but element-wise statements.</summary>
        private static List<Code> Flatten(Sequence body)
        {
            var statements = new List<Code>();
            foreach (Code item in body.Items)
            {
                switch (item)
                {
                    case Commented commented:
                        List<Code> inner = Flatten(commented.Body);
                        if (inner is null)
                        {
                            return null!;
                        }

                        statements.AddRange(inner);
                        break;
                    case Section section:
                        List<Code> inSection = Flatten(section.Body);
                        if (inSection is null)
                        {
                            return null!;
                        }

                        statements.AddRange(inSection);
                        break;
                    case Declare { Value: not null }:
                    case Assign { Operator: "" or "+" or "-" }:
                    case Accumulate:
                        statements.Add(item);
                        break;
                    default:
                        return null!;
                }
            }

            return statements;
        }

        private static string? ReductionOperator(List<Code> statements, int variable)
        {
            string? op = null;
            foreach (Code statement in statements)
            {
                string? this_ = statement switch
                {
                    Accumulate { Target: VariableRef t } when t.Variable == variable => "+",
                    Assign { Target: VariableRef t } a when t.Variable == variable => a.Operator,
                    _ => null,
                };
                if (this_ is null)
                {
                    continue;
                }

                if (op is not null && op != this_)
                {
                    return null;
                }

                op = this_;
            }

            return op is "+" or "-" ? op : null;
        }

        private static bool FirstMentionAssigns(List<Code> statements, int variable)
        {
            foreach (Code statement in statements)
            {
                bool mentions = CodeWalker.Expressions(statement).Any(e => ExprWalker.Any(e, x => x is VariableRef v && v.Variable == variable));
                if (mentions)
                {
                    return statement is Assign { Operator: "", Target: VariableRef target } assign && target.Variable == variable
                        && !ExprWalker.Any(assign.Value, x => x is VariableRef v && v.Variable == variable);
                }
            }

            return false;
        }

        /// <summary>Whether the body touches the buffer at one index only, the iteration's element.</summary>
        private static bool OneElement(Sequence body, int buffer, int counter, HashSet<int> written)
        {
            Expr? index = null;
            bool ok = true;
            CodeWalker.VisitExpressions(body, e =>
            {
                if (e is ElementRef element && element.Buffer == buffer)
                {
                    index ??= element.Index;
                    ok &= element.Index.Equals(index);
                }
                else if (e is SpanOf span && span.Buffer == buffer)
                {
                    ok = false;
                }
            });
            return ok && index is not null && LoopDirection.CounterPlusInvariant(index, counter, written);
        }

        private bool IsPerIteration(ElementRef element) => LoopDirection.CounterPlusInvariant(element.Index, _loop.Counter, _written);

        private bool IsInvariant(Expr expr) => !ExprWalker.Any(expr, e => e is VariableRef v && (_written.Contains(v.Variable) || v.Variable == _loop.Counter))
            && !ExprWalker.Any(expr, e => e is ElementRef element && _writtenBuffers.Contains(element.Buffer));

        /// <summary>Whether the expression can be computed lanes at a time.</summary>
        private bool Fits(Expr expr) => expr switch
        {
            Literal literal => literal.Type == _type,
            VariableRef variable => variable.Type == _type && (_vectorLocals.Contains(variable.Variable) || IsInvariant(variable)),
            ElementRef element => element.Type == _type && (IsPerIteration(element) || IsInvariant(element)),
            Binary { Operator: "+" or "-" or "*" or "/" } binary => binary.Type == _type && Fits(binary.Left) && Fits(binary.Right),
            Unary { Operator: "-" } unary => unary.Type == _type && Fits(unary.Operand),
            _ => false,
        };

        private bool TargetFits(Expr target) => target switch
        {
            VariableRef variable => _vectorLocals.Contains(variable.Variable) || _reductions.ContainsKey(variable.Variable),
            ElementRef element => IsPerIteration(element),
            _ => false,
        };

        public Code Emit(List<Local> locals)
        {
            int from = Add(locals, new Local("_simd", ScalarType.Int, LocalShape.Scalar, LocalRole.Temporary));
            var counter = new VariableRef(ScalarType.Int, from);
            Code? chain = null;
            for (int i = s_widths.Length - 1; i >= 0; i--)
            {
                Sequence block = Vectorized(s_widths[i], counter, locals);
                chain = new If(new Accelerated(s_widths[i]), block, chain is null ? null : new Sequence(new[] { chain }.ToEquatableArray()));
            }

            LoopCode tail = _loop with { Start = counter };
            return new Sequence(new Code[]
            {
                new Declare(from, _loop.Start),
                chain!,
                tail,
            }.ToEquatableArray());
        }

        private Sequence Vectorized(LocalShape width, VariableRef from, List<Local> locals)
        {
            var before = new List<Code>();
            var after = new List<Code>();
            var vectors = new Dictionary<int, int>();
            var splats = new Dictionary<Expr, int>();
            var lanes = new LaneCount(_type, width);

            int VectorOf(int scalar)
            {
                if (!vectors.TryGetValue(scalar, out int vector))
                {
                    Local original = locals[scalar];
                    vector = Add(locals, original.Role == LocalRole.Adjoint
                        ? original with { Stem = original.Stem + "Lanes", Shape = width, Numbered = true }
                        : new Local((original.Role == LocalRole.Primal ? "_" : "") + original.Stem.TrimStart('@') + "Lanes", _type, width, LocalRole.Temporary));
                    vectors[scalar] = vector;
                }

                return vector;
            }

            foreach (KeyValuePair<int, string> reduction in _reductions.OrderBy(r => r.Key))
            {
                int accumulator = VectorOf(reduction.Key);
                before.Add(new Declare(accumulator, new Broadcast(_type, width, Zero())));
                var sum = new SumLanes(_type, width, new VariableRef(_type, accumulator));
                var scalar = new VariableRef(_type, reduction.Key);
                after.Add(locals[reduction.Key].Role == LocalRole.Primal
                    ? new Assign(scalar, reduction.Value, sum)
                    : reduction.Value == "+" ? new Accumulate(scalar, sum) : new Assign(scalar, "-", sum));
            }

            Expr Lanes(Expr expr) => expr switch
            {
                Literal literal => new Broadcast(_type, width, literal),
                VariableRef variable when _vectorLocals.Contains(variable.Variable) => new VariableRef(_type, VectorOf(variable.Variable)),
                ElementRef element when IsPerIteration(element) => new LoadVector(_type, width, Slice(element, from, lanes)),
                Binary binary => binary with { Left = Lanes(binary.Left), Right = Lanes(binary.Right) },
                Unary unary => unary with { Operand = Lanes(unary.Operand) },
                _ => Splat(expr),
            };

            Expr Splat(Expr invariant)
            {
                if (!splats.TryGetValue(invariant, out int splat))
                {
                    splat = Add(locals, new Local("_splat", _type, width, LocalRole.Temporary));
                    splats[invariant] = splat;
                    before.Add(new Declare(splat, new Broadcast(_type, width, invariant)));
                }

                return new VariableRef(_type, splat);
            }

            var declared = new HashSet<int>();
            Sequence Body(Sequence body) => CodeWalker.RewriteSequence(body, code => code switch
            {
                // A scalar the loop overwrites before reading becomes a vector declared where it is first assigned.
                Assign { Target: VariableRef target, Operator: "" } assign when _vectorLocals.Contains(target.Variable) && declared.Add(target.Variable) =>
                    new Declare(VectorOf(target.Variable), Lanes(assign.Value)),
                Declare declare => new Declare(VectorOf(declare.Local), Lanes(declare.Value!)),
                Assign { Target: VariableRef target } assign when _reductions.ContainsKey(target.Variable) =>
                    new Assign(new VariableRef(_type, VectorOf(target.Variable)), "+", Lanes(assign.Value)),
                Accumulate { Target: VariableRef target } accumulate when _reductions.ContainsKey(target.Variable) =>
                    new Assign(new VariableRef(_type, VectorOf(target.Variable)), "+", Lanes(accumulate.Value)),
                Assign { Target: VariableRef target } assign => new Assign(new VariableRef(_type, VectorOf(target.Variable)), assign.Operator, Lanes(assign.Value)),
                Accumulate { Target: VariableRef target } accumulate => new Assign(new VariableRef(_type, VectorOf(target.Variable)), "+", Lanes(accumulate.Value)),
                Assign { Target: ElementRef element, Operator: "" } assign => new StoreVector(width, Lanes(assign.Value), Slice(element, from, lanes)),
                Assign { Target: ElementRef element } assign => Store(element, assign.Operator, Lanes(assign.Value)),
                Accumulate { Target: ElementRef element } accumulate => Store(element, "+", Lanes(accumulate.Value)),
                _ => code,
            });

            Code Store(ElementRef element, string op, Expr value)
            {
                Expr slice = Slice(element, from, lanes);
                return new StoreVector(width, new Binary(_type, op, new LoadVector(_type, width, slice), value), slice);
            }

            Sequence vectorBody = Body(_loop.Body);

            // Lanes while a whole vector fits (and, where a scalar must end with the last iteration's value, one
            // iteration is left to the scalar loop).
            Expr last = new Binary(ScalarType.Int, "-", _end, lanes);
            var loop = new LoopCode(LoopForm.For, -1, null, new Binary(ScalarType.Bool, _keepLastIteration ? "<" : "<=", from, last),
                new Sequence(new Code[] { new Assign(from, "+", lanes) }.ToEquatableArray()), vectorBody, _loop.Origin, _loop.Sweep);
            return new Sequence(before.Append(loop).Concat(after).ToEquatableArray());
        }

        /// <summary>The lanes of a per-iteration element from the vector loop's counter on: <c>buffer.Slice(offset + k, lanes)</c>.</summary>
        private Expr Slice(ElementRef element, VariableRef from, Expr lanes)
        {
            Expr start = ExprWalker.Rewrite(element.Index, e => e is VariableRef v && v.Variable == _loop.Counter ? from : null);
            return new SpanOf(_type, element.Buffer, start, lanes);
        }

        private Literal Zero() => Recognition.MethodRecognizer.Constant(_type, _type == ScalarType.Float ? (object)0f : 0d);
    }

    private static int Add(List<Local> locals, Local local)
    {
        locals.Add(local);
        return locals.Count - 1;
    }

    private static Literal Int(int value) => Recognition.MethodRecognizer.Constant(ScalarType.Int, value);
}
