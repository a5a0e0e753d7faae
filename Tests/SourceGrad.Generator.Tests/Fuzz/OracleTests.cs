namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>
/// The oracle itself, on hand-written "gradients" (delegates, no generator): it must pass a right one and catch
/// each way a generated gradient can be wrong, and skip a point that sits on a kink instead of failing it.
/// </summary>
public class OracleTests
{
    private static readonly FuzzProgram s_scalar = FuzzCase.Program("double x0, double x1", "double", "return 0;");
    private static readonly FuzzProgram s_inPlace = FuzzCase.Program("double x0, Span<double> a, int n", "double", "return 0;");

    private static readonly EvaluationPoint s_scalarPoint = new([0.7, -0.4], [], 0, 0, 1.5, [0.25, -0.5], []);
    private static readonly EvaluationPoint s_bufferPoint = new([0.7], [0.5, -1.25, 0.75], 3, 0, 1.5, [0.25], [1, -2, 0.5]);

    /// <summary>f = sin(x0)·x1.</summary>
    private static double Scalar(double[] s, double[] a, int n, int m) => Math.Sin(s[0]) * s[1];

    [Fact]
    public void A_right_gradient_passes()
    {
        var compiled = new CompiledProgram(s_scalar, Scalar, (s, a, n, m, dS, dA, seed) =>
        {
            dS[0] += seed * Math.Cos(s[0]) * s[1];
            dS[1] += seed * Math.Sin(s[0]);
            return Scalar(s, a, n, m);
        });
        Assert.Equal(Verdict.Passed, GradientChecker.CheckAt(compiled, s_scalarPoint).Verdict);
    }

    private static double RightGradient(double[] s, double[] a, int n, int m, double[] dS, double[] dA, double seed)
    {
        dS[0] += seed * Math.Cos(s[0]) * s[1];
        dS[1] += seed * Math.Sin(s[0]);
        return Scalar(s, a, n, m);
    }

    private static readonly EvaluationPoint s_directedPoint = s_scalarPoint with { TangentScalars = [0.5, -0.75] };

    [Fact]
    public void A_right_tangent_passes()
    {
        var compiled = new CompiledProgram(s_scalar, Scalar, RightGradient, Tangent: (double[] s, double[] a, int n, int m, double[] tS, double[] tA, out double tangent) =>
        {
            tangent = Math.Cos(s[0]) * s[1] * tS[0] + Math.Sin(s[0]) * tS[1];
            return Scalar(s, a, n, m);
        });
        Assert.Equal(Verdict.Passed, GradientChecker.CheckAt(compiled, s_directedPoint).Verdict);
    }

    [Fact]
    public void A_tangent_checked_along_no_direction_fails_rather_than_passing_whatever_it_returns()
    {
        var compiled = new CompiledProgram(s_scalar, Scalar, RightGradient, Tangent: (double[] s, double[] a, int n, int m, double[] tS, double[] tA, out double tangent) =>
        {
            tangent = 0;
            return Scalar(s, a, n, m);
        });
        CheckResult result = GradientChecker.CheckAt(compiled, s_scalarPoint);
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains("without a direction", result.Detail);
    }

    [Fact]
    public void A_tangent_missing_one_direction_fails()
    {
        var compiled = new CompiledProgram(s_scalar, Scalar, RightGradient, Tangent: (double[] s, double[] a, int n, int m, double[] tS, double[] tA, out double tangent) =>
        {
            tangent = Math.Cos(s[0]) * s[1] * tS[0];
            return Scalar(s, a, n, m);
        });
        CheckResult result = GradientChecker.CheckAt(compiled, s_directedPoint);
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains(GradientChecker.TangentHeading, result.Detail);
    }

