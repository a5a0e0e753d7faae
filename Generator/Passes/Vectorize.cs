using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Passes;

/// <summary>
/// Vectorised loops: an ascending loop whose iterations are independent element-wise arithmetic on one element type
/// runs as many lanes at a time as the machine's widest accelerated vector holds (Vector512, else Vector&lt;T&gt;;
/// a loop that rotates lanes, below, Vector512, else Vector256 when the rotation spans fewer than its lanes, as
/// Vector&lt;T&gt; has no shuffle),
/// and the original loop finishes the iterations left over. Its statements may compute locals, accumulate into a
/// scalar (a dot product, a gradient summed over the iterations: lanes are summed after the loop), accumulate into
/// or store to the iteration's element of a buffer (<c>dW[j·n + k] += a · x[k]</c>), and read buffers at the
/// iteration's element and values that do not change in the loop.
/// <para>
/// A buffer the loop only accumulates into is read and written once per vector, after the statements: contributions
/// to neighbouring elements (<c>dX[i] += …; dX[i + 1] += …</c>, as stencils and Rosenbrock's terms give) are moved
/// into place by rotating their lanes, the lanes that fall past the vector carried to the next one, so that no vector
/// store overlaps the load that follows it.
/// </para>
/// Sums are then added in another order, which changes only their rounding; every element the vectors touch is one
/// the scalar loop touches.
/// </summary>
/// <example>
/// Before: <c>for (int k = 0; k &lt; n; k++) { s += w[j * n + k] * x[k]; }</c>
/// After: <c>int _simd1 = 0; if (Vector512.IsHardwareAccelerated) { Vector512&lt;float&gt; _sLanes1 = Vector512.Create(0f);
/// for (; _simd1 &lt;= n − Vector512&lt;float&gt;.Count; _simd1 += Vector512&lt;float&gt;.Count) { _sLanes1 += Load(w, j * n + _simd1)
/// * Load(x, _simd1); } s += Vector512.Sum(_sLanes1); } else if (Vector.IsHardwareAccelerated) { … }
/// for (int k = _simd1; k &lt; n; k++) { s += w[j * n + k] * x[k]; }</c>
/// </example>
internal static class Vectorize
{
    public static AdjointProgram Run(AdjointProgram program)
    {
        var locals = program.Locals.ToList();
        Sequence Rewrite(Sequence part) => CodeWalker.RewriteSequence(part, code =>
            code is LoopCode loop && !loop.IsCheckpointed(program) && Plan.Make(loop, locals) is Plan plan ? plan.Emit(locals) : code);
        AdjointProgram rewritten = program with { Forward = Rewrite(program.Forward), Reverse = Rewrite(program.Reverse) };
        return rewritten with { Locals = locals.ToEquatableArray() };
    }

    /// <summary>The lanes of a fixed-width vector of <paramref name="type"/> (Vector512 or Vector256).</summary>
    private static int LaneCountOf(ScalarType type, LocalShape width) =>
        (width == LocalShape.Vector512 ? 64 : 32) / (type == ScalarType.Float ? 4 : 8);

    /// <summary>Where an accumulation adds: the buffer, the index's part that does not change, and its constant offset.</summary>
    private readonly record struct Place(int Buffer, Expr? Base, int Offset);

    /// <summary>What vectorising one loop takes: its parts, and the role of every variable its body writes.</summary>
    private sealed class Plan
    {
        private readonly LoopCode _loop;
        private readonly ScalarType _type;
        private readonly Expr _end;
        private readonly bool _keepLastIteration;
        private readonly BodyFacts _facts;
        private readonly HashSet<int> _vectorLocals;
        private readonly Dictionary<int, string> _reductions;

        /// <summary>Buffers only accumulated into, with the smallest and largest offset of their accumulations.</summary>
        private readonly Dictionary<int, (Expr? Base, int Least, int Most)> _groups;

        private Plan(LoopCode loop, ScalarType type, Expr end, bool keepLastIteration, BodyFacts facts, HashSet<int> vectorLocals,
            Dictionary<int, string> reductions, Dictionary<int, (Expr? Base, int Least, int Most)> groups)
        {
            _loop = loop;
            _type = type;
            _end = end;
            _keepLastIteration = keepLastIteration;
            _facts = facts;
            _vectorLocals = vectorLocals;
            _reductions = reductions;
            _groups = groups;
        }

