using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Passes;

/// <summary>The optimisation passes over the adjoint program, in the order they run; each is one file.</summary>
internal static class PassPipeline
{
    public static AdjointProgram Run(AdjointProgram program)
    {
        program = DeadCode.Run(program);
        program = ForwardReuse.Run(program);
        program = CopyPropagation.Run(program);
        program = LoopScopedAdjoints.Run(program);
        program = SaveStorage.Run(program);
        program = DeadCode.Run(program);
        return program;
    }
}
