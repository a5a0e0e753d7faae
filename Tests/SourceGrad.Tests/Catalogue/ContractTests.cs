using System.Reflection;

namespace SourceGrad.Tests.Catalogue;

/// <summary>
/// The parts of the MGradient and MTangent contracts the finite-difference checks do not see: names, types, defaults,
/// accessibility, allocation.
/// </summary>
public class ContractTests
{
    public static TheoryData<Type, string, string[], Type[]> Signatures => new()
    {
        {
            typeof(LectureCatalogue), "LossGradient",
            ["x", "w1", "w2", "y", "dW1", "dW2", "seed"],
            [typeof(double), typeof(double), typeof(double), typeof(double), typeof(double).MakeByRefType(), typeof(double).MakeByRefType(), typeof(double)]
        },
        {
            typeof(LectureCatalogue), "MlpGradient",
            ["w1", "b1", "w2", "b2", "x", "labels", "batch", "inputs", "hidden", "classes", "dW1", "dB1", "dW2", "dB2", "seed"],
            [
                typeof(ReadOnlySpan<float>), typeof(ReadOnlySpan<float>), typeof(ReadOnlySpan<float>), typeof(ReadOnlySpan<float>),
                typeof(ReadOnlySpan<float>), typeof(ReadOnlySpan<int>), typeof(int), typeof(int), typeof(int), typeof(int),
                typeof(Span<float>), typeof(Span<float>), typeof(Span<float>), typeof(Span<float>), typeof(float),
            ]
        },
        {
            typeof(BufferCatalogue), "MatVecGradient",
            ["m", "v", "y", "rows", "cols", "dM", "dV", "dY"],
            [typeof(ReadOnlySpan<double>), typeof(ReadOnlySpan<double>), typeof(Span<double>), typeof(int), typeof(int), typeof(Span<double>), typeof(Span<double>), typeof(Span<double>)]
        },
        {
            typeof(BufferCatalogue), "ReversedArrayDotGradient",
            ["a", "b", "dA", "dB", "seed"],
            [typeof(double[]), typeof(double[]), typeof(Span<double>), typeof(Span<double>), typeof(double)]
        },
        {
            typeof(ScalarCatalogue), "ConstantScaleFGradient",
            ["scale", "x", "power", "dX", "seed"],
            [typeof(float), typeof(float), typeof(int), typeof(float).MakeByRefType(), typeof(float)]
        },
        {
            typeof(ScalarCatalogue), "MixedPrecisionGradient",
            ["x", "y", "dX", "dY", "seed"],
            [typeof(float), typeof(double), typeof(float).MakeByRefType(), typeof(double).MakeByRefType(), typeof(double)]
        },
        {
            typeof(ScalarCatalogue), "NarrowingResultGradient",
            ["x", "dX", "seed"],
            [typeof(double), typeof(double).MakeByRefType(), typeof(float)]
        },
        {
            typeof(CatalogueStruct), "CubeGradient",
            ["x", "dX", "seed"],
            [typeof(double), typeof(double).MakeByRefType(), typeof(double)]
        },
    };

