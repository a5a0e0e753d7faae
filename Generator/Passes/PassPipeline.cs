using System;
using System.Collections.Generic;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Passes;

/// <summary>
/// The passes over the adjoint program, in the order they run; each is one file, and its tests show a program before
/// and after it (Tests/SourceGrad.Generator.Tests/Passes). <see cref="SaveStorage"/> is the one that must run: it
/// lowers the saves the others reason about into locals, buffers and stacks.
/// </summary>
internal static class PassPipeline
{
    public static IReadOnlyList<(string Name, Func<AdjointProgram, AdjointProgram> Run)> Passes { get; } = new (string, Func<AdjointProgram, AdjointProgram>)[]
    {
        (nameof(DeadCode), DeadCode.Run),
        (nameof(ForwardReuse), ForwardReuse.Run),
        (nameof(CopyPropagation), CopyPropagation.Run),
        (nameof(LoopScopedAdjoints), LoopScopedAdjoints.Run),
        (nameof(SaveStorage), SaveStorage.Run),
        (nameof(LoopDirection), LoopDirection.Run),
        ("DeadCode after storage", DeadCode.Run),
        (nameof(Vectorize), Vectorize.Run),
        (nameof(Slices), Slices.Run),
        (nameof(FirstContribution), FirstContribution.Run),
    };

    /// <summary>The optimisation stage: every pass over the method's program (a bug becomes a diagnostic on the method).</summary>
    public static DifferentiatedMethod? Optimize(DifferentiatedMethod? method)
    {
        if (method?.Program is not AdjointProgram program)
        {
            return method;
        }

        try
        {
            return method with { Program = Run(program, vectorize: method.Method.Vectorize) };
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return Differentiation.GradientDifferentiation.Failed(method.Method, exception);
        }
    }

    /// <summary>
    /// Runs every pass (<see cref="Vectorize"/> only when <paramref name="vectorize"/>, from [Differentiable(Vectorize = …)]);
    /// or, for tests, those before <paramref name="stopBefore"/>, or up to and with <paramref name="stopAfter"/>.
    /// </summary>
    public static AdjointProgram Run(AdjointProgram program, string? stopBefore = null, string? stopAfter = null, bool vectorize = true)
    {
        foreach ((string name, Func<AdjointProgram, AdjointProgram> run) in Passes)
        {
            if (name == stopBefore)
            {
                break;
            }

            if (name == nameof(Vectorize) && !vectorize)
            {
                continue;
            }

            program = run(program);
            if (name == stopAfter)
            {
                break;
            }
        }

        return program;
    }
}
