namespace SourceGrad.Tests.Training;

/// <summary>
/// <see cref="NewtonCg{T}"/> on objectives whose gradient and Hessian are written out in NewtonCgOracles.cs:
/// where it must land, in how many iterations, against gradient descent with the same line search, on negative
/// curvature, its argument checks and its allocations.
/// </summary>
public class NewtonCgTests
{
    [Fact]
    public void A_quadratic_with_an_SPD_Hessian_is_minimised_by_one_Newton_step()
    {
        // Three distinct eigenvalues: CG solves A·p = −g exactly in three iterations. A small gradient at the start makes
        // the forcing term (min(0.5, √‖g‖) relative) ask for that exact answer rather than stop after one or two.
        double[] eigenvalues = [1, 1, 1, 1, 5, 5, 5, 5, 20, 20, 20, 20];
        double[] reflection = [1, -2, 0.5, 3, 1, 1, -1, 2, 0.25, -0.5, 1, 1.5];
        double[] b = [1e-4, 2e-4, 3e-4, 4e-4, 5e-4, 6e-4, -1e-4, -2e-4, -3e-4, -4e-4, -5e-4, -6e-4];
        var quadratic = new QuadraticOracle(eigenvalues, reflection, b);
        var optimizer = new NewtonCg<double>(quadratic.Dimension);
        double[] x = new double[quadratic.Dimension];

        optimizer.Start(ref quadratic, x);
        NewtonCgIteration step = optimizer.Step(ref quadratic, x);

        Assert.Equal(1, step.Iteration);
        Assert.Equal(1.0, step.StepLength);
        Assert.Equal(3, step.CgIterations);
        Assert.False(step.NegativeCurvature);
        Assert.True(step.GradientNorm < 1e-15, $"‖g‖ after one step is {step.GradientNorm}.");
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(quadratic.Minimizer[i], x[i], 1e-14);
    }

    [Theory]
    // Measured: 64 iterations in 2-D, 34 of them creeping along the valley where the Hessian is indefinite (see
    // docs/getting-started.md).
    [InlineData(2, 80)]
    [InlineData(10, 150)] // measured: 118 iterations
    [InlineData(100, 400)] // measured: 312 iterations
    public void Rosenbrock_reaches_all_ones_in_far_fewer_iterations_than_gradient_descent(int dimension, int maxIterations)
    {
        var rosenbrock = new RosenbrockOracle<double>(dimension);
        double[] x = RosenbrockOracle<double>.StandardStart(dimension);
        var optimizer = new NewtonCg<double>(dimension);

        NewtonCgResult result = optimizer.Minimize(ref rosenbrock, x, maxIterations: 500, gradientTolerance: 1e-8);

        Assert.True(result.Converged, $"stopped: {result}");
        Assert.InRange(result.Final.Iteration, 1, maxIterations);
        Assert.All(x, xi => Assert.Equal(1.0, xi, 1e-7));
        int descentIterations = GradientDescentIterations(rosenbrock, RosenbrockOracle<double>.StandardStart(dimension), 1e-8, maxIterations: 100_000);
        Assert.True(descentIterations > 20 * result.Final.Iteration,
            $"gradient descent took {descentIterations} iterations, Newton-CG {result.Final.Iteration}.");
    }

    [Fact]
    public void In_float_it_reaches_one_one_as_closely_as_float_allows()
    {
        var rosenbrock = new RosenbrockOracle<float>(2);
        float[] x = RosenbrockOracle<float>.StandardStart(2);
        var optimizer = new NewtonCg<float>(2);

        NewtonCgResult result = optimizer.Minimize(ref rosenbrock, x, maxIterations: 100, gradientTolerance: 1e-4);

        // Near the minimum float's rounding, not the method, decides when the line search stops finding decrease.
        Assert.NotEqual(NewtonCgStopReason.MaxIterations, result.Reason);
        Assert.Equal(1f, x[0], 1e-3f);
        Assert.Equal(1f, x[1], 1e-3f);
    }

    [Theory]
    // From (0, 0.1) CG's first direction, −g, already has f'' < 0: the step is steepest descent. A Newton step,
    // −g/f'' = 0.396/(−3.88), would have gone to y ≈ −0.002, next to the saddle.
    [InlineData(0.0, 0.1, true, 0)]
    // From (0.2, 0.02) the first direction, −g = (−0.4, 0.08), has positive curvature; the second is mostly along y, where
    // f'' < 0: the step is CG's first iterate.
    [InlineData(0.2, 0.02, false, 1)]
    public void Negative_curvature_stops_CG_with_a_descent_step_away_from_the_saddle(double x0, double y0, bool steepestDescent, int cgIterations)
    {
        var wells = new DoubleWellOracle();
        double[] x = [x0, y0];
        var optimizer = new NewtonCg<double>(2);

        optimizer.Start(ref wells, x);
        NewtonCgIteration first = optimizer.Step(ref wells, x);

        Assert.True(first.NegativeCurvature);
        Assert.Equal(steepestDescent, first.SteepestDescent);
        Assert.Equal(cgIterations, first.CgIterations);
        Assert.True(x[1] > y0, $"the first step went to y = {x[1]}, towards the saddle.");

        NewtonCgResult result = optimizer.Minimize(ref wells, x, maxIterations: 50, gradientTolerance: 1e-10);
        Assert.True(result.Converged, $"stopped: {result}");
        Assert.Equal(0.0, x[0], 1e-10);
        Assert.Equal(1.0, x[1], 1e-10);
    }

