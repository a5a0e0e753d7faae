using System.Collections.Generic;
using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Emission;

/// <summary>
/// What a split mode's saved state holds, field by field, in bytes: the lines of <c>MSaved</c>'s doc comment. A scalar
/// is its size; a buffer of values saved by iteration is its element size times its length as the forward sweep
/// computes it (a formula in the method's sizes); a save stack is its element size per value pushed.
/// </summary>
internal static class SavedStateReport
{
    public static List<string> Lines(SplitProgram split, ProgramPrinter printer)
    {
        var lengths = new Dictionary<int, Expr>();
        CodeWalker.Visit(new Sequence(new Code[] { split.ForwardDeclarations, split.ForwardSweep }.ToEquatableArray()), code =>
        {
            switch (code)
            {
                case Assign { Target: VariableRef target, Value: NewPooledBuffer pooled }:
                    lengths[target.Variable] = pooled.Length;
                    break;
                case DeclareBuffer { Storage: BufferStorage.Pooled } buffer:
                    lengths[buffer.Local] = buffer.Length;
                    break;
            }
        });

        var lines = new List<string>();
        foreach (int field in split.Fields)
        {
            Local local = split.Program.Locals[field];
            string name = $"<c>{ExpressionPrinter.FieldName(printer.NameOf(field))}</c>";
            string element = ExpressionPrinter.TypeName(local.Type);
            int size = local.Type switch
            {
                ScalarType.Double or ScalarType.Long => 8,
                ScalarType.Bool => 1,
                _ => 4,
            };
            lines.Add(local.Shape switch
            {
                LocalShape.PooledBuffer when lengths.TryGetValue(field, out Expr? length) =>
                    $"{name}: {size} × ({Readable(printer.PrintExpression(length))}) bytes, a pooled buffer of {element}",
                LocalShape.PooledBuffer => $"{name}: {size} bytes per element, pooled",
                LocalShape.SaveStack => $"{name}: {size} bytes per value pushed, pooled (a stack of {element}, at least 256 values once used)",
                LocalShape.Array => $"{name}: a reference to the method's own {element}[]",
                LocalShape.Vector512 => $"{name}: 64 bytes",
                LocalShape.Vector => $"{name}: one {element} vector",
                _ => $"{name}: {size} bytes ({element})",
            });
        }

        return lines;
    }

    /// <summary>A printed expression for a doc comment: namespaces left out, XML escaped.</summary>
    private static string Readable(string code) => code
        .Replace("global::System.", "")
        .Replace("&", "&amp;")
        .Replace("<", "&lt;")
        .Replace(">", "&gt;");
}
