using System.Globalization;
using ScottPlot;

namespace SourceGrad.Samples.NewtonCG;

/// <summary>Loss against evaluations, both axes in log₁₀ (ScottPlot has no log axis: the data is logged and the ticks say 10ⁿ).</summary>
internal static class ConvergenceChart
{
    /// <summary>Rosenbrock's loss reaches 0 in float; below this it is drawn at this floor.</summary>
    public const double LossFloor = 1e-14;

    public static void Save(string path, string title, IReadOnlyList<ConvergenceTrace> traces)
    {
        var plot = new Plot();
        Color[] colors = [Colors.C0, Colors.C1, Colors.C2, Colors.C3];
        for (int t = 0; t < traces.Count; t++)
        {
            ConvergenceTrace trace = traces[t];
            double[] evaluations = trace.Points.Select(point => Math.Log10(point.Evaluations)).ToArray();
            double[] losses = trace.Points.Select(point => Math.Log10(Math.Max(point.Loss, LossFloor))).ToArray();
            var scatter = plot.Add.Scatter(evaluations, losses);
            scatter.LegendText = trace.Method;
            scatter.Color = colors[t % colors.Length];
            scatter.LineWidth = 2;
            scatter.MarkerSize = trace.Points.Count > 60 ? 0 : 4;
        }

        plot.Axes.Bottom.TickGenerator = LogTicks();
        plot.Axes.Left.TickGenerator = LogTicks();
        plot.Title(title);
        plot.XLabel("evaluations (gradients + Hessian-vector products)");
        plot.YLabel("loss");
        plot.ShowLegend(Alignment.UpperRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 560);
    }

    // Ticks between powers of ten too, so a curve within one decade (the softmax loss) still gets labels.
    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        LabelFormatter = exponent => Math.Abs(exponent - Math.Round(exponent)) < 1e-9
            ? string.Create(CultureInfo.InvariantCulture, $"1e{Math.Round(exponent):0}")
            : TwoSignificantDigits(Math.Pow(10, exponent)).ToString("0.####", CultureInfo.InvariantCulture),
    };

    private static double TwoSignificantDigits(double value)
    {
        double unit = Math.Pow(10, Math.Floor(Math.Log10(value)) - 1);
        return Math.Round(value / unit) * unit;
    }
}