    /// <summary>
    /// A scalar's tangent by value, a read span's or an input array's as ReadOnlySpan, a written span's or array's as
    /// Span; then <c>out</c> the result's tangent, unless the method is void.
    /// </summary>
    public static TheoryData<Type, string, string[], Type[]> TangentSignatures => new()
    {
        {
            typeof(LectureCatalogue), "LossTangent",
            ["x", "w1", "w2", "y", "tW1", "tW2", "tangent"],
            [typeof(double), typeof(double), typeof(double), typeof(double), typeof(double), typeof(double), typeof(double).MakeByRefType()]
        },
        {
            typeof(LectureCatalogue), "MlpTangent",
            ["w1", "b1", "w2", "b2", "x", "labels", "batch", "inputs", "hidden", "classes", "tW1", "tB1", "tW2", "tB2", "tangent"],
            [
                typeof(ReadOnlySpan<float>), typeof(ReadOnlySpan<float>), typeof(ReadOnlySpan<float>), typeof(ReadOnlySpan<float>),
                typeof(ReadOnlySpan<float>), typeof(ReadOnlySpan<int>), typeof(int), typeof(int), typeof(int), typeof(int),
                typeof(ReadOnlySpan<float>), typeof(ReadOnlySpan<float>), typeof(ReadOnlySpan<float>), typeof(ReadOnlySpan<float>),
                typeof(float).MakeByRefType(),
            ]
        },
        {
            typeof(BufferCatalogue), "MatVecTangent",
            ["m", "v", "y", "rows", "cols", "tM", "tV", "tY"],
            [typeof(ReadOnlySpan<double>), typeof(ReadOnlySpan<double>), typeof(Span<double>), typeof(int), typeof(int), typeof(ReadOnlySpan<double>), typeof(ReadOnlySpan<double>), typeof(Span<double>)]
        },
        {
            typeof(BufferCatalogue), "ReversedArrayDotTangent",
            ["a", "b", "tA", "tB", "tangent"],
            [typeof(double[]), typeof(double[]), typeof(ReadOnlySpan<double>), typeof(ReadOnlySpan<double>), typeof(double).MakeByRefType()]
        },
        {
            typeof(BufferCatalogue), "ArrayInPlaceTangent",
            ["a", "tA"],
            [typeof(double[]), typeof(Span<double>)]
        },
        {
            typeof(ScalarCatalogue), "ConstantScaleFTangent",
            ["scale", "x", "power", "tX", "tangent"],
            [typeof(float), typeof(float), typeof(int), typeof(float), typeof(float).MakeByRefType()]
        },
        {
            typeof(ScalarCatalogue), "MixedPrecisionTangent",
            ["x", "y", "tX", "tY", "tangent"],
            [typeof(float), typeof(double), typeof(float), typeof(double), typeof(double).MakeByRefType()]
        },
        {
            typeof(ScalarCatalogue), "NarrowingResultTangent",
            ["x", "tX", "tangent"],
            [typeof(double), typeof(double), typeof(float).MakeByRefType()]
        },
        {
            typeof(CatalogueStruct), "CubeTangent",
            ["x", "tX", "tangent"],
            [typeof(double), typeof(double), typeof(double).MakeByRefType()]
        },
    };

    [Theory]
    [MemberData(nameof(Signatures))]
    public void Generated_signature_follows_the_contract(Type type, string name, string[] parameterNames, Type[] parameterTypes)
    {
        (MethodInfo primal, ParameterInfo[] parameters) = AssertSignature(type, name, "Gradient", parameterNames, parameterTypes);
        Assert.All(parameters.Where(p => p.ParameterType.IsByRef), p => Assert.False(p.IsOut, $"{p.Name} is ref, not out"));
        if (primal.ReturnType != typeof(void))
        {
            ParameterInfo seed = parameters[^1];
            Assert.True(seed.HasDefaultValue, "seed has a default");
            Assert.Equal(Convert.ChangeType(1, primal.ReturnType), seed.DefaultValue);
        }
    }

    [Theory]
    [MemberData(nameof(TangentSignatures))]
    public void Generated_tangent_signature_follows_the_contract(Type type, string name, string[] parameterNames, Type[] parameterTypes)
    {
        (MethodInfo primal, ParameterInfo[] parameters) = AssertSignature(type, name, "Tangent", parameterNames, parameterTypes);
        Assert.All(parameters.Where(p => p.ParameterType.IsByRef), p => Assert.True(p.IsOut, $"{p.Name} is out, not ref"));
        Assert.Equal(primal.ReturnType == typeof(void) ? 0 : 1, parameters.Count(p => p.IsOut));
        Assert.All(parameters, p => Assert.False(p.HasDefaultValue, $"{p.Name} has no default"));
    }

    [Fact]
    public void Gradient_and_tangent_of_an_internal_method_are_internal()
    {
        Assert.True(FindMethod(typeof(ScalarCatalogue), "InternalSquareGradient").IsAssembly);
        Assert.True(FindMethod(typeof(ScalarCatalogue), "InternalSquareTangent").IsAssembly);
    }

    /// <summary>Two calls add twice: adjoints are accumulated, never assigned.</summary>
    [Fact]
    public void Calling_twice_accumulates_twice()
    {
        double[] x = [0.5, -1.25, 2];
        double[] dX = new double[3];
        BufferCatalogue.SumOfSquaresGradient(x, dX);
        BufferCatalogue.SumOfSquaresGradient(x, dX, seed: 0.5);
        Assert.Equal([1.5, -3.75, 6], dX);

        double dScalar = 1;
        ScalarCatalogue.PolynomialGradient(2, ref dScalar);
        ScalarCatalogue.PolynomialGradient(2, ref dScalar);
        // d/dx (3x³ - 2x² + x - 7) = 9x² - 4x + 1 = 29 at 2.
        Assert.Equal(1 + 2 * 29, dScalar);
    }

    /// <summary>A zero seed leaves every adjoint untouched (and still returns the value).</summary>
    [Fact]
    public void Zero_seed_adds_nothing()
    {
        double dX = 3, dY = -4;
        double value = ControlFlowCatalogue.IteratedMapGradient(0.3, -0.2, 5, ref dX, ref dY, 0);
        Assert.Equal(ControlFlowCatalogue.IteratedMap(0.3, -0.2, 5), value, 1e-15);
        Assert.Equal(3, dX);
        Assert.Equal(-4, dY);
    }