    [Fact]
    public void A_tangent_returning_another_value_fails()
    {
        var compiled = new CompiledProgram(s_scalar, Scalar, RightGradient, Tangent: (double[] s, double[] a, int n, int m, double[] tS, double[] tA, out double tangent) =>
        {
            tangent = Math.Cos(s[0]) * s[1] * tS[0] + Math.Sin(s[0]) * tS[1];
            return Math.BitIncrement(Scalar(s, a, n, m));
        });
        Assert.Equal(Verdict.Failed, GradientChecker.CheckAt(compiled, s_directedPoint).Verdict);
    }

    /// <summary>
    /// f = sin(x0)·x1: H = [[−sin(x0)·x1, cos(x0)], [cos(x0), 0]]; <paramref name="scale"/> multiplies H's corner entry,
    /// <paramref name="gradientScale"/> the gradient the product adds.
    /// </summary>
    private static CompiledProgram WithHessianVector(double scale, double gradientScale = 1) => new(s_scalar, Scalar, RightGradient,
        Tangent: (double[] s, double[] a, int n, int m, double[] tS, double[] tA, out double tangent) =>
        {
            tangent = Math.Cos(s[0]) * s[1] * tS[0] + Math.Sin(s[0]) * tS[1];
            return Scalar(s, a, n, m);
        },
        HessianVector: (s, a, n, m, tS, tA, dS, dA, hvS, hvA) =>
        {
            dS[0] += gradientScale * Math.Cos(s[0]) * s[1];
            dS[1] += Math.Sin(s[0]);
            hvS[0] += -scale * Math.Sin(s[0]) * s[1] * tS[0] + Math.Cos(s[0]) * tS[1];
            hvS[1] += Math.Cos(s[0]) * tS[0];
            return Scalar(s, a, n, m);
        });

    [Fact]
    public void A_right_hessian_vector_product_passes() =>
        Assert.Equal(Verdict.Passed, GradientChecker.CheckAt(WithHessianVector(1), s_directedPoint).Verdict);

    [Fact]
    public void A_hessian_vector_product_with_a_wrong_entry_fails()
    {
        CheckResult result = GradientChecker.CheckAt(WithHessianVector(1.01), s_directedPoint);
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains(GradientChecker.HessianVectorHeading, result.Detail);
        Assert.Contains("hvx0", result.Detail);
    }

    /// <summary>The same product as a float program's: checked against second differences of its double reference.</summary>
    private static CompiledProgram FloatWithHessianVector(double scale) => WithHessianVector(scale) with
    {
        Program = s_scalar with { IsFloat = true },
        Reference = Scalar,
        // A float gradient's rounding as a smooth ripple: 1e-4 in the gradient (within its tolerance), but 1e-2 in its
        // derivative along x0, so differences of this gradient would fail the right product; its double reference's do not.
        Gradient = (s, a, n, m, dS, dA, seed) =>
        {
            double value = RightGradient(s, a, n, m, dS, dA, seed);
            dS[0] += 1e-4 * Math.Sin(100 * s[0]);
            return value;
        },
    };

    [Fact]
    public void A_right_float_hessian_vector_product_passes_against_its_double_reference() =>
        Assert.Equal(Verdict.Passed, GradientChecker.CheckAt(FloatWithHessianVector(1), s_directedPoint).Verdict);

    [Fact]
    public void A_float_hessian_vector_product_with_a_wrong_entry_fails_against_its_double_reference()
    {
        CheckResult result = GradientChecker.CheckAt(FloatWithHessianVector(1.01), s_directedPoint);
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains("hvx0", result.Detail);
    }

    [Fact]
    public void A_hessian_vector_product_adding_another_gradient_fails()
    {
        CheckResult result = GradientChecker.CheckAt(WithHessianVector(1, gradientScale: 1.01), s_directedPoint);
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains("dx0", result.Detail);
    }

    [Fact]
    public void A_wrong_component_fails()
    {
        var compiled = new CompiledProgram(s_scalar, Scalar, (s, a, n, m, dS, dA, seed) =>
        {
            dS[0] += seed * Math.Cos(s[0]) * s[1] * 1.0001;
            dS[1] += seed * Math.Sin(s[0]);
            return Scalar(s, a, n, m);
        });
        CheckResult result = GradientChecker.CheckAt(compiled, s_scalarPoint);
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains("dx0", result.Detail);
    }

