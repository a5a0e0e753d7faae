namespace SourceGrad.Generator.Tests.Corpus;

/// <summary>
/// Minimal inputs for the generator crashes and compile errors the corpus test found. A skipped test is a bug
/// still open; its input is left out of <see cref="TrickyInputs"/> until it is fixed (then un-skip the test and
/// put the input back).
/// </summary>
public class CorpusRegressions
{
    [Fact(Skip = "generator bug: a parameter named '_' (or only underscores) makes the generator fail (IndexOutOfRangeException in Names.Adjoint, now reported as SG0018)")]
    public void Parameter_named_underscore() => AssertHandled("""
        public static partial class C
        {
            [SourceGrad.Differentiable]
            public static double F(double _, double x) => _ * x;
        }
        """);

    [Fact(Skip = "generator bug: two [Differentiable] overloads with the same parameter count get the same hint name, and AddSource throws")]
    public void Overloads_with_the_same_parameter_count() => AssertHandled("""
        public static partial class C
        {
            [SourceGrad.Differentiable]
            public static double Twice(double x) => 2 * x;

            [SourceGrad.Differentiable]
            public static float Twice(float x) => 2 * x;
        }
        """);

    [Fact(Skip = "generator bug: generated code calls Math.* unqualified, which binds to the namespace when the type is in a namespace named Math (or next to one)")]
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

    [Fact(Skip = "generator bug: generated code calls Math.* unqualified, which binds to a member of the type named Math")]
    public void Type_with_a_member_named_Math() => AssertHandled("""
        public static partial class C
        {
            public static double Math = 3;

            [SourceGrad.Differentiable]
            public static double F(double x) => System.Math.Sin(x) * x;
        }
        """);

    [Fact(Skip = "generator bug: generated code calls Math.* unqualified and has no 'using System;', so it does not compile without implicit usings")]
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

    [Fact(Skip = "generator bug: a call to a [Differentiable] method whose own gradient failed (it has an SG error) emits a call to its missing gradient (CS0117) instead of a diagnostic")]
    public void Call_to_a_differentiable_method_with_errors() => AssertHandled("""
        public static partial class C
        {
            [SourceGrad.Differentiable]
            public static double G(double x) => x switch { > 0 => x, _ => -x };

            [SourceGrad.Differentiable]
            public static double F(double x) => G(x) * 2;
        }
        """);

    [Fact(Skip = "generator bug: the gradient of a method of a file-local type goes to a new non-file type in the generated file, with no diagnostic")]
    public void Method_of_a_file_local_type() => AssertHandled("""
        file static partial class C
        {
            [SourceGrad.Differentiable]
            public static double F(double x) => x * x;
        }
        """);

    [Fact(Skip = "generator bug: static readonly fields read by name are shadowed by generated locals with the same name (_v1, _d1, _result1, ...)")]
    public void Fields_named_like_generated_temporaries() => AssertHandled("""
        public static partial class C
        {
            private static readonly double _v1 = 2;
            private static readonly double _d1 = 3;

            [SourceGrad.Differentiable]
            public static double F(double x) => System.Math.Sin(x) * _v1 + _d1 * x * x;
        }
        """);

    /// <summary>The input compiles (with the generator) and the generator neither crashes nor leaves the method without a gradient or an SG error.</summary>
    private static void AssertHandled(string source, bool implicitUsings = true)
    {
        CorpusResult result = CorpusChecker.Check("Case", [("Case.cs", source)], CorpusChecker.References(withRuntime: true), implicitUsings);
        Assert.True(result.Problems.Count == 0, string.Join("\n\n", result.Problems));
    }
}