    [Fact]
    public void The_reported_counts_are_the_calls_the_objective_saw_and_every_span_handed_over_is_zeroed()
    {
        var counting = new CountingObjective<RosenbrockOracle<double>>(new RosenbrockOracle<double>(6));
        double[] x = RosenbrockOracle<double>.StandardStart(6);
        var optimizer = new NewtonCg<double>(6);
        var seen = new List<NewtonCgIteration>();

        NewtonCgResult result = optimizer.Minimize(ref counting, x, maxIterations: 200, gradientTolerance: 1e-8, seen.Add);

        Assert.True(result.Converged, $"stopped: {result}");
        Assert.Equal(counting.GradientCalls, result.Final.GradientEvaluations);
        Assert.Equal(counting.HessianVectorCalls, result.Final.HessianVectorEvaluations);
        Assert.Equal(Enumerable.Range(0, seen.Count), seen.Select(s => s.Iteration));
        Assert.Equal(result.Final, seen[^1]);
        // Each step costs its CG iterations in Hessian products (one more when CG stopped on negative curvature).
        long products = seen.Sum(s => (long)s.CgIterations + (s.NegativeCurvature ? 1 : 0));
        Assert.Equal(products, result.Final.HessianVectorEvaluations);
        Assert.True(seen.Zip(seen.Skip(1)).All(pair => pair.Second.Value <= pair.First.Value), "the value went up in some step.");
    }

    [Fact]
    public void Limits_CG_to_the_iterations_the_options_allow()
    {
        var rosenbrock = new RosenbrockOracle<double>(50);
        double[] x = RosenbrockOracle<double>.StandardStart(50);
        var optimizer = new NewtonCg<double>(50, new NewtonCgOptions { MaxCgIterations = 2 });
        var seen = new List<NewtonCgIteration>();

        optimizer.Minimize(ref rosenbrock, x, maxIterations: 20, gradientTolerance: 1e-8, seen.Add);

        Assert.Equal(2, optimizer.MaxCgIterations);
        Assert.All(seen, s => Assert.InRange(s.CgIterations, 0, 2));
        Assert.Contains(seen, s => s.CgIterations == 2);
    }

    [Fact]
    public void Stops_with_the_iteration_limit_and_leaves_x_at_the_last_point()
    {
        var rosenbrock = new RosenbrockOracle<double>(2);
        double[] x = RosenbrockOracle<double>.StandardStart(2);
        var optimizer = new NewtonCg<double>(2);
        double[] last = [];

        NewtonCgResult result = optimizer.Minimize(ref rosenbrock, x, maxIterations: 3, gradientTolerance: 0, _ => last = (double[])x.Clone());

        Assert.Equal(NewtonCgStopReason.MaxIterations, result.Reason);
        Assert.Equal(3, result.Final.Iteration);
        Assert.Equal(last, x);
        Assert.Equal(rosenbrock.ValueAndGradient(x, new double[2]), result.Final.Value);
    }