    [Fact]
    public void Assigning_instead_of_adding_fails()
    {
        var compiled = new CompiledProgram(s_scalar, Scalar, (s, a, n, m, dS, dA, seed) =>
        {
            dS[0] = seed * Math.Cos(s[0]) * s[1];
            dS[1] = seed * Math.Sin(s[0]);
            return Scalar(s, a, n, m);
        });
        Assert.Equal(Verdict.Failed, GradientChecker.CheckAt(compiled, s_scalarPoint).Verdict);
    }

    [Fact]
    public void Ignoring_the_seed_fails()
    {
        var compiled = new CompiledProgram(s_scalar, Scalar, (s, a, n, m, dS, dA, seed) =>
        {
            dS[0] += Math.Cos(s[0]) * s[1];
            dS[1] += Math.Sin(s[0]);
            return Scalar(s, a, n, m);
        });
        Assert.Equal(Verdict.Failed, GradientChecker.CheckAt(compiled, s_scalarPoint).Verdict);
    }

    [Fact]
    public void Returning_another_value_fails_even_by_one_ulp()
    {
        var compiled = new CompiledProgram(s_scalar, Scalar, (s, a, n, m, dS, dA, seed) =>
        {
            dS[0] += seed * Math.Cos(s[0]) * s[1];
            dS[1] += seed * Math.Sin(s[0]);
            return Math.BitIncrement(Scalar(s, a, n, m));
        });
        CheckResult result = GradientChecker.CheckAt(compiled, s_scalarPoint);
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains("returned", result.Detail);
    }

    /// <summary>The right gradient of <see cref="Scalar"/>, as the generated one; the tape's is scaled by <paramref name="tapeError"/>.</summary>
    private static CompiledProgram WithTape(double tapeError) => new(s_scalar, Scalar, (s, a, n, m, dS, dA, seed) =>
    {
        dS[0] += seed * Math.Cos(s[0]) * s[1];
        dS[1] += seed * Math.Sin(s[0]);
        return Scalar(s, a, n, m);
    }, TapeGradient: (args, adjoints, seed) =>
    {
        adjoints[0][0] += seed * Math.Cos(args[0][0]) * args[1][0] * (1 + tapeError);
        adjoints[1][0] += seed * Math.Sin(args[0][0]);
        return Math.Sin(args[0][0]) * args[1][0];
    });

    [Fact]
    public void The_tape_agreeing_to_rounding_passes()
    {
        Assert.Equal(Verdict.Passed, GradientChecker.CheckAt(WithTape(1e-14), s_scalarPoint).Verdict);
    }

    [Fact]
    public void The_tape_disagreeing_within_the_finite_difference_tolerance_still_fails()
    {
        // 1e-7 relative passes the finite-difference check (1e-6) but not the tape's, which is exact AD.
        CheckResult result = GradientChecker.CheckAt(WithTape(1e-7), s_scalarPoint);
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains(TapeOracle.MismatchHeading, result.Detail);
        Assert.Contains("dx0", result.Detail);
    }

    [Fact]
    public void A_point_on_a_kink_is_skipped_not_failed()
    {
        static double Kinked(double[] s, double[] a, int n, int m) => Math.Abs(s[0] - 0.7001) * s[1];
        var compiled = new CompiledProgram(s_scalar, Kinked, (s, a, n, m, dS, dA, seed) =>
        {
            dS[0] += seed * Math.Sign(s[0] - 0.7001) * s[1];
            dS[1] += seed * Math.Abs(s[0] - 0.7001);
            return Kinked(s, a, n, m);
        });
        CheckResult result = GradientChecker.CheckAt(compiled, s_scalarPoint);
        Assert.Equal(Verdict.Skipped, result.Verdict);
        Assert.Contains("kink", result.Detail);
    }

