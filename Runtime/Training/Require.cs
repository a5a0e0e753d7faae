using System.Runtime.CompilerServices;

namespace SourceGrad;

/// <summary>Argument checks shared by the training and data types: each names the argument, its value and what was expected.</summary>
internal static class Require
{
    public static void Finite(double value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be a finite number, but was {value}.");
    }

    public static void NonNegative(double value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!(value >= 0) || double.IsPositiveInfinity(value))
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be a finite number >= 0, but was {value}.");
    }

    public static void Positive(double value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!(value > 0) || double.IsPositiveInfinity(value))
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be a finite number > 0, but was {value}.");
    }

    public static void Positive(long value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be > 0, but was {value}.");
    }

    /// <summary>A fraction in [0, 1): momentum and the Adam betas.</summary>
    public static void UnitInterval(double value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!(value >= 0 && value < 1))
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be in [0, 1), but was {value}.");
    }

    /// <summary>A fraction strictly between 0 and 1: the Armijo constant and the backtracking factor.</summary>
    public static void OpenUnitInterval(double value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!(value > 0 && value < 1))
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be in (0, 1), but was {value}.");
    }

    public static void SameLength(int expected, int actual, string what, string paramName)
    {
        if (expected != actual)
            throw new ArgumentException($"{paramName} must have {expected} elements ({what}), but has {actual}.", paramName);
    }
}
