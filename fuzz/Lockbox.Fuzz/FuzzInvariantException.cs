namespace Lockbox.Fuzz;

/// <summary>A parser broke one of its own promises (e.g. TryParse and Parse disagree): a finding, like a crash.</summary>
public sealed class FuzzInvariantException : Exception
{
    public FuzzInvariantException()
    {
    }

    public FuzzInvariantException(string message)
        : base(message)
    {
    }

    public FuzzInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
