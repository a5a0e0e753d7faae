namespace SourceGrad.Generator.Tests.Fuzz;

/// <summary>
/// Constructs the random programs leave out while a generator bug they trigger is open, so the fixed-seed run
/// keeps finding new bugs instead of the same one. Each has a skipped test in <see cref="Regressions"/>; when
/// the bug is fixed, un-skip that test and set the switch here to false.
/// </summary>
internal static class KnownBugs
{
    /// <summary><see cref="Regressions.NoGrad_parameter_overwritten_with_an_active_value"/>.</summary>
    public static readonly bool NoGradParameterAssigned = false;

    /// <summary><see cref="Regressions.Continue_in_a_loop_with_a_saved_counter"/>.</summary>
    public static readonly bool ContinueInLoopWithSavedCounter = false;

    /// <summary><see cref="Regressions.Argument_reading_the_span_the_call_writes"/>.</summary>
    public static readonly bool ArgumentReadsTheSpanTheCallWrites = false;

    /// <summary>
    /// <see cref="Regressions.Field_named_seed"/> and
    /// <see cref="Corpus.CorpusRegressions.Fields_named_like_generated_temporaries"/>: fields named like the
    /// gradient's parameters and temporaries.
    /// </summary>
    public static readonly bool FieldsNamedLikeGeneratedNames = false;
}
