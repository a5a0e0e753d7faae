using Xunit.Abstractions;

namespace SourceGrad.Generator.Tests.Fuzz;

public class FuzzTests(ITestOutputHelper output)
{
    /// <summary>Failures printed in full; the rest are counted.</summary>
    private const int ReportedFailures = 5;

    [Fact]
    public void Generated_gradients_of_random_programs_match_finite_differences()
    {
        FuzzSettings settings = FuzzSettings.FromEnvironment();
        void Log(string text)
        {
            output.WriteLine(text);
            if (settings.LogPath is not null)
            {
                File.AppendAllText(settings.LogPath, text + "\n");
            }
        }

        FuzzSummary summary = FuzzRunner.Run(settings.Seed, settings.First, settings.Count, settings.BatchSize, Log);
        Log(summary.ToString());
        if (summary.Failures.Count > 0)
        {
            // An invalid program is the fuzzer's own bug: shown as it was generated.
            IEnumerable<string> reports = summary.Failures.Take(ReportedFailures).Select((failure, k) => k < settings.Shrink && failure.Kind != FailureKind.InvalidProgram
                ? "shrunk from " + failure.Program.Origin + ":\n" + Shrinker.Shrink(failure, TimeSpan.FromSeconds(settings.ShrinkSeconds)).Report()
                : failure.Report());
            string report = summary + "\n\n" + string.Join("\n\n", reports);
            if (settings.LogPath is not null)
            {
                File.AppendAllText(settings.LogPath, report + "\n\nall failures:\n" + string.Join("\n\n", summary.Failures.Select(f => f.Report(withGenerated: false))) + "\n");
            }

            Assert.Fail(report);
        }

        // Every program's main method is split too: a run that checked no split would pass vacuously.
        Assert.Equal(summary.Passed, summary.PassedWithSplit);

        // About a third of the programs have a loop to checkpoint whose store-all order is the twins' (155 of the CI set's
        // 500): a run that compared few twins would pass vacuously. A rerun of a few programs need not have any.
        if (summary.Generated >= 100)
        {
            Assert.True(summary.PassedWithCheckpoint >= summary.Passed / 5, "too few programs with their checkpointed twins compared: " + summary);
        }

        // A run that skips most programs checks little: keep the generator's kinks rare enough.
        Assert.True(summary.Skipped <= summary.Generated / 5, "too many programs skipped: " + summary);
    }
}
