using System.Reflection;

namespace SourceGrad.Samples.Digits.Models;

/// <summary>
/// The source the generator wrote for a [Differentiable] method. The build embeds the generated file itself (see the
/// EmbedGeneratedSources target in Digits.csproj): the compiler writes the generated files under
/// <c>$(CompilerGeneratedFilesOutputPath)</c> before it emits the assembly, so the embedded text is the code compiled into it.
/// </summary>
internal sealed record GeneratedSource(string Method, string FileName)
{
    /// <summary>The lecture's sigmoid and the loss over all points, in the order to read them.</summary>
    public static readonly GeneratedSource[] Logistic =
    [
        new("Logistic.Probability", "SourceGrad.Samples.Digits.Models.Logistic.Probability.5.Gradient.g.cs"),
        new("Logistic.Loss", "SourceGrad.Samples.Digits.Models.Logistic.Loss.7.Gradient.g.cs"),
    ];

    /// <summary>The resource name the build gives the embedded file.</summary>
    public string ResourceName => "generated/" + FileName;

    /// <exception cref="InvalidOperationException">The build did not embed the file (its name or the generator changed).</exception>
    public string Read()
    {
        using Stream stream = typeof(GeneratedSource).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException(
                $"The generated file '{FileName}' is not embedded in {typeof(GeneratedSource).Assembly.GetName().Name}; embedded are: " +
                string.Join(", ", typeof(GeneratedSource).Assembly.GetManifestResourceNames()) + ".");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
