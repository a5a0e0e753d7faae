using System.Collections.Generic;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Differentiation;

/// <summary>
/// What each statement's adjoint reads of the primal variables, from the reverse sweep of a program: whole variables
/// (scalars, and buffers passed on whole or sliced) and buffer elements by index. The to-be-recorded analysis
/// (<see cref="Analysis.SavePlan"/>) decides from these which overwritten values must be saved.
/// </summary>
internal sealed class ReverseReads
{
    private ReverseReads()
    {
    }

    public Dictionary<int, HashSet<int>> Scalars { get; } = new();

    public Dictionary<int, List<(int Buffer, Expr Index)>> Elements { get; } = new();

    public static ReverseReads Of(AdjointProgram program, int primalVariables, IReadOnlyDictionary<int, HashSet<int>> extra)
    {
        var reads = new ReverseReads();
        CodeWalker.Visit(program.Reverse, code =>
        {
            if (code is not Commented { Sweep: Sweep.Reverse } commented)
            {
                return;
            }

            HashSet<int> scalars = reads.ScalarsOf(commented.Statement);
            if (!reads.Elements.TryGetValue(commented.Statement, out List<(int Buffer, Expr Index)>? elements))
            {
                elements = new List<(int Buffer, Expr Index)>();
                reads.Elements[commented.Statement] = elements;
            }

            CodeWalker.VisitExpressions(commented.Body, expr =>
            {
                switch (expr)
                {
                    case VariableRef variable when variable.Variable < primalVariables:
                        scalars.Add(variable.Variable);
                        break;
                    case SpanOf span when span.Buffer < primalVariables:
                        scalars.Add(span.Buffer);
                        break;
                    case ElementRef element when element.Buffer < primalVariables:
                        elements.Add((element.Buffer, element.Index));
                        break;
                }
            });
        });

        foreach (KeyValuePair<int, HashSet<int>> statement in extra)
        {
            reads.ScalarsOf(statement.Key).UnionWith(statement.Value);
        }

        return reads;
    }

    private HashSet<int> ScalarsOf(int statement)
    {
        if (!Scalars.TryGetValue(statement, out HashSet<int>? scalars))
        {
            scalars = new HashSet<int>();
            Scalars[statement] = scalars;
        }

        return scalars;
    }
}