    /// <summary>
    /// Seed 20261210, program 17819, reduced: f = (1 + Sign(x0²)/4)·(1 + x0²)·x1 at x0 = −0, where Sign(0) = 0 but 1
    /// beside it. f jumps at the point alone; its gradient along x0 is 0 on both sides, so the differences (which never
    /// evaluate the point) agree with it, but the Hessian there is the program's at the point (2·x1·v0, Sign taken as
    /// 0) and not the limit the differences of the gradient find (2.5·x1·v0). A right product must not fail there.
    /// </summary>
    [Fact]
    public void A_point_where_the_value_jumps_alone_is_skipped_not_failed()
    {
        static double Jumping(double[] s, double[] a, int n, int m) => (1 + 0.25 * Math.Sign(s[0] * s[0])) * (1 + s[0] * s[0]) * s[1];
        static double Factor(double x0) => 1 + 0.25 * Math.Sign(x0 * x0);
        var compiled = new CompiledProgram(s_scalar, Jumping, (s, a, n, m, dS, dA, seed) =>
            {
                dS[0] += seed * Factor(s[0]) * 2 * s[0] * s[1];
                dS[1] += seed * Factor(s[0]) * (1 + s[0] * s[0]);
                return Jumping(s, a, n, m);
            },
            HessianVector: (s, a, n, m, tS, tA, dS, dA, hvS, hvA) =>
            {
                dS[0] += Factor(s[0]) * 2 * s[0] * s[1];
                dS[1] += Factor(s[0]) * (1 + s[0] * s[0]);
                hvS[0] += Factor(s[0]) * (2 * s[1] * tS[0] + 2 * s[0] * tS[1]);
                hvS[1] += Factor(s[0]) * 2 * s[0] * tS[0];
                return Jumping(s, a, n, m);
            });
        EvaluationPoint atZero = new([-0.0, -0.4], [], 0, 0, 0.53, [-0.165, 0.25], []) { TangentScalars = [-0.42, 0.5] };
        CheckResult result = GradientChecker.CheckAt(compiled, atZero);
        Assert.Equal(Verdict.Skipped, result.Verdict);
        Assert.Contains("kink", result.Detail);

        // Away from the jump the same product is checked, and passes.
        Assert.Equal(Verdict.Passed, GradientChecker.CheckAt(compiled, atZero with { Scalars = [0.3, -0.4] }).Verdict);
    }

    [Fact]
    public void A_float_program_whose_branch_float_rounding_decides_is_skipped_not_failed()
    {
        // Program 3064 of the 20,000-program run, shrunk: 1.5f·(2·0.1f) rounds to 0.3f in float, so the comparison is
        // false there, while the double reference (its literals rounded to float) finds it true and returns the other
        // input. The float gradient is right for the float program; the reference's finite differences are not.
        static double Float(double[] s, double[] a, int n, int m) => 1.5f * (2 * 0.1f) < 0.3f ? s[1] : s[0];
        static double Reference(double[] s, double[] a, int n, int m) => 1.5 * (2 * (double)0.1f) < (double)0.3f ? s[1] : s[0];
        var compiled = new CompiledProgram(s_scalar with { IsFloat = true }, Float, (s, a, n, m, dS, dA, seed) =>
        {
            dS[0] += seed;
            return Float(s, a, n, m);
        }, Reference);
        CheckResult result = GradientChecker.CheckAt(compiled, s_scalarPoint);
        Assert.Equal(Verdict.Skipped, result.Verdict);
        Assert.Contains("part ways", result.Detail);
    }

    private static readonly CheckpointTwin s_twin = new("FBinomial", "Binomial", 2, "i");

    /// <summary>The in-place program with a checkpointed twin whose gradient is the right one changed by <paramref name="change"/>.</summary>
    private static CompiledProgram WithCheckpointedTwin(Action<double[], double[], double[]> change, LoopOrder order = LoopOrder.Same)
    {
        CompiledProgram compiled = InPlaceGradient(addUpstream: false);
        return compiled with
        {
            Checkpointed = [(s_twin, (s, a, n, m, dS, dA, seed) =>
            {
                double value = compiled.Gradient(s, a, n, m, dS, dA, seed);
                change(a, dS, dA);
                return value;
            })],
            CheckpointedLoopOrder = order,
        };
    }

