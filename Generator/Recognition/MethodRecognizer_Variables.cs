using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SourceGrad.Generator.Diagnostics;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary>Parameters, locals and call results: the variables of the IR.</summary>
internal sealed partial class MethodRecognizer
{
    private int DeclareParameter(IParameterSymbol parameter)
    {
        (BufferKind buffer, ScalarType? element) = Types.Buffer(parameter.Type);
        ScalarType type = (buffer != BufferKind.None ? element : Types.Scalar(parameter.Type)) ?? ScalarType.Other;
        if (buffer != BufferKind.None && element is null)
        {
            buffer = BufferKind.None;
        }

        string typeCode = parameter.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        return AddVariable(parameter, new Variable(
            parameter.Name,
            type,
            VariableKind.Parameter,
            buffer,
            Types.HasAttribute(parameter, Types.NoGradAttribute),
            typeCode,
            0,
            LocationInfo.From(parameter.Locations.FirstOrDefault())));
    }

    private int AddVariable(ISymbol? symbol, Variable variable)
    {
        int id = _variables.Count;
        _variables.Add(variable);
        if (symbol is not null)
        {
            _variableIds[symbol] = id;
        }

        return id;
    }

    private int? DeclareLocal(ILocalSymbol local, SyntaxNode syntax, VariableKind kind = VariableKind.Local)
    {
        ScalarType? type = Types.Scalar(local.Type);
        if (type is null)
        {
            Report(DiagnosticDescriptors.UnsupportedVariableType, LocationInfo.From(syntax), local.Name, local.Type.ToDisplayString());
            return null;
        }

        return AddVariable(local, new Variable(local.Name, type.Value, kind, BufferKind.None, false, Types.Keyword(type.Value), _loopDepth));
    }

    private int? BufferId(IOperation operation)
    {
        ISymbol? symbol = operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };
        return symbol is not null && _variableIds.TryGetValue(symbol, out int id) && _variables[id].IsBuffer ? id : null;
    }
}
