using ScottPlot;

namespace SourceGrad.Benchmarks.Report;

/// <summary>
/// docs/images/benchmarks.png: per problem, each contender's time over the generated gradient's, as horizontal bars
/// on a log scale (left of the line: faster than generated; right: slower).
/// </summary>
public static class RatioChart
{
    private sealed record Series(string Label, Color Color, Func<Measurements, Problem?, int, double?> Ratio);

    public static void Save(ResultSet results, string path)
    {
        var m = new Measurements(results);
        Series[] series =
        [
            new("primal", Colors.Gray, (m, p, _) => p is null ? null : m.ScalarRatio(p, Suites.Primal)),
            new("hand-written", Color.FromHex("#2ca02c"), (m, p, b) => p is null ? m.MlpRatio(Suites.HandWritten, b) : m.ScalarRatio(p, Suites.HandWritten)),
            new("hand-written, vectorised by hand", Color.FromHex("#98df8a"), (m, p, _) => p is null ? null : m.ScalarRatio(p, Suites.HandWrittenVectorized)),
            new("scalar tape", Color.FromHex("#d62728"), (m, p, _) => p is null ? null : m.ScalarRatio(p, Suites.ScalarTape)),
            new("central differences", Color.FromHex("#9467bd"), (m, p, _) => p is null ? null : m.ScalarRatio(p, "FiniteDifferences")),
            new("tensor tape", Color.FromHex("#ff7f0e"), (m, p, b) => p is null ? m.MlpRatio("TensorTape", b) : null),
            new("TorchSharp", Color.FromHex("#1f77b4"), (m, p, b) => p is null ? m.TorchRatio(b) : null),
            new("FLOP floor", Colors.Black, (m, p, b) => p is null && m.FloorTimeNs(b) is { } floor && m.Mlp(Suites.Generated, b) is { } g ? floor / g.MinNs : null),
        ];

        // Groups from top to bottom: the scalar problems, then the MLP steps.
        var groups = Suites.ScalarProblems.Select(p => (Label: p.Title, Problem: (Problem?)p, Batch: 0))
            .Concat(Suites.MlpBatches.Select(b => (Label: $"MLP step 784-128-10, batch {b}", Problem: (Problem?)null, Batch: b)))
            .ToList();

        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        var bars = new List<Bar>();
        var groupPositions = new List<double>();
        var groupLabels = new List<string>();
        double position = 0;
        for (int g = groups.Count - 1; g >= 0; g--)
        {
            var present = series.Select(s => (s, Ratio: s.Ratio(m, groups[g].Problem, groups[g].Batch)))
                .Where(pair => pair.Ratio is > 0).Reverse().ToList();
            if (present.Count == 0)
            {
                continue;
            }

            groupPositions.Add(position + (present.Count - 1) / 2.0);
            groupLabels.Add(groups[g].Label);
            foreach ((Series s, double? ratio) in present)
            {
                bars.Add(new Bar
                {
                    Position = position,
                    Value = Math.Log10(ratio!.Value),
                    FillColor = s.Color,
                    LineWidth = 0,
                    Label = Targets.Ratio(ratio.Value),
                    Size = 0.8,
                });
                position += 1;
            }

            position += 1.2;
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        barPlot.ValueLabelStyle.FontSize = 10;
        plot.Add.VerticalLine(0, 1.5f, Colors.Black);

        // Whole decades around the bars, with room on the right for the value labels.
        double low = Math.Min(-1, Math.Floor(bars.Min(b => b.Value) - 0.15));
        double high = Math.Max(1, Math.Ceiling(bars.Max(b => b.Value) + 0.35));
        double[] decades = Enumerable.Range((int)low, (int)(high - low) + 1).Select(d => (double)d).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            decades, decades.Select(d => d < 0 ? $"{Math.Pow(10, d)}×" : $"{Math.Pow(10, d):N0}×").ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(groupPositions.ToArray(), groupLabels.ToArray());
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.SetLimits(low, high + 0.2, -1, position);
        plot.Title("Time relative to the generated gradient (log scale; < 1× is faster than generated)");
        plot.XLabel("contender time ÷ generated time (minimum over iterations)");
        plot.Grid.YAxisStyle.MajorLineStyle.Width = 0;

        foreach (Series s in series.Where(s => bars.Any(b => b.FillColor == s.Color)))
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = s.Label, FillColor = s.Color });
        }

        plot.ShowLegend(Alignment.LowerRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 1200, 60 + 18 * (int)Math.Ceiling(position + 4));
    }
}
