using System.Text;

namespace SourceGrad.Samples.Digits.Persistence;

/// <summary>
/// The saved parameters of a model. Format (version 1, all numbers little-endian):
/// <code>
/// magic     8 bytes   "SGRADPRM"
/// version   int32     1
/// kind      string    the model ("linear", "mlp", "inpaint")
/// count     int32     number of parameters
/// count ×   string name, int32 rank, rank × int32 dimension
/// count ×   float32 values, row-major, in the order of the header
/// </code>
/// A string is an int32 byte count and that many UTF-8 bytes. Files are written atomically (<see cref="AtomicFile"/>).
/// </summary>
internal static class ModelFile
{
    public const int CurrentVersion = 1;
    private static readonly byte[] Magic = "SGRADPRM"u8.ToArray();
    private const int MaxRank = 8;
    private const int MaxStringBytes = 1024;

    /// <summary>Saves <paramref name="parameters"/> under the model name <paramref name="kind"/>, atomically.</summary>
    public static void Save(string path, string kind, ParameterSet parameters) =>
        AtomicFile.Write(path, stream => Write(stream, kind, parameters));

    /// <summary>Writes the format to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, string kind, ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(parameters);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(CurrentVersion);
        WriteString(writer, kind);
        writer.Write(parameters.Count);
        foreach (Parameter parameter in parameters)
        {
            WriteString(writer, parameter.Name);
            writer.Write(parameter.Shape.Length);
            foreach (int dimension in parameter.Shape)
                writer.Write(dimension);
        }
        foreach (Parameter parameter in parameters)
        {
            foreach (float value in parameter.Value)
                writer.Write(value);
        }
    }

    /// <summary>Reads a saved model.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="ModelFileException">The file is not a model file of a version this program reads, or is truncated.</exception>
    public static SavedModel Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
            throw new FileNotFoundException($"Model file not found: '{fullPath}'.", fullPath);
        using FileStream stream = File.OpenRead(fullPath);
        return Read(stream, fullPath);
    }

    /// <summary>Reads a saved model from <paramref name="stream"/>; <paramref name="source"/> names it in errors.</summary>
    public static SavedModel Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            byte[] magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
                throw new ModelFileException(source, $"it does not start with the magic bytes \"{Encoding.ASCII.GetString(Magic)}\" of a SourceGrad model file.");
            int version = reader.ReadInt32();
            if (version != CurrentVersion)
                throw new ModelFileException(source, $"it has format version {version}, but this program reads version {CurrentVersion} only.");

            string kind = ReadString(reader, source, "the model kind");
            int count = reader.ReadInt32();
            if (count is < 1 or > 1000)
                throw new ModelFileException(source, $"it declares {count} parameters; expected 1 to 1000.");

            var headers = new (string Name, int[] Shape, long Length)[count];
            for (int p = 0; p < count; p++)
            {
                string name = ReadString(reader, source, $"the name of parameter {p}");
                int rank = reader.ReadInt32();
                if (rank is < 1 or > MaxRank)
                    throw new ModelFileException(source, $"parameter '{name}' has rank {rank}; expected 1 to {MaxRank}.");
                var shape = new int[rank];
                long length = 1;
                for (int d = 0; d < rank; d++)
                {
                    shape[d] = reader.ReadInt32();
                    if (shape[d] < 1)
                        throw new ModelFileException(source, $"parameter '{name}' has dimension {d} of size {shape[d]}; sizes must be >= 1.");
                    length *= shape[d];
                    if (length > Array.MaxLength)
                        throw new ModelFileException(source, $"parameter '{name}' of shape {ShapeText(shape[..(d + 1)])}… is larger than an array can hold.");
                }
                headers[p] = (name, shape, length);
            }

            long expectedBytes = headers.Sum(h => h.Length) * sizeof(float);
            if (stream.CanSeek && stream.Length - stream.Position != expectedBytes)
            {
                throw new ModelFileException(source,
                    $"the header declares {expectedBytes} bytes of values, but {stream.Length - stream.Position} follow it " +
                    (stream.Length - stream.Position < expectedBytes ? "(the file is truncated)." : "(there are extra bytes at the end)."));
            }

            var tensors = new SavedTensor[count];
            for (int p = 0; p < count; p++)
            {
                var values = new float[headers[p].Length];
                for (int i = 0; i < values.Length; i++)
                    values[i] = reader.ReadSingle();
                tensors[p] = new SavedTensor(headers[p].Name, headers[p].Shape, values);
            }
            if (stream.ReadByte() >= 0)
                throw new ModelFileException(source, "there are extra bytes after the values the header declares.");
            return new SavedModel(kind, tensors);
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFileException(source, "it is truncated: it ends before the data its header declares.", e);
        }
    }

    internal static string ShapeText(IEnumerable<int> shape) => $"[{string.Join(", ", shape)}]";

    private static void WriteString(BinaryWriter writer, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    private static string ReadString(BinaryReader reader, string source, string what)
    {
        int length = reader.ReadInt32();
        if (length is < 1 or > MaxStringBytes)
            throw new ModelFileException(source, $"{what} is {length} bytes long; expected 1 to {MaxStringBytes}.");
        byte[] bytes = reader.ReadBytes(length);
        if (bytes.Length < length)
            throw new EndOfStreamException();
        return Encoding.UTF8.GetString(bytes);
    }
}

