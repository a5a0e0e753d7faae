using System.Collections.Generic;
using System.Linq;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Analysis;

/// <summary>
/// Activity analysis: a value is active when it depends on an active input (varied) and reaches the result or
/// a written output (useful). Only active values get adjoints and reverse-sweep work.
/// </summary>
internal sealed class ActivityAnalysis
{
    private readonly HashSet<int> _varied = new();
    private readonly HashSet<int> _useful = new();
    private readonly HashSet<int> _hasAdjoint = new();
    private readonly MethodModel _method;

    private ActivityAnalysis(MethodModel method) => _method = method;

    /// <summary>Parameters that get an adjoint in the gradient's signature (the contract's active parameters).</summary>
    public IReadOnlyList<int> AdjointParameters { get; private set; } = System.Array.Empty<int>();

    /// <summary>Active parameters whose value cannot reach the result or an output.</summary>
    public IReadOnlyList<int> UnaffectingParameters { get; private set; } = System.Array.Empty<int>();

    /// <summary>Whether the returned value depends on some active parameter.</summary>
    public bool ResultDependsOnInputs { get; private set; }

    public static ActivityAnalysis Run(MethodModel method)
    {
        var analysis = new ActivityAnalysis(method);
        analysis.Compute();
        return analysis;
    }

    /// <summary>Whether the variable has an adjoint in the generated code.</summary>
    public bool HasAdjoint(int variable) => _hasAdjoint.Contains(variable);

    /// <summary>Whether an expression carries gradient: float or double, reading a varied variable with an adjoint.</summary>
    public bool IsActive(Expr expr)
    {
        if (expr.Type is not (ScalarType.Float or ScalarType.Double))
        {
            return false;
        }

        var reads = new HashSet<int>();
        StatementIndex.DifferentiableReads(expr, reads);
        return reads.Any(v => _hasAdjoint.Contains(v) && _varied.Contains(v));
    }

    private void Compute()
    {
        var flows = new List<(int[] Targets, int[] Sources)>();
        var resultSources = new HashSet<int>();
        Collect(_method.Body, flows, resultSources);

        var parameters = _method.Parameters.Select(p => (Id: p, Variable: _method.Variables[p])).ToList();
        AdjointParameters = parameters
            .Where(p => p.Variable.IsDifferentiableType && !p.Variable.NoGrad && p.Variable.Type != ScalarType.Other)
            .Select(p => p.Id)
            .ToArray();
        foreach (int parameter in AdjointParameters)
        {
            _varied.Add(parameter);
        }

        Propagate(flows, _varied, forward: true);

        // Outputs: the returned value and every float/double buffer parameter the method writes.
        foreach (int source in resultSources)
        {
            _useful.Add(source);
        }

        foreach (var flow in flows)
        {
            foreach (int target in flow.Targets)
            {
                Variable variable = _method.Variables[target];
                if (variable.Kind == VariableKind.Parameter && variable.IsBuffer && variable.IsDifferentiableType)
                {
                    _useful.Add(target);
                }
            }
        }

        Propagate(flows, _useful, forward: false);

        foreach (int parameter in AdjointParameters)
        {
            _hasAdjoint.Add(parameter);
        }

        for (int id = 0; id < _method.Variables.Count; id++)
        {
            Variable variable = _method.Variables[id];
            // Locals, and [NoGrad] scalar parameters the method assigns an active value to, carry gradients inside.
            bool internalOnly = variable.Kind != VariableKind.Parameter || (!variable.IsBuffer && !AdjointParameters.Contains(id));
            if (variable.IsDifferentiableType && internalOnly && _varied.Contains(id) && _useful.Contains(id))
            {
                _hasAdjoint.Add(id);
            }
        }

        UnaffectingParameters = AdjointParameters.Where(p => !_useful.Contains(p)).ToArray();
        ResultDependsOnInputs = resultSources.Any(_varied.Contains);
    }

    private static void Propagate(List<(int[] Targets, int[] Sources)> flows, HashSet<int> set, bool forward)
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach ((int[] targets, int[] sources) in flows)
            {
                int[] from = forward ? sources : targets;
                int[] to = forward ? targets : sources;
                if (from.Any(set.Contains))
                {
                    foreach (int variable in to)
                    {
                        changed |= set.Add(variable);
                    }
                }
            }
        }
    }

    private void Collect(Statement statement, List<(int[] Targets, int[] Sources)> flows, HashSet<int> resultSources)
    {
        switch (statement)
        {
            case Block block:
                foreach (Statement child in block.Statements)
                {
                    Collect(child, flows, resultSources);
                }

                break;
            case Declaration { Initializer: { } initializer } declaration:
                flows.Add((new[] { declaration.Variable }, Sources(initializer)));
                break;
            case Assignment assignment:
            {
                int target = assignment.Target is VariableRef v ? v.Variable : ((ElementRef)assignment.Target).Buffer;
                flows.Add((new[] { target }, Sources(assignment.Value)));
                break;
            }

            case CallStatement call:
            {
                var targets = new List<int>();
                var sources = new List<int>();
                if (call.ResultVariable >= 0)
                {
                    targets.Add(call.ResultVariable);
                }

                for (int i = 0; i < call.Arguments.Count; i++)
                {
                    Argument argument = call.Arguments[i];
                    if (argument.IsBuffer)
                    {
                        sources.Add(argument.Buffer);
                        if (call.Callee.Parameters[i].IsWritten)
                        {
                            targets.Add(argument.Buffer);
                        }
                    }
                    else
                    {
                        sources.AddRange(Sources(argument.Scalar!));
                    }
                }

                flows.Add((targets.ToArray(), sources.ToArray()));
                break;
            }

            case IfStatement conditional:
                Collect(conditional.Then, flows, resultSources);
                if (conditional.Else is not null)
                {
                    Collect(conditional.Else, flows, resultSources);
                }

                break;
            case Loop loop:
                Collect(loop.Initializer, flows, resultSources);
                Collect(loop.Body, flows, resultSources);
                Collect(loop.Increment, flows, resultSources);
                break;
            case Jump { Kind: JumpKind.Return, Value: { } value }:
                foreach (int source in Sources(value))
                {
                    resultSources.Add(source);
                }

                break;
        }
    }

    private static int[] Sources(Expr expr)
    {
        var reads = new HashSet<int>();
        StatementIndex.DifferentiableReads(expr, reads);
        return reads.ToArray();
    }
}
