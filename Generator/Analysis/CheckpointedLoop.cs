using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Analysis;

/// <summary>
/// Which loop [Differentiable(Checkpoint = …)] checkpoints, and whether it can be: a top-level canonical <c>for</c> (the
/// only one, or the one whose counter CheckpointLoop names) counting up by 1 with <c>&lt;</c> or <c>&lt;=</c> to a bound
/// and from a start it does not assign, so the schedule knows the number of iterations when the loop starts, and with
/// no <c>break</c>, <c>continue</c> or <c>return</c> that leaves an iteration early. Otherwise SG0033, SG0035 or SG0036.
/// </summary>
internal static class CheckpointedLoop
{
    /// <summary>The loop to checkpoint (null when the method does not ask for checkpointing, or cannot have it: then <paramref name="error"/> says why).</summary>
    public static Loop? Find(MethodModel method, out DiagnosticInfo? error)
    {
        error = null;
        if (method.Checkpoint == CheckpointKind.None)
        {
            return null;
        }

        Loop[] loops = method.Body.Statements.OfType<Loop>().Where(l => l.Kind == LoopKind.For).ToArray();
        Loop? loop;
        if (method.CheckpointLoop is string name)
        {
            loop = loops.FirstOrDefault(l => l.Counter is { } counter && method.Variables[counter.Variable].Name == name);
            if (loop is null)
            {
                error = Error(DiagnosticDescriptors.CheckpointNeedsLoop, method.Location, method.Name,
                    $"CheckpointLoop = \"{name}\" names the counter of none of its top-level 'for' loops");
                return null;
            }
        }
        else if (loops.Length != 1)
        {
            error = Error(DiagnosticDescriptors.CheckpointNeedsLoop, method.Location, method.Name,
                loops.Length == 0 ? "its body has no top-level 'for' loop" : $"its body has {loops.Length} top-level 'for' loops and CheckpointLoop names none of them");
            return null;
        }
        else
        {
            loop = loops[0];
        }

        if (Shape(method, loop) is string problem)
        {
            error = Error(DiagnosticDescriptors.CheckpointLoopShape, loop.Location, Header(loop), problem);
            return null;
        }

        if (FirstExit(loop.Body, depth: 0) is Jump jump)
        {
            error = Error(DiagnosticDescriptors.CheckpointLoopExit, jump.Location, jump.Source, Header(loop));
            return null;
        }

        return loop;
    }

    /// <summary>The loop's first line (its header), for messages.</summary>
    private static string Header(Loop loop)
    {
        int brace = loop.Source.IndexOf('{');
        return (brace > 0 ? loop.Source.Substring(0, brace) : loop.Source).Trim();
    }

    private static string? Shape(MethodModel method, Loop loop)
    {
        if (loop.Counter is not { Step: 1 } counter)
        {
            return loop.Counter is null ? "has no int counter of its own" : "does not count up by 1";
        }

        if (loop.Condition is not Binary { Operator: "<" or "<=" } comparison
            || comparison.Left is not VariableRef left || left.Variable != counter.Variable)
        {
            return "has no condition 'counter < bound' or 'counter <= bound'";
        }

        var assigned = new HashSet<int>();
        Assigned(loop.Body, assigned);
        var bound = new HashSet<int>();
        StatementIndex.Reads(comparison.Right, bound);
        StatementIndex.Reads(counter.Start, bound);
        foreach (int variable in bound)
        {
            if (assigned.Contains(variable))
            {
                return $"assigns '{method.Variables[variable].Name}', which its bounds read";
            }
        }

        return null;
    }

    /// <summary>The variables the statements under <paramref name="root"/> assign (declarations and call results included).</summary>
    private static void Assigned(Statement root, HashSet<int> into)
    {
        var statements = new List<Statement>();
        SavePlan.Flatten(root, statements);
        foreach (Statement statement in statements)
        {
            switch (statement)
            {
                case Assignment { Target: VariableRef target }:
                    into.Add(target.Variable);
                    break;
                case Declaration declaration:
                    into.Add(declaration.Variable);
                    break;
                case CallStatement call:
                    into.Add(call.ResultVariable);
                    break;
            }
        }
    }

    /// <summary>The first jump that ends an iteration of the loop early: a return anywhere, a break or continue of the loop itself.</summary>
    private static Jump? FirstExit(Statement statement, int depth) => statement switch
    {
        Jump { Kind: JumpKind.Return } jump => jump,
        Jump jump when depth == 0 => jump,
        Block block => block.Statements.Select(s => FirstExit(s, depth)).FirstOrDefault(j => j is not null),
        IfStatement conditional => FirstExit(conditional.Then, depth) ?? (conditional.Else is null ? null : FirstExit(conditional.Else, depth)),
        Loop inner => FirstExit(inner.Body, depth + 1),
        _ => null,
    };

    private static DiagnosticInfo Error(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor.Id, location, arguments.ToEquatableArray());
}
