using SourceGrad.Generator.Model;

namespace SourceGrad.Generator.Recognition;

/// <summary>Literals: constants folded by the compiler, and the zeros and ones recognition writes.</summary>
internal sealed partial class MethodRecognizer
{
    private static Literal Zero(ScalarType type) => new(type, type switch
    {
        ScalarType.Float => "0f",
        ScalarType.Double => "0d",
        ScalarType.Long => "0L",
        ScalarType.Bool => "false",
        _ => "0",
    });

    private static Literal One(ScalarType type) => new(type, type switch
    {
        ScalarType.Float => "1f",
        ScalarType.Double => "1d",
        ScalarType.Long => "1L",
        _ => "1",
    });

    internal static Literal Constant(ScalarType type, object? value)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        string code = (type, value) switch
        {
            (ScalarType.Bool, bool b) => b ? "true" : "false",
            (ScalarType.Float, float f) when float.IsNaN(f) => "float.NaN",
            (ScalarType.Float, float f) when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
            (ScalarType.Float, float f) when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
            (ScalarType.Float, float f) => f.ToString("R", culture) + "f",
            (ScalarType.Double, double d) when double.IsNaN(d) => "double.NaN",
            (ScalarType.Double, double d) when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
            (ScalarType.Double, double d) when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
            (ScalarType.Double, double d) => d.ToString("R", culture) + "d",
            (ScalarType.Long, _) => System.Convert.ToInt64(value, culture).ToString(culture) + "L",
            (ScalarType.Int, _) => System.Convert.ToInt32(value, culture).ToString(culture),
            (ScalarType.Float, _) => System.Convert.ToSingle(value, culture).ToString("R", culture) + "f",
            (ScalarType.Double, _) => System.Convert.ToDouble(value, culture).ToString("R", culture) + "d",
            _ => "default",
        };
        return new Literal(type, code);
    }
}
