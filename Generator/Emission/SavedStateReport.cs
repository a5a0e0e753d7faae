using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SourceGrad.Generator.Analysis;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Emission;

/// <summary>
/// The saved-bytes report, written from <see cref="SavedState"/>: what a gradient keeps from its forward sweep for its
/// reverse sweep, in bytes, as a formula in the method's sizes. A scalar is its size; a buffer is its element size times
/// its length as the forward sweep computes it; a save stack is its element size per value pushed, counted per iteration
/// of the loop that pushes. The same text goes into the info diagnostic SG0037, the doc comment of <c>MGradient</c> and,
/// field by field, that of split mode's <c>MSaved</c>.
/// </summary>
internal static class SavedStateReport
{
    /// <summary>The report of one gradient: its formula, and what it is made of.</summary>
    public sealed record Report(string Formula, string Parts);

    /// <summary>The lines of <c>MSaved</c>'s doc comment, one per field, each named as the saved state names it.</summary>
    public static List<string> Lines(SplitProgram split, MethodModel method, ProgramPrinter printer)
    {
        var lines = new List<string>();
        foreach (SavedItem item in SavedState.Of(split, method))
        {
            Local local = split.Program.Locals[item.Local];
            string name = $"<c>{ExpressionPrinter.FieldName(printer.NameOf(item.Local))}</c>";
            string element = ExpressionPrinter.TypeName(local.Type);
            string bytes = Xml(Bytes(item, printer));
            lines.Add(item.Shape switch
            {
                LocalShape.CalleeState => $"{name}: the saved state of a call of <c>{KeptCallee(local)}</c> (see <c>{KeptCallee(local)}Saved</c>)",
                LocalShape.CalleeStateStack => $"{name}: the saved states of the calls of <c>{KeptCallee(local)}</c> in a loop, one per call, on a pooled stack (see <c>{KeptCallee(local)}Saved</c>)",
                LocalShape.PooledBuffer => $"{name}: {bytes}, a pooled buffer of {element}",
                LocalShape.SaveStack => $"{name}: {bytes}, pooled (a stack of {element}, at least 256 values once used)",
                LocalShape.Array => $"{name}: {bytes}, the method's own {element}[]",
                _ => $"{name}: {bytes} ({element})",
            });
        }

        return lines;
    }

    /// <summary>The whole report: the formula summed over the fields, and the fields described by what they hold.</summary>
    public static Report Of(SplitProgram split, MethodModel method, ProgramPrinter printer)
    {
        var total = new Dictionary<string, Terms> { [""] = new Terms() };
        var order = new List<string> { "" };
        var parts = new Dictionary<string, Dictionary<string, Terms>>();
        var partOrder = new List<string>();
        var callees = new List<string>();
        foreach (SavedItem item in SavedState.Of(split, method))
        {
            if (KeptCallee(split.Program.Locals[item.Local]) is { } callee)
            {
                // A callee's kept state is counted by the callee's own report, per call.
                if (!callees.Contains(callee))
                {
                    callees.Add(callee);
                }

                continue;
            }

            string what = Describe(split.Program.Locals[item.Local], printer.NameOf(item.Local));
            if (!parts.TryGetValue(what, out Dictionary<string, Terms>? own))
            {
                own = new Dictionary<string, Terms>();
                parts[what] = own;
                partOrder.Add(what);
            }

            foreach ((string per, Terms terms) in Contributions(item, printer))
            {
                Into(total, order, per).Add(terms);
                Into(own, null, per).Add(terms);
            }
        }

        if (total[""].IsEmpty && order.Count > 1)
        {
            order.Remove("");
        }

        List<string> formula = Phrases(total, order);
        formula.AddRange(callees.Select(c => $"the saved state of each call of '{c}' (what {c}Forward keeps: its own report)"));
        var described = partOrder.Select(what => what + " " + string.Join(" + ", Phrases(parts[what], parts[what].Keys.ToList()))).ToList();
        described.AddRange(callees.Select(c => $"{c}'s saved states"));
        string text = described.Count == 0 ? "nothing" : string.Join(", ", described);
        if (split.Program.Locals.Any(l => l.Shape == LocalShape.CheckpointSchedule) && Snapshots(method) is { } snapshots)
        {
            text += "; " + snapshots;
        }

        return new Report(string.Join(", plus ", formula), text);
    }

