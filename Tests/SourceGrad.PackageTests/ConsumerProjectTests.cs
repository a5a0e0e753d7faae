namespace SourceGrad.PackageTests;

/// <summary>
/// A fresh console project outside the repository that knows SourceGrad only as a package from a folder feed:
/// its build must run the packaged generator, and its program must print the right gradients.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ConsumerProjectTests(PackedPackage package)
{
    private const string Program = """
        using System.Globalization;
        using SourceGrad;

        double dX = 0, dW1 = 0, dW2 = 0;
        double loss = Lecture.LossGradient(5, 1, 2, 2, ref dX, ref dW1, ref dW2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lecture: loss={loss} dX={dX} dW1={dW1} dW2={dW2}"));

        float[] x = [1, 2, 3];
        float[] dXs = new float[x.Length];
        float dW = 0;
        float energy = Lecture.EnergyGradient(x, 0.5f, dXs, ref dW);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"energy: loss={energy} dW={dW} dX={string.Join(',', dXs)}"));

        public static partial class Lecture
        {
            // L = ½ (w2 · relu(w1 · x) − y)²
            [Differentiable]
            public static double Loss(double x, double w1, double w2, [NoGrad] double y)
            {
                double h = Math.Max(0, w1 * x);
                double r = w2 * h - y;
                return 0.5 * r * r;
            }

            // Σ w·xᵢ² + Σ xᵢ: a loop, and a runtime kernel whose derivative rule lives in the package's runtime.
            [Differentiable]
            public static float Energy(ReadOnlySpan<float> x, float w)
            {
                float total = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    total += w * x[i] * x[i];
                }

                return total + Reductions.Sum(x);
            }
        }
        """;

    [Fact]
    public void A_console_project_referencing_the_package_builds_and_prints_its_gradients()
    {
        var project = new ConsumerProject(package, "Consumer", """
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            """, ("Program.cs", Program));

        project.Build();

        string[] generated = project.GeneratedGradients("Lecture");
        Assert.True(generated.Length == 2, $"the packaged generator should have written Lecture.Loss's and Lecture.Energy's gradients into {project.GeneratedDirectory}, but wrote: [{string.Join(", ", generated)}]");
        // Worked by hand: h = 5, r = 8, L = 32, dL/dw1 = r·w2·x = 80, dL/dw2 = r·h = 40, dL/dx = r·w2·w1 = 16;
        // energy = ½(1 + 4 + 9) + 6 = 13, dW = Σxᵢ² = 14, dXᵢ = 2·½·xᵢ + 1. All exact in binary floating point.
        Assert.Equal(["lecture: loss=32 dX=16 dW1=80 dW2=40", "energy: loss=13 dW=14 dX=2,3,4"], project.Run());
    }
}