/// <summary>One saved parameter: its name, shape and values.</summary>
internal sealed record SavedTensor(string Name, int[] Shape, float[] Values);

/// <summary>What a model file holds: the model kind and its parameters in file order.</summary>
internal sealed record SavedModel(string Kind, IReadOnlyList<SavedTensor> Tensors)
{
    /// <summary>Throws a <see cref="ModelFileException"/> unless the file holds a model of kind <paramref name="expectedKind"/>.</summary>
    public void RequireKind(string expectedKind, string source)
    {
        if (Kind != expectedKind)
            throw new ModelFileException(source, $"it holds a '{Kind}' model, but a '{expectedKind}' model was expected.");
    }

    /// <summary>The saved parameter named <paramref name="name"/>, or null.</summary>
    public SavedTensor? Find(string name) => Tensors.FirstOrDefault(t => t.Name == name);

    /// <summary>
    /// Copies the saved values into <paramref name="parameters"/>, which must be a model of the same kind with exactly the
    /// same parameter names and shapes; otherwise a <see cref="ModelFileException"/> says what differs.
    /// </summary>
    public void CopyTo(ParameterSet parameters, string expectedKind, string source)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        RequireKind(expectedKind, source);
        foreach (Parameter parameter in parameters)
        {
            SavedTensor saved = Find(parameter.Name)
                ?? throw new ModelFileException(source, $"it has no parameter '{parameter.Name}' (it has: {string.Join(", ", Tensors.Select(t => t.Name))}).");
            if (!saved.Shape.AsSpan().SequenceEqual(parameter.Shape))
                throw new ModelFileException(source, $"parameter '{parameter.Name}' has shape {ModelFile.ShapeText(saved.Shape)}, but the model expects {ModelFile.ShapeText(parameter.Shape)}.");
        }
        SavedTensor? extra = Tensors.FirstOrDefault(t => !parameters.Contains(t.Name));
        if (extra is not null)
            throw new ModelFileException(source, $"it has a parameter '{extra.Name}' the '{expectedKind}' model does not have.");

        foreach (Parameter parameter in parameters)
            Find(parameter.Name)!.Values.CopyTo(parameter.Value, 0);
    }
}

/// <summary>A model file is not what the program expected; the message names the file and the problem.</summary>
internal sealed class ModelFileException(string path, string problem, Exception? innerException = null)
    : IOException($"'{path}' cannot be loaded: {problem}", innerException)
{
    public string FilePath { get; } = path;
}