    /// <summary>How many snapshots a checkpointed loop's schedule takes, in the attribute's terms (N: the loop's iterations).</summary>
    private static string? Snapshots(MethodModel method) => method.Checkpoint switch
    {
        CheckpointKind.Binomial => $"snapshots: at most {method.Snapshots} (min(Snapshots, ⌈N / L⌉ − 1), N the loop's iterations, recorded L = max(1, min(8·Snapshots, N / (16·Snapshots))) at a time)",
        CheckpointKind.SqrtN => "snapshots: ⌈N / ⌈√N⌉⌉ − 1 (N the loop's iterations, recorded ⌈√N⌉ at a time)",
        _ => null,
    };

    /// <summary>The callee whose saved state a local keeps (a call that keeps its callee's internals), or null.</summary>
    private static string? KeptCallee(Local local) =>
        local.Shape is LocalShape.CalleeState or LocalShape.CalleeStateStack ? local.Callee : null;

    /// <summary>Text for a doc comment, XML escaped.</summary>
    public static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>The bytes of one field, as text.</summary>
    private static string Bytes(SavedItem item, ProgramPrinter printer)
    {
        var sums = new Dictionary<string, Terms>();
        var order = new List<string>();
        foreach ((string per, Terms terms) in Contributions(item, printer))
        {
            Into(sums, order, per).Add(terms);
        }

        return string.Join(" + ", Phrases(sums, order));
    }

    /// <summary>The bytes of one field: per call (key ""), or per iteration of a loop (key: the loop, "up to " first when conditional).</summary>
    private static List<(string Per, Terms Terms)> Contributions(SavedItem item, ProgramPrinter printer)
    {
        var result = new List<(string Per, Terms Terms)>();
        if (item.Shape != LocalShape.SaveStack)
        {
            var terms = new Terms();
            terms.Add(item.ElementSize, Count(item, printer));
            result.Add(("", terms));
            return result;
        }

        foreach (IGrouping<string, SavedPush> site in item.Pushes.GroupBy(p => p.Loop is null ? "" : (p.Conditional ? "up to " : "") + p.Loop))
        {
            var terms = new Terms();
            foreach (SavedPush push in site)
            {
                terms.Add(item.ElementSize, push.Count is null ? Polynomial.One : Polynomial.Of(push.Count, printer));
            }

            result.Add((site.Key, terms));
        }

        if (result.Count == 0)
        {
            result.Add(("", new Terms()));
        }

        return result;
    }

    private static Terms Into(Dictionary<string, Terms> sums, List<string>? order, string per)
    {
        if (!sums.TryGetValue(per, out Terms? terms))
        {
            terms = new Terms();
            sums[per] = terms;
            order?.Add(per);
        }

        return terms;
    }

    /// <summary>
    /// The sums as phrases, in order: <c>8·n + 4 bytes</c> per call (key ""), <c>4 bytes per iteration of 'loop'</c>, with
    /// what a branch may push in the loop as a range (<c>between 4 and 12 bytes per iteration …</c>, or <c>up to 8 bytes …</c>).
    /// </summary>
    private static List<string> Phrases(Dictionary<string, Terms> sums, List<string> order)
    {
        const string UpTo = "up to ";
        var phrases = new List<string>();
        foreach (string per in order)
        {
            if (per.Length == 0)
            {
                phrases.Add(sums[per] + " bytes");
                continue;
            }

            bool conditional = per.StartsWith(UpTo, System.StringComparison.Ordinal);
            string loop = conditional ? per.Substring(UpTo.Length) : per;
            if (conditional && sums.ContainsKey(loop))
            {
                continue;
            }

            Terms? sure = conditional ? null : sums[per];
            Terms? maybe = sums.TryGetValue(UpTo + loop, out Terms? m) ? m : null;
            string amount;
            if (maybe is null)
            {
                amount = sure!.ToString();
            }
            else
            {
                var most = new Terms();
                most.Add(maybe);
                if (sure is not null)
                {
                    most.Add(sure);
                }

                amount = sure is null ? UpTo + most : $"between {sure} and {most}";
            }

            phrases.Add($"{amount} bytes per iteration of '{loop}'");
        }

        return phrases;
    }