    [Fact]
    public void A_checkpointed_twin_with_the_gradients_bits_passes() =>
        Assert.Equal(Verdict.Passed, GradientChecker.CheckAt(WithCheckpointedTwin((a, dS, dA) => { }), s_bufferPoint).Verdict);

    [Theory]
    [InlineData("ds[0]")]
    [InlineData("da[1]")]
    [InlineData("a[2]")]
    public void A_checkpointed_twin_one_ulp_off_fails(string component)
    {
        CompiledProgram compiled = WithCheckpointedTwin((a, dS, dA) =>
        {
            double[] target = component[0] == 'd' ? (component[1] == 's' ? dS : dA) : a;
            int index = component[^2] - '0';
            target[index] = Math.BitIncrement(target[index]);
        });
        CheckResult result = GradientChecker.CheckAt(compiled, s_bufferPoint);
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Contains(GradientChecker.CheckpointHeading + " of " + s_twin.Description, result.Detail);
        Assert.Contains($"  {component}: ", result.Detail);
    }

    [Fact]
    public void A_checkpointed_twin_is_not_compared_where_store_all_runs_its_loop_in_another_order()
    {
        // Where store all reorders the loop's sums, the last bits may differ: the twin is then not compared at all.
        static void OneUlp(double[] a, double[] dS, double[] dA) => dS[0] = Math.BitIncrement(dS[0]);
        CheckResult another = GradientChecker.CheckAt(WithCheckpointedTwin(OneUlp, LoopOrder.Another), s_bufferPoint);
        Assert.Equal(Verdict.Passed, another.Verdict);
        Assert.False(another.CheckpointCompared);

        // A vectorised forward loop gives the twin's bits while no whole vector runs (3 values here).
        CheckResult shortLoop = GradientChecker.CheckAt(WithCheckpointedTwin(OneUlp, LoopOrder.SameUnlessVectorsRun), s_bufferPoint);
        Assert.Equal(Verdict.Failed, shortLoop.Verdict);
        Assert.True(GradientChecker.CheckAt(WithCheckpointedTwin((a, dS, dA) => { }), s_bufferPoint).CheckpointCompared);
    }

    /// <summary>a[i] = a[i]²·x0 in place, and the result Σ a[i].</summary>
    private static double InPlace(double[] s, double[] a, int n, int m)
    {
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            a[i] = a[i] * a[i] * s[0];
            total += a[i];
        }

        return total;
    }

    [Fact]
    public void An_in_place_buffer_gradient_that_follows_the_contract_passes()
    {
        Assert.Equal(Verdict.Passed, GradientChecker.CheckAt(InPlaceGradient(addUpstream: false), s_bufferPoint).Verdict);
    }

    [Fact]
    public void An_in_place_buffer_gradient_that_keeps_the_upstream_gradient_fails()
    {
        // dA on exit must be the gradient with respect to the initial contents, not upstream + that.
        Assert.Equal(Verdict.Failed, GradientChecker.CheckAt(InPlaceGradient(addUpstream: true), s_bufferPoint).Verdict);
    }

    private static CompiledProgram InPlaceGradient(bool addUpstream) => new(s_inPlace, InPlace, (s, a, n, m, dS, dA, seed) =>
    {
        double[] initial = (double[])a.Clone();
        double result = InPlace(s, a, n, m);
        for (int i = 0; i < n; i++)
        {
            // d(final a[i])/d(initial a[i]) = 2·a[i]·x0, and the result reads each final a[i] once.
            double upstream = dA[i] + seed;
            dS[0] += upstream * initial[i] * initial[i];
            dA[i] = (addUpstream ? dA[i] : 0) + upstream * 2 * initial[i] * s[0];
        }

        return result;
    });
}
