using System.Diagnostics;
using System.Globalization;

namespace SourceGrad.Samples.NewtonCG;

/// <summary>
/// Where a method stood after <see cref="Evaluations"/> evaluations: gradients, plus Hessian-vector products for
/// Newton-CG (each costs about two gradients by hand, at most three generated: the table's time column shows the real cost).
/// </summary>
internal readonly record struct ConvergencePoint(int Iteration, long Evaluations, double Loss, double GradientNorm, double Seconds);

/// <summary>One method's run: a point per iteration, and where it ended.</summary>
internal sealed record ConvergenceTrace(string Method, IReadOnlyList<ConvergencePoint> Points, float[] Final)
{
    public ConvergencePoint Last => Points[^1];

    /// <summary>The last point reached within <paramref name="evaluations"/> evaluations.</summary>
    public ConvergencePoint At(long evaluations) => Points.Last(point => point.Evaluations <= evaluations);
}

/// <summary>Runs each optimizer on a problem and records its convergence.</summary>
internal static class Runs
{
    public static ConvergenceTrace NewtonCg<TProblem>(TProblem problem, float[] start, int maxIterations, double gradientTolerance, int? maxCgIterations = null)
        where TProblem : ISecondOrderObjective<float>
    {
        float[] x = (float[])start.Clone();
        var optimizer = new NewtonCg<float>(problem.Dimension, new NewtonCgOptions { MaxCgIterations = maxCgIterations });
        var points = new List<ConvergencePoint>();
        var clock = Stopwatch.StartNew();
        optimizer.Minimize(ref problem, x, maxIterations, gradientTolerance, progress => points.Add(new ConvergencePoint(
            progress.Iteration, progress.GradientEvaluations + progress.HessianVectorEvaluations, progress.Value, progress.GradientNorm, clock.Elapsed.TotalSeconds)));
        return new ConvergenceTrace("Newton-CG", points, x);
    }

    /// <summary>A runtime optimizer (<see cref="Sgd"/>, <see cref="Adam"/>) on the one parameter x, one gradient per step.</summary>
    public static ConvergenceTrace FirstOrder<TProblem>(string method, TProblem problem, float[] start, IOptimizer optimizer, long evaluations)
        where TProblem : ISecondOrderObjective<float>
    {
        var parameters = new ParameterSet();
        Parameter x = parameters.Add("x", problem.Dimension);
        start.CopyTo(x.Value);
        var points = new List<ConvergencePoint>();
        var clock = Stopwatch.StartNew();
        for (long evaluation = 1; evaluation <= evaluations; evaluation++)
        {
            parameters.ZeroGradients();
            float loss = problem.ValueAndGradient(x.Value, x.Gradient);
            points.Add(new ConvergencePoint((int)(evaluation - 1), evaluation, loss, Norm(x.Gradient), clock.Elapsed.TotalSeconds));
            if (!float.IsFinite(loss))
                break;
            if (evaluation < evaluations)
                optimizer.Step(parameters);
        }

        return new ConvergenceTrace(method, points, x.Value);
    }

    private static double Norm(ReadOnlySpan<float> v)
    {
        double sum = 0;
        foreach (float element in v)
            sum += (double)element * element;
        return Math.Sqrt(sum);
    }
}

/// <summary>The convergence table: every iteration of a short run, a log-spaced selection (1, 2, 5, 10, 20, …) of a long one.</summary>
internal static class ConvergenceTable
{
    private const int AllRowsUpTo = 30;

    public static void Write(TextWriter output, IEnumerable<ConvergenceTrace> traces)
    {
        output.WriteLine($"{"method",-18} {"iteration",9} {"evaluations",11} {"loss",13} {"‖gradient‖",11} {"time",9}");
        output.WriteLine($"{new string('-', 18)} {new string('-', 9)} {new string('-', 11)} {new string('-', 13)} {new string('-', 11)} {new string('-', 9)}");
        foreach (ConvergenceTrace trace in traces)
        {
            foreach (ConvergencePoint point in Rows(trace.Points))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{trace.Method,-18} {point.Iteration,9} {point.Evaluations,11} {point.Loss,13:G6} {point.GradientNorm,11:G3} {Seconds(point.Seconds),9}"));
            }
        }
    }

    private static IEnumerable<ConvergencePoint> Rows(IReadOnlyList<ConvergencePoint> points)
    {
        if (points.Count <= AllRowsUpTo)
            return points;
        var marks = new SortedSet<int> { 0, points.Count - 1 };
        for (long mark = 1; mark < points.Count; mark *= 10)
        {
            foreach (long step in new[] { mark, 2 * mark, 5 * mark })
            {
                if (step < points.Count)
                    marks.Add((int)step);
            }
        }

        return marks.Select(index => points[index]);
    }

    private static string Seconds(double seconds) =>
        seconds < 1 ? string.Create(CultureInfo.InvariantCulture, $"{seconds * 1000:F1} ms") : string.Create(CultureInfo.InvariantCulture, $"{seconds:F2} s");
}