    /// <summary>The number of values a field other than a stack holds.</summary>
    private static Polynomial Count(SavedItem item, ProgramPrinter printer) => item.Shape switch
    {
        LocalShape.Vector512 => Polynomial.Constant(64 / item.ElementSize),
        LocalShape.Vector256 => Polynomial.Constant(32 / item.ElementSize),
        LocalShape.Vector => Polynomial.Atom($"Vector<{ExpressionPrinter.TypeName(item.ElementSize == 8 ? ScalarType.Double : ScalarType.Float)}>.Count"),
        LocalShape.PooledBuffer or LocalShape.Array when item.Length is not null => Polynomial.Of(item.Length, printer),
        LocalShape.PooledBuffer or LocalShape.Array => Polynomial.Atom("n"),
        _ => Polynomial.One,
    };

    /// <summary>What a field holds, for a reader who has not seen the generated code.</summary>
    private static string Describe(Local local, string printed)
    {
        string type = ExpressionPrinter.TypeName(local.Type);
        string stem = local.Stem.TrimStart('_', '@');
        return local switch
        {
            { Role: LocalRole.Primal } => printed,
            { Shape: LocalShape.SaveStack } => $"{type} stack",
            { Shape: LocalShape.PooledBuffer } when stem == "slotsBuffer" => $"{type}s saved by iteration",
            { Shape: LocalShape.PooledBuffer } when stem.EndsWith("Pooled", System.StringComparison.Ordinal) => stem.Substring(0, stem.Length - "Pooled".Length),
            { Shape: LocalShape.Scalar } when stem == "trips" => "trip counts",
            { Shape: LocalShape.Scalar } when stem == "exit" => "exit codes",
            { Shape: LocalShape.Scalar } when stem is "saved" or "e" => "saved values",
            _ => stem,
        };
    }

    /// <summary>A sum of bytes: polynomials in the sizes with byte coefficients, written <c>8·n + 4</c>.</summary>
    private sealed class Terms
    {
        private readonly Polynomial _sum = new();

        public bool IsEmpty => _sum.IsZero;

        public void Add(long bytes, Polynomial count) => _sum.Add(count, bytes);

        public void Add(Terms other) => _sum.Add(other._sum, 1);

        public override string ToString() => _sum.ToString();
    }

    /// <summary>
    /// An integer polynomial in the method's sizes: monomials of atoms (a length, a parameter, an expression the
    /// polynomial cannot take apart) with coefficients. <c>Max(0, e)</c> is <c>e</c> when <c>e</c> cannot be negative
    /// (lengths with non-negative coefficients), else an atom.
    /// </summary>
    private sealed class Polynomial
    {
        private readonly List<string> _order = new();
        private readonly Dictionary<string, long> _coefficients = new();

        public static Polynomial One => Constant(1);

        public bool IsZero => _coefficients.Values.All(c => c == 0);

        public static Polynomial Constant(long value)
        {
            var p = new Polynomial();
            p.AddMonomial("", value);
            return p;
        }

        public static Polynomial Atom(string atom)
        {
            var p = new Polynomial();
            p.AddMonomial(atom, 1);
            return p;
        }

