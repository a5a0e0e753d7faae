using SourceGrad.Samples.Digits.Persistence;
using SourceGrad.Tests.Data;

namespace SourceGrad.Tests.Samples;

public sealed class ModelFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ParameterSet Model(int hidden = 3, long seed = 5)
    {
        var set = new ParameterSet();
        var random = new SeededRandom(seed);
        Init.Normal(set.Add("w1", hidden, 4).Value, 0, 1, random);
        Init.Normal(set.Add("b1", hidden).Value, 0, 1, random);
        Init.Normal(set.Add("w2", 2, hidden).Value, 0, 1, random);
        return set;
    }

    private string SavedModelPath(ParameterSet? set = null)
    {
        string path = _temp.File("model.sgm");
        ModelFile.Save(path, "mlp", set ?? Model());
        return path;
    }

    [Fact]
    public void Saved_parameters_load_back_exactly()
    {
        ParameterSet original = Model();
        string path = SavedModelPath(original);

        SavedModel saved = ModelFile.Read(path);
        ParameterSet loaded = Model(seed: 99);
        saved.CopyTo(loaded, "mlp", path);

        Assert.Equal("mlp", saved.Kind);
        Assert.Equal(["w1", "b1", "w2"], saved.Tensors.Select(t => t.Name));
        Assert.Equal([3, 4], saved.Find("w1")!.Shape);
        foreach (Parameter parameter in original)
            Assert.Equal(parameter.Value, loaded[parameter.Name].Value);
    }

    [Fact]
    public void The_header_starts_with_magic_and_version()
    {
        byte[] bytes = File.ReadAllBytes(SavedModelPath());

        Assert.Equal("SGRADPRM"u8.ToArray(), bytes[..8]);
        Assert.Equal(ModelFile.CurrentVersion, BitConverter.ToInt32(bytes, 8));
    }

    [Fact]
    public void Another_version_is_rejected_with_both_versions_named()
    {
        string path = SavedModelPath();
        byte[] bytes = File.ReadAllBytes(path);
        BitConverter.GetBytes(ModelFile.CurrentVersion + 1).CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<ModelFileException>(() => ModelFile.Read(path));
        Assert.Contains($"format version {ModelFile.CurrentVersion + 1}", error.Message);
        Assert.Contains($"reads version {ModelFile.CurrentVersion} only", error.Message);
    }

    [Fact]
    public void A_file_without_the_magic_is_rejected()
    {
        string path = _temp.File("not-a-model.bin");
        File.WriteAllText(path, "hello, this is not a model file at all");

        var error = Assert.Throws<ModelFileException>(() => ModelFile.Read(path));
        Assert.Contains("magic", error.Message);
    }

    [Fact]
    public void A_wrong_shape_names_the_parameter_and_both_shapes()
    {
        string path = SavedModelPath(Model(hidden: 3));
        SavedModel saved = ModelFile.Read(path);

        var error = Assert.Throws<ModelFileException>(() => saved.CopyTo(Model(hidden: 5), "mlp", path));
        Assert.Contains("'w1' has shape [3, 4], but the model expects [5, 4]", error.Message);
    }

    [Fact]
    public void A_file_of_another_model_kind_is_rejected()
    {
        string path = SavedModelPath();

        var error = Assert.Throws<ModelFileException>(() => ModelFile.Read(path).CopyTo(Model(), "linear", path));
        Assert.Contains("holds a 'mlp' model, but a 'linear' model was expected", error.Message);
    }

    [Fact]
    public void Missing_and_extra_parameters_are_named()
    {
        string path = SavedModelPath();
        var fewer = new ParameterSet();
        fewer.Add("w1", 3, 4);
        var more = Model();
        more.Add("w3", 1);

        Assert.Contains("a parameter 'b1' the 'mlp' model does not have", Assert.Throws<ModelFileException>(() => ModelFile.Read(path).CopyTo(fewer, "mlp", path)).Message);
        Assert.Contains("no parameter 'w3'", Assert.Throws<ModelFileException>(() => ModelFile.Read(path).CopyTo(more, "mlp", path)).Message);
    }

    [Fact]
    public void Every_truncation_is_reported_as_a_truncated_or_invalid_file()
    {
        string path = SavedModelPath();
        byte[] bytes = File.ReadAllBytes(path);
        string cut = _temp.File("cut.sgm");
        for (int length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(cut, bytes[..length]);
            var error = Assert.Throws<ModelFileException>(() => ModelFile.Read(cut));
            Assert.Contains(cut, error.Message);
        }
        File.WriteAllBytes(cut, bytes[..^1]);
        Assert.Contains("truncated", Assert.Throws<ModelFileException>(() => ModelFile.Read(cut)).Message);
    }

    [Fact]
    public void Extra_bytes_after_the_values_are_rejected()
    {
        string path = SavedModelPath();
        File.AppendAllText(path, "!");

        Assert.Contains("extra bytes", Assert.Throws<ModelFileException>(() => ModelFile.Read(path)).Message);
    }

    [Fact]
    public void A_missing_file_is_reported_with_its_path()
    {
        string path = _temp.File("nothing-here.sgm");

        Assert.Contains(path, Assert.Throws<FileNotFoundException>(() => ModelFile.Read(path)).Message);
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_temporary_file()
    {
        string path = SavedModelPath();
        byte[] before = File.ReadAllBytes(path);

        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100]);
            throw new IOException("disk full (simulated)");
        }));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void Saving_over_a_file_replaces_it_and_leaves_no_temporary_file()
    {
        string path = SavedModelPath(Model(seed: 1));
        ParameterSet second = Model(seed: 2);
        ModelFile.Save(path, "mlp", second);

        ParameterSet loaded = Model(seed: 3);
        ModelFile.Read(path).CopyTo(loaded, "mlp", path);
        Assert.Equal(second["w2"].Value, loaded["w2"].Value);
        Assert.Equal([path], Directory.GetFiles(_temp.Path));
    }
}
