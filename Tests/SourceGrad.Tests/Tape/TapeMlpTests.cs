namespace SourceGrad.Tests.Tape;

using SourceGrad.Tape;

public class TapeMlpTests
{
    [Fact]
    public void Every_contender_gets_the_same_initial_parameters_and_batch()
    {
        var problem = new MlpProblem(batch: 3);
        ParameterSet first = problem.CreateParameters(), second = problem.CreateParameters();

        Assert.Equal(["w1", "b1", "w2", "b2"], first.Select(parameter => parameter.Name));
        Assert.Equal([MlpProblem.Inputs, MlpProblem.Hidden], first["w1"].Shape);
        Assert.Equal(first["w1"].Value, second["w1"].Value);
        Assert.NotSame(first["w1"].Value, second["w1"].Value);
        Assert.All(first["b1"].Value, value => Assert.Equal(0, value));
        Assert.Equal(new MlpProblem(batch: 3).X, problem.X);
        Assert.Equal(new MlpProblem(batch: 3).Labels, problem.Labels);
        Assert.All(problem.Labels, label => Assert.InRange(label, 0, MlpProblem.Classes - 1));
    }

    [Fact]
    public void Sgd_steps_on_the_tape_lower_the_loss_of_the_batch()
    {
        var mlp = new TapeMlp(new MlpProblem(batch: 8));
        float initial = mlp.Step();
        for (int step = 0; step < 5; step++)
        {
            mlp.Step();
        }

        Assert.True(mlp.LossAndGradients() < initial, "six SGD steps on one batch lower its loss");
    }

    [Fact]
    public void A_runtime_parameter_binds_with_its_shape()
    {
        var parameters = new ParameterSet();
        Parameter weight = parameters.Add("w", 3, 2);
        Parameter bias = parameters.Add("b", 2);
        var tape = new TensorTape();

        Tensor w = tape.Parameter(weight), b = tape.Parameter(bias);

        Assert.Equal((3, 2), (w.Rows, w.Columns));
        Assert.Equal((1, 2), (b.Rows, b.Columns));
    }

    [Fact]
    public void A_batch_below_one_is_rejected()
    {
        Assert.Equal("batch", Assert.Throws<ArgumentException>(() => new MlpProblem(0)).ParamName);
    }
}