    [Fact]
    public void Steady_state_mlp_gradient_allocates_nothing()
    {
        MlpProblem p = MlpProblem.Sample(Sample.For(nameof(Steady_state_mlp_gradient_allocates_nothing)));
        float[] dW1 = new float[p.W1.Length], dB1 = new float[p.B1.Length], dW2 = new float[p.W2.Length], dB2 = new float[p.B2.Length];
        AssertSteadyStateAllocatesNothing(() => LectureCatalogue.MlpGradient(p.W1, p.B1, p.W2, p.B2, p.X, p.Labels,
            MlpProblem.Batch, MlpProblem.Inputs, MlpProblem.Hidden, MlpProblem.Classes, dW1, dB1, dW2, dB2));
    }

    [Fact]
    public void Steady_state_gradients_that_save_inside_loops_allocate_nothing()
    {
        double[] a = [0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8];
        double[] dA = new double[a.Length];
        float[] x = [0.25f, -0.5f, 0.75f, 1f];
        float[] dX = new float[x.Length];
        AssertSteadyStateAllocatesNothing(() =>
        {
            double dMapX = 0, dMapC = 0;
            ControlFlowCatalogue.IteratedMapGradient(0.3, -0.2, 100, ref dMapX, ref dMapC);
            BufferCatalogue.RepeatedInPlaceGradient(a, 4, dA);
            CallCatalogue.CallsInLoopGradient(a, dA);
            CallCatalogue.MultiplyInLoopGradient(x, dX);
            float dGain = 0;
            BufferCatalogue.StackallocOverwrittenFGradient(x, 0.9f, dX, ref dGain);
        });
    }

    [Fact]
    public void Steady_state_tangents_allocate_nothing()
    {
        MlpProblem p = MlpProblem.Sample(Sample.For(nameof(Steady_state_tangents_allocate_nothing)));
        float[] tW1 = new float[p.W1.Length], tB1 = new float[p.B1.Length], tW2 = new float[p.W2.Length], tB2 = new float[p.B2.Length];
        double[] a = [0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8];
        double[] tA = new double[a.Length];
        float[] x = [0.25f, -0.5f, 0.75f, 1f];
        float[] tX = [1, 0, -1, 0.5f];
        AssertSteadyStateAllocatesNothing(() =>
        {
            LectureCatalogue.MlpTangent(p.W1, p.B1, p.W2, p.B2, p.X, p.Labels,
                MlpProblem.Batch, MlpProblem.Inputs, MlpProblem.Hidden, MlpProblem.Classes, tW1, tB1, tW2, tB2, out _);
            ControlFlowCatalogue.IteratedMapTangent(0.3, -0.2, 100, 1, 0, out _);
            BufferCatalogue.RepeatedInPlaceTangent(a, 4, tA);
            CallCatalogue.CallsInLoopTangent(a, tA, out _);
            CallCatalogue.MultiplyInLoopTangent(x, tX, out _);
            BufferCatalogue.StackallocOverwrittenFTangent(x, 0.9f, tX, 1, out _);
        });
    }

    /// <summary>200 calls of <paramref name="step"/> allocate nothing on this thread, after 200 that warm up (JIT, pools).</summary>
    private static void AssertSteadyStateAllocatesNothing(Action step)
        => Allocations.AssertSteadyStateAllocatesNothing(step, steps: 200, warmup: 200);

    /// <summary>The generated method's parameter names and types, and the accessibility and return type it shares with the primal.</summary>
    private static (MethodInfo Primal, ParameterInfo[] Parameters) AssertSignature(
        Type type, string name, string suffix, string[] parameterNames, Type[] parameterTypes)
    {
        MethodInfo generated = FindMethod(type, name);
        ParameterInfo[] parameters = generated.GetParameters();
        Assert.Equal(parameterNames, parameters.Select(p => p.Name));
        Assert.Equal(parameterTypes, parameters.Select(p => p.ParameterType));

        MethodInfo primal = FindMethod(type, name[..^suffix.Length]);
        Assert.Equal(primal.ReturnType, generated.ReturnType);
        Assert.True(generated.IsStatic);
        Assert.Equal(primal.IsPublic, generated.IsPublic);
        Assert.Equal(primal.IsAssembly, generated.IsAssembly);
        return (primal, parameters);
    }

    private static MethodInfo FindMethod(Type type, string name) =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        ?? throw new InvalidOperationException($"{type.Name}.{name} not found");
}