        public static Polynomial Of(Expr expr, ProgramPrinter printer)
        {
            switch (expr)
            {
                case Literal literal when long.TryParse(literal.Code.TrimEnd('L', 'l'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value):
                    return Constant(value);
                case Binary { Operator: "+" or "-" or "*" } binary:
                {
                    Polynomial left = Of(binary.Left, printer), right = Of(binary.Right, printer);
                    if (binary.Operator == "*")
                    {
                        return left.Times(right);
                    }

                    left.Add(right, binary.Operator == "+" ? 1 : -1);
                    return left;
                }

                case Unary { Operator: "-" } negation:
                {
                    var result = new Polynomial();
                    result.Add(Of(negation.Operand, printer), -1);
                    return result;
                }

                case Conversion conversion:
                    return Of(conversion.Operand, printer);
                case Intrinsic { Name: "Max", Arguments.Count: 2 } max when max.Arguments[0] is Literal { Code: "0" }:
                {
                    Polynomial inner = Of(max.Arguments[1], printer);
                    return inner.IsNonNegative ? inner : Atom($"max(0, {inner})");
                }

                // A checkpointed loop's schedule, in the user's terms: its snapshots, a binomial run's length, a √N segment's.
                case MemberOf { Member: "SnapshotCount" }:
                    return Atom("snapshots");
                case Invocation { Method: Differentiation.ReverseMode.RecordLengthMethod, Arguments.Count: 2 } run when run.Arguments[1] is Literal { Code: var snapshots }
                    && long.TryParse(snapshots, NumberStyles.None, CultureInfo.InvariantCulture, out long s):
                    return Atom($"max(1, min({8 * s}, {Of(run.Arguments[0] is Intrinsic { Name: "Max" } nonNegative ? nonNegative.Arguments[1] : run.Arguments[0], printer)} / {16 * s}))");
                case Invocation { Method: Differentiation.ReverseMode.SegmentLengthMethod, Arguments.Count: 1 } segment:
                    return Atom($"⌈√{Of(segment.Arguments[0] is Intrinsic { Name: "Max" } positive ? positive.Arguments[1] : segment.Arguments[0], printer)}⌉");
                default:
                    return Atom(printer.PrintExpression(expr).Replace("global::System.", ""));
            }
        }

        /// <summary>Every coefficient is non-negative and every atom a length.</summary>
        private bool IsNonNegative => _coefficients.All(c => c.Value >= 0
            && (c.Key.Length == 0 || c.Key.Split('·').All(a => a.EndsWith(".Length", System.StringComparison.Ordinal))));

        public void Add(Polynomial other, long times)
        {
            foreach (string monomial in other._order)
            {
                AddMonomial(monomial, other._coefficients[monomial] * times);
            }
        }

        private Polynomial Times(Polynomial other)
        {
            var result = new Polynomial();
            foreach (string a in _order)
            {
                foreach (string b in other._order)
                {
                    string monomial = string.Join("·", a.Split('·').Concat(b.Split('·')).Where(x => x.Length > 0).OrderBy(x => x, System.StringComparer.Ordinal));
                    result.AddMonomial(monomial, _coefficients[a] * other._coefficients[b]);
                }
            }

            return result;
        }

        private void AddMonomial(string monomial, long coefficient)
        {
            if (!_coefficients.ContainsKey(monomial))
            {
                _order.Add(monomial);
                _coefficients[monomial] = 0;
            }

            _coefficients[monomial] += coefficient;
        }

        public override string ToString()
        {
            var terms = new List<string>();
            foreach (string monomial in _order.Where(m => m.Length > 0 && _coefficients[m] != 0))
            {
                long c = _coefficients[monomial];
                string atoms = monomial.Contains(' ') && !monomial.StartsWith("max(", System.StringComparison.Ordinal) ? $"({monomial})" : monomial;
                terms.Add(c == 1 ? atoms : c == -1 ? "-" + atoms : $"{c.ToString(CultureInfo.InvariantCulture)}·{atoms}");
            }

            long constant = _coefficients.TryGetValue("", out long k) ? k : 0;
            if (constant != 0 || terms.Count == 0)
            {
                terms.Add(constant.ToString(CultureInfo.InvariantCulture));
            }

            return string.Join(" + ", terms).Replace("+ -", "- ");
        }
    }
}