    [Fact]
    public void Bad_arguments_name_the_argument_the_value_and_what_was_expected()
    {
        var dimension = Assert.Throws<ArgumentOutOfRangeException>(() => new NewtonCg<double>(0));
        Assert.Equal("dimension", dimension.ParamName);
        Assert.Contains("must be > 0, but was 0", dimension.Message);
        AssertOption("options.ArmijoConstant", "(0, 1), but was 0", new NewtonCgOptions { ArmijoConstant = 0 });
        AssertOption("options.ArmijoConstant", "(0, 1), but was 1.5", new NewtonCgOptions { ArmijoConstant = 1.5 });
        AssertOption("options.BacktrackingFactor", "(0, 1), but was 1", new NewtonCgOptions { BacktrackingFactor = 1 });
        AssertOption("options.BacktrackingFactor", "(0, 1), but was NaN", new NewtonCgOptions { BacktrackingFactor = double.NaN });
        AssertOption("options.MaxBacktracks", "> 0, but was 0", new NewtonCgOptions { MaxBacktracks = 0 });
        AssertOption("options.MaxCgIterations", "> 0, but was -1", new NewtonCgOptions { MaxCgIterations = -1 });

        var optimizer = new NewtonCg<double>(2);
        var rosenbrock = new RosenbrockOracle<double>(2);
        var x = new double[] { -1.2, 1 };
        var shortX = Assert.Throws<ArgumentException>(() => optimizer.Start(ref rosenbrock, new double[3]));
        Assert.Equal("x", shortX.ParamName);
        Assert.Contains("must have 2 elements", shortX.Message);
        Assert.Contains("but has 3", shortX.Message);
        var wider = new RosenbrockOracle<double>(3);
        var objective = Assert.Throws<ArgumentException>(() => optimizer.Start(ref wider, x));
        Assert.Equal("objective", objective.ParamName);
        Assert.Contains("must be 2", objective.Message);
        Assert.Contains("but is 3", objective.Message);
        var iterations = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.Minimize(ref rosenbrock, x, maxIterations: -1, gradientTolerance: 1e-6));
        Assert.Equal("maxIterations", iterations.ParamName);
        Assert.Contains("but was -1", iterations.Message);
        var tolerance = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.Minimize(ref rosenbrock, x, maxIterations: 5, gradientTolerance: double.NaN));
        Assert.Equal("gradientTolerance", tolerance.ParamName);
        Assert.Contains("but was NaN", tolerance.Message);
    }

    [Fact]
    public void Step_needs_a_start_at_the_point_it_is_given()
    {
        var optimizer = new NewtonCg<double>(2);
        var rosenbrock = new RosenbrockOracle<double>(2);
        double[] x = [-1.2, 1];

        Assert.Contains("Call Start", Assert.Throws<InvalidOperationException>(() => optimizer.Step(ref rosenbrock, x)).Message);
        optimizer.Start(ref rosenbrock, x);
        optimizer.Step(ref rosenbrock, x);
        x[0] += 0.5;
        Assert.Contains("x is not the point", Assert.Throws<InvalidOperationException>(() => optimizer.Step(ref rosenbrock, x)).Message);

        double[] farAway = [1e200, 1e200];
        Assert.Contains("finite", Assert.Throws<InvalidOperationException>(() => optimizer.Start(ref rosenbrock, farAway)).Message);
    }

    [Fact]
    public void Steps_allocate_nothing_in_steady_state()
    {
        const int dimension = 100;
        var rosenbrock = new RosenbrockOracle<double>(dimension);
        var optimizer = new NewtonCg<double>(dimension);
        double[] start = RosenbrockOracle<double>.StandardStart(dimension), x = (double[])start.Clone();
        Action<NewtonCgIteration> ignore = static _ => { };
        optimizer.Minimize(ref rosenbrock, x, maxIterations: 10, gradientTolerance: 0, ignore);

        Allocations.AssertSteadyStateAllocatesNothing(() =>
        {
            start.CopyTo(x);
            optimizer.Start(ref rosenbrock, x);
            for (int i = 0; i < 10; i++)
                optimizer.Step(ref rosenbrock, x);
        }, steps: 1);

        NewtonCgResult result = default;
        Allocations.AssertSteadyStateAllocatesNothing(() =>
        {
            start.CopyTo(x);
            result = optimizer.Minimize(ref rosenbrock, x, maxIterations: 10, gradientTolerance: 0, ignore);
        }, steps: 1);

        Assert.Equal(10, result.Final.Iteration);
        Assert.True(result.Final.HessianVectorEvaluations > 10, $"only {result.Final.HessianVectorEvaluations} Hessian products: too little work to measure.");
    }

    private static void AssertOption(string name, string expected, NewtonCgOptions options)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new NewtonCg<double>(2, options));
        Assert.Equal(name, exception.ParamName);
        Assert.Contains(expected, exception.Message);
    }

    /// <summary>Steepest descent with the same Armijo backtracking (c₁ = 1e-4, ρ = ½): the iterations until ‖g‖ ≤ tolerance.</summary>
    private static int GradientDescentIterations<TObjective>(TObjective objective, double[] x, double tolerance, int maxIterations)
        where TObjective : ISecondOrderObjective<double>
    {
        var gradient = new double[x.Length];
        var trial = new double[x.Length];
        var trialGradient = new double[x.Length];
        double value = objective.ValueAndGradient(x, gradient);
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            double squaredNorm = gradient.Sum(g => g * g);
            if (Math.Sqrt(squaredNorm) <= tolerance)
                return iteration;
            for (double step = 1; ; step /= 2)
            {
                for (int i = 0; i < x.Length; i++)
                    trial[i] = x[i] - step * gradient[i];
                Array.Clear(trialGradient);
                double trialValue = objective.ValueAndGradient(trial, trialGradient);
                if (trialValue <= value - 1e-4 * step * squaredNorm || step < 1e-20)
                {
                    (x, trial) = (trial, x);
                    (gradient, trialGradient) = (trialGradient, gradient);
                    value = trialValue;
                    break;
                }
            }
        }

        return maxIterations;
    }
}
