namespace Lockbox.Cli;

/// <summary>A failure a command detected itself, with its exit code and a one-line message.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
