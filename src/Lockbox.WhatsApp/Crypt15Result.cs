namespace Lockbox.WhatsApp;

/// <summary>The outcome of <see cref="Crypt15Reader.Decrypt"/>: success with what was found, or why not.</summary>
public sealed class Crypt15Result
{
    internal Crypt15Result(Crypt15Failure failure, string? error, Crypt15Header? header, Crypt15Payload payload, long length, bool hasChecksum)
    {
        Failure = failure;
        Error = error;
        Header = header;
        Payload = payload;
        PayloadLength = length;
        HasChecksum = hasChecksum;
    }

    /// <summary>True when the body authenticated and was written to the destination.</summary>
    public bool Succeeded => Failure == Crypt15Failure.None;

    /// <summary>Why it failed, or <see cref="Crypt15Failure.None"/>.</summary>
    public Crypt15Failure Failure { get; }

    /// <summary>A one-line message for the user when it failed.</summary>
    public string? Error { get; }

    /// <summary>The header, when it could be read.</summary>
    public Crypt15Header? Header { get; }

    /// <summary>What the body held.</summary>
    public Crypt15Payload Payload { get; }

    /// <summary>Bytes written to the destination.</summary>
    public long PayloadLength { get; }

    /// <summary>True when the file ended with an MD5 trailer (single-file backups); multi-file ones have none.</summary>
    public bool HasChecksum { get; }

    internal static Crypt15Result Fail(Crypt15Failure failure, string error, Crypt15Header? header = null) =>
        new(failure, error, header, Crypt15Payload.None, 0, false);
}