        /// <summary>
        /// Whether some buffer gets contributions at different offsets: such loops rotate lanes, which Vector512 and
        /// Vector256 can (a shuffle) and Vector&lt;T&gt; cannot.
        /// </summary>
        private bool Rotates => _groups.Values.Any(g => g.Most > g.Least);

        /// <summary>The largest spread of a group's offsets: a width rotates by at most its lanes less one.</summary>
        private int Spread => _groups.Values.Select(g => g.Most - g.Least).DefaultIfEmpty(0).Max();

        /// <summary>The widths this loop runs at, widest first; each is tried where the machine accelerates it.</summary>
        private LocalShape[] Widths()
        {
            if (!Rotates)
            {
                return new[] { LocalShape.Vector512, LocalShape.Vector };
            }

            // Vector256 where the rotation fits its lanes: on AVX2 machines it is the widest vector with a shuffle.
            return Spread < LaneCountOf(_type, LocalShape.Vector256)
                ? new[] { LocalShape.Vector512, LocalShape.Vector256 }
                : new[] { LocalShape.Vector512 };
        }

        public static Plan? Make(LoopCode loop, List<Local> locals)
        {
            if (loop is not { Form: LoopForm.For, Counter: >= 0, Start: not null, Condition: Binary { Left: VariableRef counter } condition }
                || counter.Variable != loop.Counter
                || condition.Operator is not ("<" or "<=")
                || loop.Step.Items.Count != 1
                || loop.Step.Items[0] is not Assign { Operator: "+", Target: VariableRef stepped, Value: Literal { Code: "1" } }
                || stepped.Variable != loop.Counter
                || Flatten(loop.Body) is not { Count: > 0 } statements)
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
                if (target.Type is not (ScalarType.Float or ScalarType.Double) || (type is not null && target.Type != type))
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
                Local local = locals[written];
                if (written == loop.Counter || local.Shape != LocalShape.Scalar || local.Type != type)
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

            var groups = new Dictionary<int, (Expr? Base, int Least, int Most)>();
            foreach (int buffer in facts.WrittenBuffers)
            {
                bool accumulated = facts.AccumulatedBuffers.Contains(buffer) && !facts.AssignedBuffers.Contains(buffer) && !facts.ReadBuffers.Contains(buffer);
                if (accumulated && Group(statements, buffer, loop.Counter, facts.Written, type!.Value) is { } group)
                {
                    groups[buffer] = group;
                }
                else if (!OneElement(loop.Body, buffer, loop.Counter, facts.Written))
                {
                    return null;
                }
            }

            Expr end = condition.Operator == "<" ? condition.Right : new Binary(ScalarType.Int, "+", condition.Right, Int(1));
            var plan = new Plan(loop, type!.Value, end, keepLast, facts, vectorLocals, reductions, groups);
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
        private static List<Code>? Flatten(Sequence body)
        {
            var statements = new List<Code>();
            foreach (Code item in body.Items)
            {
                switch (item)
                {
                    case Commented or Section:
                        if (Flatten(CodeWalker.Blocks(item).Single()) is not { } inner)
                        {
                            return null;
                        }

                        statements.AddRange(inner);
                        break;
                    case Declare { Value: not null }:
                    case Assign { Operator: "" or "+" or "-" }:
                    case Accumulate:
                        statements.Add(item);
                        break;
                    default:
                        return null;
                }
            }

            return statements;
        }

        private static string? ReductionOperator(List<Code> statements, int variable)
        {
            var operators = new HashSet<string>();
            foreach (Code statement in statements)
            {
                switch (statement)
                {
                    case Accumulate { Target: VariableRef t } when t.Variable == variable:
                        operators.Add("+");
                        break;
                    case Assign { Target: VariableRef t } a when t.Variable == variable:
                        operators.Add(a.Operator);
                        break;
                }
            }

            return operators.Count == 1 && operators.Single() is "+" or "-" ? operators.Single() : null;
        }

        private static bool FirstMentionAssigns(List<Code> statements, int variable)
        {
            foreach (Code statement in statements)
            {
                if (CodeWalker.Expressions(statement).Any(e => Mentions(e, variable)))
                {
                    return statement is Assign { Operator: "", Target: VariableRef target } assign && target.Variable == variable
                        && !Mentions(assign.Value, variable);
                }
            }

            return false;
        }

        /// <summary>
        /// The accumulations into a buffer as one group: one base, offsets whose spread a Vector512 of the type covers
        /// (the lanes rotate by at most that much); null when they do not form one.
        /// </summary>
        private static (Expr? Base, int Least, int Most)? Group(List<Code> statements, int buffer, int counter, HashSet<int> written, ScalarType type)
        {
            Expr? common = null;
            int least = int.MaxValue, most = int.MinValue;
            bool first = true;
            foreach (Code statement in statements)
            {
                Expr? target = statement switch { Accumulate a => a.Target, Assign { Operator: "+" or "-" } a => a.Target, _ => null };
                if (target is not ElementRef element || element.Buffer != buffer)
                {
                    continue;
                }

                if (PlaceOf(element, counter, written) is not Place place || (!first && !Equals(place.Base, common)))
                {
                    return null;
                }

                common = place.Base;
                first = false;
                least = System.Math.Min(least, place.Offset);
                most = System.Math.Max(most, place.Offset);
            }

            return first || most - least >= LaneCountOf(type, LocalShape.Vector512) ? null : (common, least, most);
        }

        /// <summary><c>c + base + offset</c> (in any order) with base invariant: where a per-iteration element is.</summary>
        private static Place? PlaceOf(ElementRef element, int counter, HashSet<int> written)
        {
            if (!LoopDirection.CounterPlusInvariant(element.Index, counter, written))
            {
                return null;
            }

            int offset = 0;
            Expr? rest = null;
            foreach ((Expr term, int sign) in LoopDirection.SignedTerms(element.Index))
            {
                if (term is VariableRef v && v.Variable == counter)
                {
                    continue;
                }

                if (term is Literal { Type: ScalarType.Int } literal && int.TryParse(literal.Code, out int value))
                {
                    offset += sign * value;
                }
                else
                {
                    rest = rest is null
                        ? (sign > 0 ? term : new Unary(ScalarType.Int, "-", term))
                        : new Binary(ScalarType.Int, sign > 0 ? "+" : "-", rest, term);
                }
            }

            return new Place(element.Buffer, rest, offset);
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

        private static bool Mentions(Expr expr, int variable) => ExprWalker.Any(expr, e => e is VariableRef v && v.Variable == variable);

        private bool IsPerIteration(ElementRef element) => LoopDirection.CounterPlusInvariant(element.Index, _loop.Counter, _facts.Written);

        private bool IsInvariant(Expr expr) =>
            !ExprWalker.Any(expr, e => (e is VariableRef v && (_facts.Written.Contains(v.Variable) || v.Variable == _loop.Counter))
                || (e is ElementRef element && _facts.WrittenBuffers.Contains(element.Buffer)));

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
            LocalShape[] widths = Widths();
            Code? chain = null;
            for (int i = widths.Length - 1; i >= 0; i--)
            {
                var lanes = new Lanes(this, widths[i], counter, locals);
                Sequence block = lanes.Loop();
                chain = new If(lanes.Guard(new Accelerated(widths[i])), block, chain is null ? null : new Sequence(new[] { chain }.ToEquatableArray()));
            }

            return new Sequence(new Code[] { new Declare(from, _loop.Start), chain!, _loop with { Start = counter } }.ToEquatableArray());
        }

        /// <summary>The vector loop of one width, and the code around it (broadcasts before, sums and carries after).</summary>
        private sealed class Lanes
        {
            private readonly Plan _plan;
            private readonly LocalShape _width;
            private readonly VariableRef _from;
            private readonly List<Local> _locals;
            private readonly List<Code> _before = new();
            private readonly Dictionary<int, int> _vectors = new();
            private readonly Dictionary<Expr, int> _splats = new();
            private readonly Dictionary<(int Buffer, int Offset), List<Expr>> _contributions = new();
            private readonly LaneCount _lanes;
            private readonly List<SpanOf> _spans = new();

            public Lanes(Plan plan, LocalShape width, VariableRef from, List<Local> locals)
            {
                _plan = plan;
                _width = width;
                _from = from;
                _locals = locals;
                _lanes = new LaneCount(plan._type, width);
            }

            private ScalarType Type => _plan._type;

            public Sequence Loop()
            {
                var after = new List<Code>();
                foreach (KeyValuePair<int, string> reduction in _plan._reductions.OrderBy(r => r.Key))
                {
                    int accumulator = VectorOf(reduction.Key);
                    _before.Add(new Declare(accumulator, new Broadcast(Type, _width, Zero())));
                    var sum = new SumLanes(Type, _width, new VariableRef(Type, accumulator));
                    var scalar = new VariableRef(Type, reduction.Key);
                    after.Add(_locals[reduction.Key].Role == LocalRole.Primal
                        ? new Assign(scalar, reduction.Value, sum)
                        : reduction.Value == "+" ? new Accumulate(scalar, sum) : new Assign(scalar, "-", sum));
                }

                var declared = new HashSet<int>();
                var body = new List<Code>(Body(_plan._loop.Body, declared).Items);
                body.AddRange(AccumulateGroups(after));

                // Lanes while a whole vector fits (and, where a scalar must end with the last iteration's value, one
                // iteration is left to the scalar loop).
                Expr last = new Binary(ScalarType.Int, "-", _plan._end, _lanes);
                var loop = new LoopCode(LoopForm.For, -1, null, new Binary(ScalarType.Bool, _plan._keepLastIteration ? "<" : "<=", _from, last),
                    new Sequence(new Code[] { new Assign(_from, "+", _lanes) }.ToEquatableArray()),
                    new Sequence(body.ToEquatableArray()), _plan._loop.Origin, _plan._loop.Sweep);
                return new Sequence(_before.Append(loop).Concat(after).ToEquatableArray());
            }

            private int VectorOf(int scalar)
            {
                if (!_vectors.TryGetValue(scalar, out int vector))
                {
                    Local original = _locals[scalar];
                    vector = Add(original.Role is LocalRole.Adjoint or LocalRole.Tangent or LocalRole.AdjointTangent
                        ? original with { Stem = original.Stem + "Lanes", Shape = _width, Numbered = true }
                        : new Local((original.Role == LocalRole.Primal ? "_" : "") + original.Stem.TrimStart('@') + "Lanes", Type, _width, LocalRole.Temporary));
                    _vectors[scalar] = vector;
                }

                return vector;
            }

            private int Add(Local local) => Vectorize.Add(_locals, local);

            private Sequence Body(Sequence body, HashSet<int> declared) => CodeWalker.RewriteSequence(body, code => code switch
            {
                // A scalar the loop overwrites before reading becomes a vector declared where it is first assigned.
                Assign { Target: VariableRef target, Operator: "" } assign when _plan._vectorLocals.Contains(target.Variable) && declared.Add(target.Variable) =>
                    new Declare(VectorOf(target.Variable), Vector(assign.Value)),
                Declare declare => new Declare(VectorOf(declare.Local), Vector(declare.Value!)),
                Assign { Target: VariableRef target } assign when _plan._reductions.ContainsKey(target.Variable) =>
                    new Assign(Ref(VectorOf(target.Variable)), "+", Vector(assign.Value)),
                Accumulate { Target: VariableRef target } accumulate when _plan._reductions.ContainsKey(target.Variable) =>
                    new Assign(Ref(VectorOf(target.Variable)), "+", Vector(accumulate.Value)),
                Assign { Target: VariableRef target } assign => new Assign(Ref(VectorOf(target.Variable)), assign.Operator, Vector(assign.Value)),
                Accumulate { Target: VariableRef target } accumulate => new Assign(Ref(VectorOf(target.Variable)), "+", Vector(accumulate.Value)),
                Accumulate { Target: ElementRef element } accumulate when _plan._groups.ContainsKey(element.Buffer) => Contribute(element, Vector(accumulate.Value)),
                Assign { Target: ElementRef element, Operator: "+" } assign when _plan._groups.ContainsKey(element.Buffer) => Contribute(element, Vector(assign.Value)),
                Assign { Target: ElementRef element, Operator: "-" } assign when _plan._groups.ContainsKey(element.Buffer) =>
                    Contribute(element, new Unary(Type, "-", Vector(assign.Value))),
                Assign { Target: ElementRef element, Operator: "" } assign => new StoreVector(_width, Vector(assign.Value), Slice(element)),
                Assign { Target: ElementRef element } assign => Store(element, assign.Operator, Vector(assign.Value)),
                Accumulate { Target: ElementRef element } accumulate => Store(element, "+", Vector(accumulate.Value)),
                _ => code,
            });

            /// <summary>A contribution to an accumulated buffer, kept in a vector until the group's one update at the end of the body.</summary>
            private Code Contribute(ElementRef element, Expr value)
            {
                Place place = PlaceOf(element, _plan._loop.Counter, _plan._facts.Written)!.Value;
                int contribution = Add(new Local("_add", Type, _width, LocalRole.Temporary));
                if (!_contributions.TryGetValue((place.Buffer, place.Offset), out List<Expr>? list))
                {
                    list = new List<Expr>();
                    _contributions[(place.Buffer, place.Offset)] = list;
                }

                list.Add(Ref(contribution));
                return new Declare(contribution, value);
            }

            /// <summary>
            /// Each accumulated buffer read and written once: the contributions at its least offset as they are, those
            /// s elements further rotated s lanes up, their top s lanes carried into the next vector.
            /// </summary>
            private List<Code> AccumulateGroups(List<Code> after)
            {
                var code = new List<Code>();
                foreach (KeyValuePair<int, (Expr? Base, int Least, int Most)> group in _plan._groups.OrderBy(g => g.Key))
                {
                    int buffer = group.Key;
                    (Expr? offsetBase, int least, int most) = group.Value;
                    Expr? total = null;
                    for (int offset = least; offset <= most; offset++)
                    {
                        if (!_contributions.TryGetValue((buffer, offset), out List<Expr>? parts))
                        {
                            continue;
                        }

                        Expr sum = parts.Aggregate((a, b) => new Binary(Type, "+", a, b));
                        int shift = offset - least;
                        if (shift > 0)
                        {
                            sum = Rotated(sum, shift, code, after, buffer, offsetBase, least);
                        }

                        total = total is null ? sum : new Binary(Type, "+", total, sum);
                    }

                    Expr slice = LanesOf(buffer, Index(offsetBase, _from, least));
                    code.Add(new StoreVector(_width, new Binary(Type, "+", new LoadVector(Type, _width, slice), total!), slice));
                }

                return code;
            }

            /// <summary>
            /// The vector of contributions s elements on: rotated s lanes up, the s lanes that wrap round replaced by those
            /// the previous vector carried; what this one carries is added after the loop, into the s elements past the last vector.
            /// </summary>
            private Expr Rotated(Expr contributions, int shift, List<Code> code, List<Code> after, int buffer, Expr? offsetBase, int least)
            {
                ScalarType index = Type == ScalarType.Float ? ScalarType.Int : ScalarType.Long;
                int lanes = LaneCountOf(Type, _width);
                Literal Constant(int value) => index == ScalarType.Int ? Int(value) : Recognition.MethodRecognizer.Constant(ScalarType.Long, (long)value);

                // Lane j takes lane j − s (mod lanes); lanes below s come from the carry.
                Expr permutation = Splat(new Binary(index, "&",
                    new Binary(index, "-", new LaneIndices(index, _width), new Broadcast(index, _width, Constant(shift))),
                    new Broadcast(index, _width, Constant(lanes - 1))));
                Expr carried = Splat(new VectorCall(Type, _width, Type == ScalarType.Float ? "AsSingle" : "AsDouble", new Expr[]
                {
                    new VectorCall(index, _width, "LessThan", new Expr[] { new LaneIndices(index, _width), new Broadcast(index, _width, Constant(shift)) }.ToEquatableArray()),
                }.ToEquatableArray()));
                int carry = Add(new Local("_carry", Type, _width, LocalRole.Temporary));
                _before.Add(new Declare(carry, new Broadcast(Type, _width, Zero())));
                int rotated = Add(new Local("_rotated", Type, _width, LocalRole.Temporary));
                code.Add(new Declare(rotated, new VectorCall(Type, _width, "Shuffle", new[] { contributions, permutation }.ToEquatableArray())));
                int merged = Add(new Local("_add", Type, _width, LocalRole.Temporary));
                code.Add(new Declare(merged, new VectorCall(Type, _width, "ConditionalSelect", new[] { carried, Ref(carry), Ref(rotated) }.ToEquatableArray())));
                code.Add(new Assign(Ref(carry), "", Ref(rotated)));

                // After the last vector: its carried lanes go into the s elements that follow it (if any vector ran).
                var flush = new List<Code>();
                for (int lane = 0; lane < shift; lane++)
                {
                    flush.Add(new Accumulate(new ElementRef(Type, buffer, Index(offsetBase, _from, least + lane)),
                        new VectorCall(Type, _width, "GetElement", new Expr[] { Ref(carry), Int(lane) }.ToEquatableArray())));
                }

                after.Add(new If(new Binary(ScalarType.Bool, ">", _from, _plan._loop.Start!), new Sequence(flush.ToEquatableArray()), null));
                return Ref(merged);
            }

            private Code Store(ElementRef element, string op, Expr value)
            {
                Expr slice = Slice(element);
                return new StoreVector(_width, new Binary(Type, op, new LoadVector(Type, _width, slice), value), slice);
            }

            private Expr Vector(Expr expr) => expr switch
            {
                Literal literal => new Broadcast(Type, _width, literal),
                VariableRef variable when _plan._vectorLocals.Contains(variable.Variable) => Ref(VectorOf(variable.Variable)),
                ElementRef element when _plan.IsPerIteration(element) => new LoadVector(Type, _width, Slice(element)),
                Binary binary => binary with { Left = Vector(binary.Left), Right = Vector(binary.Right) },
                Unary unary => unary with { Operand = Vector(unary.Operand) },
                _ => Splat(new Broadcast(Type, _width, expr)),
            };

            /// <summary>A vector that does not change in the loop, computed once before it.</summary>
            private Expr Splat(Expr invariant)
            {
                if (!_splats.TryGetValue(invariant, out int splat))
                {
                    splat = Add(new Local("_splat", invariant.Type, _width, LocalRole.Temporary));
                    _splats[invariant] = splat;
                    _before.Add(new Declare(splat, invariant));
                }

                return new VariableRef(invariant.Type, splat);
            }

            /// <summary>The lanes of a per-iteration element from the vector loop's counter on: <c>buffer.Slice(offset + k, lanes)</c>.</summary>
            private Expr Slice(ElementRef element) =>
                LanesOf(element.Buffer, ExprWalker.Rewrite(element.Index, e => e is VariableRef v && v.Variable == _plan._loop.Counter ? _from : null));

            /// <summary>A lane group's first element with the vector counter at <paramref name="counter"/>.</summary>
            private Expr At(Expr start, Expr counter)
            {
                Expr at = ExprWalker.Rewrite(start, e => e is VariableRef v && v.Variable == _from.Variable ? counter : null);
                // Where the loop starts at 0, "o * n + 0" reads as "o * n".
                return at is Binary { Operator: "+", Right: Literal { Code: "0" } } plusZero ? plusZero.Left : at;
            }

            private SpanOf LanesOf(int buffer, Expr start)
            {
                var span = new SpanOf(Type, buffer, start, _lanes);
                if (!_spans.Contains(span))
                {
                    _spans.Add(span);
                }

                return span;
            }

            /// <summary>
            /// The vector loop's condition: the hardware's, and every buffer it loads or stores holding the elements the
            /// scalar loop would touch, f(start) ≥ 0 and f(end) ≤ length for each index f = offset + k. The loads and
            /// stores are then printed without a check each (a slice per lane group costs the JIT locals enough to pass
            /// its limit of tracked locals in a product's loops); out of range, the scalar loop runs and throws where the
            /// user's code would.
            /// </summary>
            public Expr Guard(Expr accelerated)
            {
                var checks = new List<Expr>();
                void Check(Expr check)
                {
                    if (!checks.Contains(check))
                    {
                        checks.Add(check);
                    }
                }

                foreach (SpanOf span in _spans)
                {
                    Expr first = At(span.Start!, _plan._loop.Start!);
                    if (!(first is Literal { Code: var code } && int.TryParse(code, out int start) && start >= 0))
                    {
                        Check(new Binary(ScalarType.Bool, ">=", first, Int(0)));
                    }

                    Expr end = At(span.Start!, _plan._end);
                    if (end != new LengthOf(span.Buffer))
                    {
                        Check(new Binary(ScalarType.Bool, "<=", end, new LengthOf(span.Buffer)));
                    }
                }

                return checks.Aggregate(accelerated, (all, check) => new Binary(ScalarType.Bool, "&&", all, check));
            }

            private VariableRef Ref(int local) => new(_locals[local].Type, local);

            private Literal Zero() => Recognition.MethodRecognizer.Constant(Type, Type == ScalarType.Float ? (object)0f : 0d);
        }

        /// <summary><c>base + k + offset</c>.</summary>
        private static Expr Index(Expr? offsetBase, Expr counter, int offset)
        {
            Expr index = offsetBase is null ? counter : new Binary(ScalarType.Int, "+", offsetBase, counter);
            return offset == 0 ? index : new Binary(ScalarType.Int, offset > 0 ? "+" : "-", index, Int(System.Math.Abs(offset)));
        }
    }

    private static int Add(List<Local> locals, Local local)
    {
        locals.Add(local);
        return locals.Count - 1;
    }

    private static Literal Int(int value) => Recognition.MethodRecognizer.Constant(ScalarType.Int, value);
}
