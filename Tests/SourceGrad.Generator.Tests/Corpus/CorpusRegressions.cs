namespace SourceGrad.Generator.Tests.Corpus;

/// <summary>
/// Minimal inputs for the generator crashes and compile errors the corpus test found (all fixed; see
/// docs/fuzzing.md). A bug found later gets a skipped test here while it is open, and its input stays out of
/// <see cref="TrickyInputs"/> until it is fixed.
/// </summary>
public class CorpusRegressions
{
    [Fact]
    public void Parameter_named_underscore() => AssertHandled("""
        public static partial class C
        {
            [SourceGrad.Differentiable]
            public static double F(double _, double x) => _ * x;
        }
        """);

    [Fact]
    public void Overloads_with_the_same_parameter_count() => AssertHandled("""
        public static partial class C
        {
            [SourceGrad.Differentiable]
            public static double Twice(double x) => 2 * x;

            [SourceGrad.Differentiable]
            public static float Twice(float x) => 2 * x;
        }
        """);

    [Fact]
    public void Type_in_a_namespace_named_Math() => AssertHandled("""
        namespace Physics.Math
        {
            public static partial class C
            {
                [SourceGrad.Differentiable]
                public static double F(double x) => System.Math.Sin(x) * x;
            }
        }
        """);

    [Fact]
    public void Type_with_a_member_named_Math() => AssertHandled("""
        public static partial class C
        {
            public static double Math = 3;

            [SourceGrad.Differentiable]
            public static double F(double x) => System.Math.Sin(x) * x;
        }
        """);

    [Fact]
    public void File_without_implicit_usings() => AssertHandled("""
        using System;

        public static partial class C
        {
            [SourceGrad.Differentiable]
            public static double F(double x) => Math.Sin(x) * x;
        }
        """, implicitUsings: false);

    [Fact]
    public void Local_named_seed() => AssertHandled("""
        public static partial class C
        {
            [SourceGrad.Differentiable]
            public static double F(double x)
            {
                double seed = x * 2;
                return seed * seed;
            }
        }
        """);

    [Fact]
    public void Call_to_a_differentiable_method_with_errors() => AssertHandled("""
        public static partial class C
        {
            [SourceGrad.Differentiable]
            public static double G(double x) => x switch { > 0 => x, _ => -x };

            [SourceGrad.Differentiable]
            public static double F(double x) => G(x) * 2;
        }
        """);

    [Fact]
    public void Method_of_a_file_local_type() => AssertHandled("""
        file static partial class C
        {
            [SourceGrad.Differentiable]
            public static double F(double x) => x * x;
        }
        """);

    [Fact]
    public void Fields_named_like_generated_temporaries() => AssertHandled("""
        public static partial class C
        {
            private static readonly double _v1 = 2;
            private static readonly double _d1 = 3;

            [SourceGrad.Differentiable]
            public static double F(double x) => System.Math.Sin(x) * _v1 + _d1 * x * x;
        }
        """);

    [Fact]
    public void Partial_method_with_the_attribute_on_both_parts() => AssertHandled("""
        public static partial class C
        {
            [SourceGrad.Differentiable]
            public static partial double F(double x);

            [SourceGrad.Differentiable]
            public static partial double F(double x) => x * x;
        }
        """);

    /// <summary>The input compiles (with the generator) and the generator neither crashes nor leaves the method without a gradient or an SG error.</summary>
    private static void AssertHandled(string source, bool implicitUsings = true)
    {
        CorpusResult result = CorpusChecker.Check("Case", [("Case.cs", source)], CorpusChecker.References(withRuntime: true), implicitUsings);
        Assert.True(result.Problems.Count == 0, string.Join("\n\n", result.Problems));
    }
}
