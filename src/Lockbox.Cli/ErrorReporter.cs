using Lockbox.Client;
using Lockbox.Client.Vault;
using Lockbox.Repository;
using Lockbox.Repository.Storage;
using Lockbox.Vault.Core;
using Lockbox.WhatsApp;
using Microsoft.Data.Sqlite;

namespace Lockbox.Cli;

/// <summary>
/// The one place an exception becomes an exit code and a one-line message. Every command's failure
/// passes through here, so no stack trace ever reaches the user and a new exception type needs one
/// line here to get its own code.
/// </summary>
internal static class ErrorReporter
{
    /// <summary>The exit code and message for <paramref name="error"/>.</summary>
    /// <param name="error">What went wrong.</param>
    /// <param name="keySource">Where the key given came from (<see cref="CliContext.KeySource"/>), named when it is wrong.</param>
    public static (int ExitCode, string Message) Describe(Exception error, string? keySource = null)
    {
        if (error is AggregateException { InnerExceptions.Count: 1 } aggregate)
            return Describe(aggregate.InnerExceptions[0], keySource);

        (int code, string message) = error switch
        {
            CliException e => (e.ExitCode, e.Message),
            OperationCanceledException => (ExitCodes.Cancelled, "Cancelled. Nothing half-written is visible: the repository still verifies, and the next backup resumes where this one stopped."),
            KeyUnavailableException { Malformed: true } e => (ExitCodes.Usage, e.Message),
            KeyUnavailableException e => (ExitCodes.Usage, $"{e.Message} Set LOCKBOX_KEY to your 64-digit key, or run in a terminal to type it."),
            WhatsAppImportException e => (WhatsAppExitCode(e.Failure), e.Message),
            VaultException e => (VaultExitCode(e.Failure), e.Message),
            VaultConfigurationException e => (ExitCodes.Usage, e.Message),
            DeviceStateException e => (ExitCodes.DeviceState, e.Message),
            WrongKeyException => (ExitCodes.WrongKey, $"Wrong key: the key from {keySource ?? "this device's state (LOCKBOX_HOME)"} does not open the repository. Check the 64-digit key and try again."),
            NotARepositoryException e => (ExitCodes.NotARepository, e.Message),
            RepositoryExistsException e => (ExitCodes.NotARepository, e.Message),
            RepositoryDamagedException e => (ExitCodes.Damaged, e.Message),
            RepositoryLockedException e => (ExitCodes.Locked, e.IsStale
                ? $"{e.Message}. If that process is gone, run 'lockbox unlock --repo <repository>' to remove the lock."
                : $"{e.Message}. If that process is gone, 'lockbox unlock --remove-all --repo <repository>' removes the lock."),
            RestoreTargetExistsException e => (ExitCodes.WouldOverwrite, $"{e.Path} already exists; refusing to overwrite it (restore to an empty folder, or pass --overwrite)."),
            SourceException e => (ExitCodes.BadSource, e.Message),
            SnapshotNotFoundException e => (ExitCodes.Usage, e.Message),
            RepositoryException e => (ExitCodes.Damaged, e.Message),
            BlobStoreException e => (ExitCodes.StoreFailed, e.Message),
            SqliteException e => (ExitCodes.BadSource, $"SQLite: {e.Message}"),
            IOException e => (ExitCodes.StoreFailed, e.Message),
            UnauthorizedAccessException e => (ExitCodes.StoreFailed, e.Message),
            _ => (ExitCodes.Failure, $"Unexpected error ({error.GetType().Name}): {error.Message}"),
        };
        return (code, OneLine(message));
    }

    private static int WhatsAppExitCode(Crypt15Failure failure) => failure switch
    {
        Crypt15Failure.None => ExitCodes.BadSource, // decrypted, but a multi-file backup rather than a message database
        Crypt15Failure.WrongKey => ExitCodes.WrongKey,
        Crypt15Failure.Malformed => ExitCodes.BadSource,
        _ => ExitCodes.Damaged, // truncated, checksum mismatch, unreadable payload
    };

    private static int VaultExitCode(VaultFailure failure) => failure switch
    {
        VaultFailure.WrongPassword => ExitCodes.WrongPassword,
        VaultFailure.Locked => ExitCodes.EscrowErased,
        VaultFailure.NotAuthentic or VaultFailure.Tampered => ExitCodes.VaultNotAuthentic,
        VaultFailure.KeyMismatch => ExitCodes.WrongKey,
        VaultFailure.StaleStore => ExitCodes.StaleStore,
        _ => ExitCodes.VaultFailed,
    };

    /// <summary>
    /// Writes the message for <paramref name="error"/> and returns its exit code: "lockbox: MESSAGE", or with
    /// <paramref name="json"/> one JSON line <c>{"messageType":"error","code":CODE,"message":"MESSAGE"}</c>.
    /// </summary>
    public static int Report(Exception error, TextWriter writer, string? keySource = null, bool json = false)
    {
        (int code, string message) = Describe(error, keySource);
        if (json)
            WriteJson(writer, code, message);
        else
            writer.WriteLine($"lockbox: {message}");
        return code;
    }

    /// <summary>The <c>--json</c> form of a failure: one <see cref="Output.Json.ErrorMessage"/> line.</summary>
    public static void WriteJson(TextWriter writer, int code, string message) =>
        Output.Json.JsonLines.Write(writer, new Output.Json.ErrorMessage(code, OneLine(message)), Output.Json.JsonLines.Types.ErrorMessage);

    private static string OneLine(string message)
    {
        string line = message.ReplaceLineEndings(" ").Trim();
        return line.Length == 0 ? "failed without a message." : line;
    }
}
