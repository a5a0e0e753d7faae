using System.Reflection;

namespace SourceGrad.Samples.Digits.Models;

/// <summary>
/// The source the generator wrote for a [Differentiable] method, read from the folder the compiler wrote it to
/// (<c>$(CompilerGeneratedFilesOutputPath)</c>, recorded in the assembly by Digits.csproj) when it compiled this
/// assembly: the text is the code compiled into it.
/// </summary>
/// <param name="Method">The method, as "Type.Method".</param>
/// <param name="FilePrefix">How the generated file's name starts (the generator adds the arity and a signature hash).</param>
internal sealed record GeneratedSource(string Method, string FilePrefix)
{
    private const string FolderKey = "SourceGrad.GeneratedFilesFolder";

    /// <summary>The lecture's sigmoid and the loss over all points, in the order to read them.</summary>
    public static readonly GeneratedSource[] Logistic =
    [
        new("Logistic.Probability", "SourceGrad.Samples.Digits.Models.Logistic.Probability."),
        new("Logistic.Loss", "SourceGrad.Samples.Digits.Models.Logistic.Loss."),
    ];

    /// <summary>Where the compiler wrote the generated files when it built this assembly.</summary>
    public static string? Folder => typeof(GeneratedSource).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(attribute => attribute.Key == FolderKey)?.Value;

    /// <summary>The generated file and its text.</summary>
    /// <exception cref="FileNotFoundException">The folder or the file is not there (the app was copied away from the tree that built it).</exception>
    public (string Path, string Text) Read()
    {
        string? folder = Folder;
        if (folder is null || !Directory.Exists(folder))
            throw new FileNotFoundException($"The generated files are not where the compiler wrote them ('{folder}'); run the app from the tree that built it.", folder);

        // A rename of the generator's files leaves the old ones behind: the newest is the one this build wrote.
        string path = Directory.EnumerateFiles(folder, FilePrefix + "*.Gradient.g.cs", SearchOption.AllDirectories)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault()
            ?? throw new FileNotFoundException($"No generated file '{FilePrefix}*.Gradient.g.cs' for {Method} in '{folder}'.", folder);
        return (path, File.ReadAllText(path));
    }
}
