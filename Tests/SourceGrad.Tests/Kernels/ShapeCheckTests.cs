namespace SourceGrad.Tests.Kernels;

/// <summary>User mistakes raise ArgumentException naming the argument, what was expected and what was given.</summary>
public class ShapeCheckTests
{
    [Fact]
    public void MatMul_names_the_operand_whose_length_does_not_fit()
    {
        var error = Assert.Throws<ArgumentException>(() => Linalg.MatMul(new float[24], new float[16], new float[30], 6, 4, 4));
        Assert.Equal("c", error.ParamName);
        Assert.StartsWith("c has length 30 but m*n = 6*4 = 24.", error.Message);

        error = Assert.Throws<ArgumentException>(() => Linalg.MatMul(new float[23], new float[16], new float[24], 6, 4, 4));
        Assert.Equal("a", error.ParamName);
        Assert.StartsWith("a has length 23 but m*k = 6*4 = 24.", error.Message);

        error = Assert.Throws<ArgumentException>(() => Linalg.MatMulAdd(new double[24], new double[12], new double[24], 6, 4, 4, transposeB: true));
        Assert.Equal("b", error.ParamName);
        Assert.StartsWith("b has length 12 but n*k = 4*4 = 16.", error.Message);

        error = Assert.Throws<ArgumentException>(() => Linalg.MatMul(new float[5], new float[8], new float[12], 3, 2, 4, transposeA: true));
        Assert.Equal("a", error.ParamName);
        Assert.StartsWith("a has length 5 but k*m = 2*3 = 6.", error.Message);
    }

    [Fact]
    public void MatMul_rejects_negative_sizes_and_an_output_that_overlaps_an_operand()
    {
        Assert.Equal("m", Assert.Throws<ArgumentOutOfRangeException>(() => Linalg.MatMul(new float[0], new float[0], new float[0], -1, 0, 0)).ParamName);
        float[] buffer = new float[16];
        var error = Assert.Throws<ArgumentException>(() => Linalg.MatMul(buffer.AsSpan(0, 4), buffer.AsSpan(4, 4), buffer.AsSpan(2, 4), 2, 2, 2));
        Assert.Equal("c", error.ParamName);
        Assert.Contains("overlaps a", error.Message);
    }

    [Fact]
    public void Rules_check_the_adjoint_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Linalg.MatMulPullback(new float[6], new float[8], new float[12], 3, 2, 4, false, false, new float[5], new float[8], new float[12]));
        Assert.Equal("dA", error.ParamName);
        Assert.StartsWith("dA has length 5 but a has length 6; they must match.", error.Message);

        error = Assert.Throws<ArgumentException>(() => Activations.ReluPullback(new float[3], new float[3], new float[3], new float[4]));
        Assert.Equal("dY", error.ParamName);
    }

    [Fact]
    public void AddBias_names_the_bias_whose_length_is_not_cols()
    {
        var error = Assert.Throws<ArgumentException>(() => Linalg.AddBias(new float[12], new float[5], 3, 4));
        Assert.Equal("bias", error.ParamName);
        Assert.StartsWith("bias has length 5 but cols = 4.", error.Message);
    }

    [Fact]
    public void Activations_check_that_x_and_y_match_and_fit_rows_by_cols()
    {
        var error = Assert.Throws<ArgumentException>(() => Activations.Relu(new float[5], new float[4]));
        Assert.Equal("y", error.ParamName);
        Assert.StartsWith("y has length 4 but x has length 5; they must match.", error.Message);

        error = Assert.Throws<ArgumentException>(() => Activations.Softmax(new double[10], new double[10], 3, 4));
        Assert.Equal("x", error.ParamName);
        Assert.StartsWith("x has length 10 but rows*cols = 3*4 = 12.", error.Message);
    }

    [Fact]
    public void SoftmaxCrossEntropy_rejects_labels_out_of_range_and_mismatched_lengths()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(new float[6], [0, 3], 2, 3));
        Assert.Equal("labels", error.ParamName);
        Assert.StartsWith("labels[1] = 3 is outside [0, classes = 3).", error.Message);

        error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Losses.SoftmaxCrossEntropyPullback(new double[6], [-1, 0], 2, 3, new double[6], 1.0));
        Assert.StartsWith("labels[0] = -1 is outside [0, classes = 3).", error.Message);

        var lengthError = Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(new float[6], [0, 1, 2], 2, 3));
        Assert.Equal("labels", lengthError.ParamName);
        Assert.StartsWith("labels has length 3 but batch = 2.", lengthError.Message);
    }

    [Fact]
    public void MeanSquaredError_requires_prediction_and_target_of_one_length()
    {
        var error = Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(new float[3], new float[4]));
        Assert.Equal("target", error.ParamName);
        Assert.StartsWith("target has length 4 but prediction has length 3; they must match.", error.Message);
    }
}
