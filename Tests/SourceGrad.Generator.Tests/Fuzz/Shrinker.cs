using System.Diagnostics;

namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>
/// Makes a failing program small: tries single edits (drop a helper or a statement, inline a branch, replace an
/// expression by one of its parts or a constant) and keeps each edit after which the program still fails the
/// same way, until no edit helps or the time is up. Each try compiles the program alone.
/// </summary>
internal static class Shrinker
{
    public static FuzzFailure Shrink(FuzzFailure failure, TimeSpan budget)
    {
        var clock = Stopwatch.StartNew();
        FuzzFailure smallest = failure;
        bool progress = true;
        while (progress && clock.Elapsed < budget)
        {
            progress = false;
            string current = smallest.Program.ClassSource();
            foreach (FuzzProgram candidate in Variants(smallest.Program))
            {
                if (clock.Elapsed >= budget)
                {
                    break;
                }

                if (candidate.ClassSource() == current)
                {
                    continue;
                }

                if (Reproduce(candidate) is { } again && Fingerprint(again) == Fingerprint(failure))
                {
                    smallest = again;
                    progress = true;
                    break;
                }
            }
        }

        return smallest;
    }

    /// <summary>
    /// What a smaller program must share with the failure to count as the same bug, so shrinking does not drift
    /// to another one: the kind, the first line of the detail without its numbers and names, and whether the
    /// gradient had a NaN.
    /// </summary>
    private static string Fingerprint(FuzzFailure failure)
    {
        string firstLine = failure.Detail.Split('\n')[0];
        string shape = System.Text.RegularExpressions.Regex.Replace(firstLine, @"[-\w.]*\d[-\w.]*|'[^']*'", "#");
        return $"{failure.Kind}|{shape}|{failure.Detail.Contains("generated NaN", StringComparison.Ordinal)}";
    }

    /// <summary>Compiles and checks the program alone; its failure, or null when it passes (or is skipped).</summary>
    public static FuzzFailure? Reproduce(FuzzProgram program)
    {
        var summary = new FuzzSummary();
        FuzzRunner.RunBatch([program], summary);
        return summary.Failures.FirstOrDefault();
    }

    /// <summary>Every program one edit away, bigger cuts first.</summary>
    public static IEnumerable<FuzzProgram> Variants(FuzzProgram program)
    {
        for (int h = 0; h < program.Helpers.Count; h++)
        {
            yield return program with { Helpers = program.Helpers.Where((_, k) => k != h).ToList() };
        }

        List<MethodSpec> methods = program.Methods.ToList();
        for (int k = 0; k < methods.Count; k++)
        {
            MethodSpec method = methods[k];
            IEnumerable<MethodSpec> edited = method.ExpressionBody is { } body
                ? Variants(body).Select(e => method with { ExpressionBody = e })
                : Variants(method.Body).Select(b => method with { Body = b });
            foreach (MethodSpec variant in edited)
            {
                yield return k == methods.Count - 1
                    ? program with { Main = variant }
                    : program with { Helpers = program.Helpers.Select((h, j) => j == k ? variant : h).ToList() };
            }
        }
    }

    private static IEnumerable<Block> Variants(Block block)
    {
        IReadOnlyList<Stmt> statements = block.Statements;
        Block Replace(int at, IEnumerable<Stmt> replacement) =>
            new(statements.Take(at).Concat(replacement).Concat(statements.Skip(at + 1)).ToList());

        for (int at = 0; at < statements.Count; at++)
        {
            if (!(statements[at] is LineStmt { Template: var t } && t.StartsWith("return", StringComparison.Ordinal) && at == statements.Count - 1))
            {
                yield return Replace(at, []);
            }
        }

        for (int at = 0; at < statements.Count; at++)
        {
            if (statements[at] is IfStmt branch)
            {
                yield return Replace(at, branch.Then.Statements);
                if (branch.Else is not null)
                {
                    yield return Replace(at, branch.Else.Statements);
                    yield return Replace(at, [branch with { Else = null }]);
                }
            }
        }

        for (int at = 0; at < statements.Count; at++)
        {
            foreach (Stmt variant in Variants(statements[at]))
            {
                yield return Replace(at, [variant]);
            }
        }
    }

    private static IEnumerable<Stmt> Variants(Stmt statement)
    {
        switch (statement)
        {
            case LineStmt line:
                foreach (Expr[] args in Variants(line.Args))
                {
                    yield return line with { Args = args };
                }

                break;
            case IfStmt branch:
                foreach (Block then in Variants(branch.Then))
                {
                    yield return branch with { Then = then };
                }

                if (branch.Else is not null)
                {
                    foreach (Block otherwise in Variants(branch.Else))
                    {
                        yield return branch with { Else = otherwise };
                    }
                }

                foreach (Expr condition in Variants(branch.Condition))
                {
                    yield return branch with { Condition = condition };
                }

                break;
            case LoopStmt loop:
                foreach (Block body in Variants(loop.Body))
                {
                    yield return loop with { Body = body };
                }

                foreach (Expr[] args in Variants(loop.HeaderArgs))
                {
                    yield return loop with { HeaderArgs = args };
                }

                break;
        }
    }

    private static IEnumerable<Expr[]> Variants(Expr[] args)
    {
        for (int k = 0; k < args.Length; k++)
        {
            foreach (Expr variant in Variants(args[k]))
            {
                Expr[] copy = (Expr[])args.Clone();
                copy[k] = variant;
                yield return copy;
            }
        }
    }

    /// <summary>Simpler expressions of the same kind: a part of it, or a constant; then the same with one argument simplified.</summary>
    private static IEnumerable<Expr> Variants(Expr e)
    {
        foreach (Expr arg in e.Args.Where(a => a.Kind == e.Kind))
        {
            yield return arg;
        }

        if (e.Args.Length > 0 || e.IsOperator)
        {
            switch (e.Kind)
            {
                case ValueKind.Double:
                    yield return Expr.Leaf("0.5", ValueKind.Double, 0.5);
                    break;
                case ValueKind.Bool:
                    yield return Expr.Leaf("true", ValueKind.Bool, 0);
                    yield return Expr.Leaf("false", ValueKind.Bool, 0);
                    break;
            }
        }

        foreach (Expr[] args in Variants(e.Args))
        {
            yield return e with { Args = args };
        }
    }
}
