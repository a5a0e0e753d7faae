using ScottPlot;
using SourceGrad.Samples.Digits.Models;

namespace SourceGrad.Samples.Digits.Imaging;

/// <summary>One epoch's numbers for the training-curve chart.</summary>
internal readonly record struct EpochRecord(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy);

/// <summary>The line and scatter charts of the samples (ScottPlot).</summary>
internal static class Charts
{
    /// <summary>Loss (left) and accuracy (right) per epoch, on the training and the test set: over-fitting shows as the curves parting.</summary>
    public static void SaveTrainingCurves(string path, string title, IReadOnlyList<EpochRecord> history)
    {
        double[] epochs = history.Select(r => (double)r.Epoch).ToArray();
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();

        Plot loss = multiplot.GetPlot(0);
        AddCurve(loss, epochs, history.Select(r => r.TrainLoss), "train", Colors.C0);
        AddCurve(loss, epochs, history.Select(r => r.TestLoss), "test", Colors.C1);
        Label(loss, $"{title}: loss", "cross-entropy", Alignment.UpperRight);

        Plot accuracy = multiplot.GetPlot(1);
        AddCurve(accuracy, epochs, history.Select(r => 100 * r.TrainAccuracy), "train", Colors.C0);
        AddCurve(accuracy, epochs, history.Select(r => 100 * r.TestAccuracy), "test", Colors.C1);
        Label(accuracy, $"{title}: accuracy", "accuracy (%)", Alignment.LowerRight);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        multiplot.SavePng(path, 1100, 420);
    }

    /// <summary>The points of both classes, the probability f the model gives each place (shaded), and the line f = ½.</summary>
    public static void SaveDecisionBoundary(string path, ToyData data, double w0, double w1, double w2, string title)
    {
        double xMin = data.X1.Min() - 0.5, xMax = data.X1.Max() + 0.5;
        double yMin = data.X2.Min() - 0.5, yMax = data.X2.Max() + 0.5;
        var plot = new Plot();

        // The probability on a grid; heatmap row 0 is drawn at the top.
        const int Cells = 120;
        var probability = new double[Cells, Cells];
        for (int row = 0; row < Cells; row++)
        {
            double x2 = yMax - (row + 0.5) * (yMax - yMin) / Cells;
            for (int column = 0; column < Cells; column++)
            {
                double x1 = xMin + (column + 0.5) * (xMax - xMin) / Cells;
                probability[row, column] = Logistic.Probability(w0, w1, w2, x1, x2);
            }
        }
        var heatmap = plot.Add.Heatmap(probability);
        // Light shades, so the points stand out: blue where class 0 is likely, red where class 1 is.
        heatmap.Colormap = new ScottPlot.Colormaps.CustomInterpolated([Color.FromHex("#8fb8de"), Colors.White, Color.FromHex("#f1a08a")]);
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        heatmap.Extent = new CoordinateRect(xMin, xMax, yMin, yMax);
        plot.Add.ColorBar(heatmap).Label = "f = P(class 1)";

        AddPoints(plot, data, positive: false, "class 0", Colors.Navy);
        AddPoints(plot, data, positive: true, "class 1", Colors.DarkRed);

        // w0 + w1·x1 + w2·x2 = 0 is where f = ½.
        if (Math.Abs(w2) > 1e-12)
        {
            var line = plot.Add.Line(xMin, -(w0 + w1 * xMin) / w2, xMax, -(w0 + w1 * xMax) / w2);
            line.LegendText = "f = 0.5";
            line.LineWidth = 2;
            line.Color = Colors.Black;
        }

        plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
        plot.Title(title);
        plot.XLabel("x1");
        plot.YLabel("x2");
        plot.ShowLegend(Alignment.UpperLeft);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 720, 600);
    }

    private static void AddCurve(Plot plot, double[] epochs, IEnumerable<double> values, string label, Color color)
    {
        var scatter = plot.Add.Scatter(epochs, values.ToArray());
        scatter.LegendText = label;
        scatter.Color = color;
        scatter.LineWidth = 2;
        scatter.MarkerSize = epochs.Length > 40 ? 0 : 5;
    }

    private static void Label(Plot plot, string title, string yLabel, Alignment legend)
    {
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend(legend);
    }

    private static void AddPoints(Plot plot, ToyData data, bool positive, string label, Color color)
    {
        var indices = Enumerable.Range(0, data.Count).Where(i => data.Y[i] == 1 == positive).ToArray();
        var points = plot.Add.ScatterPoints(indices.Select(i => data.X1[i]).ToArray(), indices.Select(i => data.X2[i]).ToArray());
        points.LegendText = label;
        points.Color = color;
        points.MarkerSize = 6;
        points.MarkerShape = positive ? MarkerShape.FilledCircle : MarkerShape.FilledSquare;
    }
}
