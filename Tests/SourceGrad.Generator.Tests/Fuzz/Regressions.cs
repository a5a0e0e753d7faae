namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>
/// Minimal programs for the generator bugs the fuzzer found, checked by the fuzzer's oracle. A skipped test is
/// a bug still open (the skip reason says what goes wrong); the fuzzer avoids that construct until it is fixed
/// (see <see cref="KnownBugs"/>).
/// </summary>
public class Regressions
{
    [Fact(Skip = "generator bug: a [NoGrad] parameter assigned an active value stays inactive, so the gradient through it is dropped")]
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

    [Fact(Skip = "generator bug: a scalar argument that reads a span the call writes is re-evaluated after the call, so the rule gets the wrong value")]
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

    [Fact(Skip = "generator bug: a static readonly field named 'seed' is shadowed by the gradient's seed parameter: the gradient returns another value and a wrong gradient")]
    public void Field_named_seed() => FuzzCase.AssertCorrect(FuzzCase.Program(
        "double x0", "double", """
        return x0 * seed;
        """, members: "private static readonly double seed = 3;"));
}
