namespace SourceGrad.Tests.Training;

public class ScheduleTests
{
    [Fact]
    public void StepSchedule_multiplies_by_gamma_every_step_size()
    {
        var schedule = new StepSchedule(0.1, stepSize: 3, gamma: 0.5);
        double[] expected = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025];
        for (int t = 0; t < expected.Length; t++)
            Assert.Equal(expected[t], schedule.LearningRateAt(t), 15);
    }

    [Fact]
    public void CosineSchedule_anneals_from_max_to_min()
    {
        var schedule = new CosineSchedule(1.0, totalSteps: 100, minLearningRate: 0.1);

        Assert.Equal(1.0, schedule.LearningRateAt(0), 15);
        Assert.Equal(0.55, schedule.LearningRateAt(50), 15);
        Assert.Equal(0.1 + 0.9 * (1 + Math.Cos(Math.PI * 0.25)) / 2, schedule.LearningRateAt(25), 15);
        Assert.Equal(0.1, schedule.LearningRateAt(100), 15);
        Assert.Equal(0.1, schedule.LearningRateAt(1000), 15);
        for (int t = 1; t <= 100; t++)
            Assert.True(schedule.LearningRateAt(t) <= schedule.LearningRateAt(t - 1));
    }

    [Fact]
    public void CosineSchedule_warms_up_linearly_first()
    {
        var schedule = new CosineSchedule(0.4, totalSteps: 14, warmupSteps: 4);

        Assert.Equal([0.1, 0.2, 0.30000000000000004, 0.4], Enumerable.Range(0, 4).Select(t => schedule.LearningRateAt(t)));
        Assert.Equal(0.4, schedule.LearningRateAt(4), 15);
        Assert.Equal(0.2, schedule.LearningRateAt(9), 15);
        Assert.Equal(0.0, schedule.LearningRateAt(14), 15);
    }

    [Fact]
    public void Bad_settings_name_the_argument()
    {
        Assert.Equal("stepSize", Assert.ThrowsAny<ArgumentException>(() => new StepSchedule(0.1, 0)).ParamName);
        Assert.Equal("minLearningRate", Assert.ThrowsAny<ArgumentException>(() => new CosineSchedule(0.1, 10, minLearningRate: 0.2)).ParamName);
        Assert.Equal("warmupSteps", Assert.ThrowsAny<ArgumentException>(() => new CosineSchedule(0.1, 10, warmupSteps: 10)).ParamName);
        Assert.Equal("learningRate", Assert.ThrowsAny<ArgumentException>(() => new ConstantSchedule(double.PositiveInfinity)).ParamName);
    }
}
