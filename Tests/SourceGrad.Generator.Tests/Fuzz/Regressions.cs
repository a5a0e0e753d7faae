namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>
/// Minimal programs for the generator bugs the fuzzer found, checked by the fuzzer's oracle. A skipped test is
/// a bug still open (the skip reason says what goes wrong); the fuzzer avoids that construct until it is fixed
/// (see <see cref="KnownBugs"/>).
/// </summary>
public class Regressions
{
    [Fact]
    public void NoGrad_parameter_overwritten_with_an_active_value() => FuzzCase.AssertCorrect(FuzzCase.Program(
        "[NoGrad] double x0, double x1", "double", """
        x0 = x0 * x1;
        return x0 * x0;
        """));

    /// <summary>Fixed on main (f211853).</summary>
    [Fact]
    public void Continue_in_a_loop_with_a_saved_counter() => FuzzCase.AssertCorrect(FuzzCase.Program(
        "double x0, double[] a, int n", "double", """
        double s = x0;
        for (int i = 0; i < n; i = i + 1)
        {
            if (i == 1)
            {
                continue;
            }

            s = s * a[i];
        }

        return s;
        """, minimumLength: 3));

    [Fact]
    public void Argument_reading_the_span_the_call_writes() => FuzzCase.AssertCorrect(FuzzCase.Program(
        "double[] a, int n", "double", """
        Span<double> t = stackalloc double[n];
        for (int i = 0; i < n; i++)
        {
            t[i] = a[i] * a[i];
        }

        FuzzLib.Blend(t, a, t[0]);
        return t[0];
        """, minimumLength: 1));

    /// <summary>
    /// Seed 20261210, program 17819, shrunk: at x0 = −0, Sign(Log2(1 + sin²x0)) is Sign(0) = 0, but 1 beside the point,
    /// so the value jumps there alone. The gradient is 0 on both sides, but the product, right for the program at the
    /// point (tanh″ at the point's value), differs from the differences of the gradient (the neighbours' value): the
    /// oracle reported a wrong Hessian-vector product. It skips such a point now; elsewhere the program passes.
    /// </summary>
    [Fact]
    public void Sign_of_zero_at_the_point_makes_the_value_jump_there_alone()
    {
        FuzzProgram program = FuzzCase.Program("double x0", "double", """
            return Math.Tanh(0.5 * (Math.Exp(-x0 * x0) + Math.Sign(Math.Log2(1 + Math.Sin(x0) * Math.Sin(x0))) * 0.25)) * 0.1;
            """);
        var failures = new List<FuzzFailure>();
        (LoadedAssembly? assembly, _) = FuzzRunner.Compile([program], failures);
        Assert.True(assembly is not null, string.Join("\n", failures.Select(f => f.Report())));
        using (assembly)
        {
            CompiledProgram compiled = CompiledProgram.From(program, assembly.Assembly);
            EvaluationPoint atZero = new([-0.0], [], 0, 0, 0.53, [-0.165], []) { TangentScalars = [-0.42] };
            CheckResult result = GradientChecker.CheckAt(compiled, atZero);
            Assert.True(result.Verdict == Verdict.Skipped, result.Detail);
            Assert.Equal(Verdict.Passed, GradientChecker.CheckAt(compiled, atZero with { Scalars = [0.3] }).Verdict);
        }

        FuzzCase.AssertCorrect(program);
    }

    [Fact]
    public void Field_named_seed() => FuzzCase.AssertCorrect(FuzzCase.Program(
        "double x0", "double", """
        return x0 * seed;
        """, members: "private static readonly double seed = 3;"));

    /// <summary>
    /// Seed 777, program 62: three contributions to one element were fused into <c>dA[j] += _g1 + c ? d : 0;</c>,
    /// which C# reads as <c>(_g1 + c) ? …</c>, so the sum was lost.
    /// </summary>
    [Fact]
    public void Fused_contributions_ending_in_a_conditional() =>
        // At this point a[0] is raised above the floor before it is read, so the conditional's branch matters.
        Infrastructure.SpanGradientCheck.AssertGeneratedGradientMatches("""
            public static partial class Fused
            {
                [Differentiable]
                public static double F(double x1, double[] a, int n)
                {
                    int i = n;
                    while (i > 0)
                    {
                        i--;
                        double floor = 0.5;
                        a[n - 1 - i] += Math.Max(a[i / 2], floor) / (1 + Math.Max(a[i / 2], floor) * Math.Max(a[i / 2], floor));
                    }

                    return x1 * a[0] + a[1];
                }
            }
            """, "Fused", "F", [-0.37, new[] { 0.271, -0.06, -0.279, 0.04 }, 4]);
}
