using System.ComponentModel;
using System.Diagnostics;

namespace Lockbox.Cli.Commands;

/// <summary>
/// Where the backup key and the password come from when they are not typed, as restic users expect:
/// key: <c>--key-file</c>, else <c>LOCKBOX_KEY_FILE</c>, else <c>LOCKBOX_KEY</c>, else the prompt;
/// password: <c>--password-command</c> or <c>--password-file</c> (each defaulting to its variable; a flag beats both
/// variables; giving both is a usage error), else <c>LOCKBOX_PASSWORD</c>, else the prompt.
/// A secret never appears in an error line.
/// </summary>
internal static class Secrets
{
    public const string KeyFileVariable = "LOCKBOX_KEY_FILE";
    public const string PasswordFileVariable = "LOCKBOX_PASSWORD_FILE";
    public const string PasswordCommandVariable = "LOCKBOX_PASSWORD_COMMAND";

    /// <summary>A secret file larger than this is not a key or a password.</summary>
    private const int MaxFileBytes = 4096;

    /// <summary>The key digits from a key file or <c>LOCKBOX_KEY</c>; null when none is given (the SDK may then prompt).</summary>
    public static string? KeyDigits(CliContext context)
    {
        (string? file, string source) = context.KeyFile is { } flag ? (flag, "--key-file") : (NonEmpty(context.Environment(KeyFileVariable)), KeyFileVariable);
        if (file is null)
        {
            string? digits = context.Environment(CliContext.KeyVariable);
            if (!string.IsNullOrWhiteSpace(digits)) context.KeySource = CliContext.KeyVariable;
            return digits;
        }
        string text = ReadSecretFile(file, source, "key").Trim();
        if (text.Length == 0)
            throw new CliException(ExitCodes.Usage, $"The key file {file} ({source}) is empty.");
        context.KeySource = $"the key file {file} ({source})";
        return text;
    }

    /// <summary>True when the current password comes from a file or a command rather than the variable or a prompt.</summary>
    public static bool HasPasswordSource(CliContext context) => PasswordSource(context) is not null;

    /// <summary>The current password from <c>--password-command</c> or <c>--password-file</c> (or their variables); null when neither is given.</summary>
    public static string? Password(CliContext context, CancellationToken cancellationToken)
    {
        if (PasswordSource(context) is not { } given) return null;
        string text = given.IsCommand ? RunCommand(given.Value, given.Name, cancellationToken) : FirstLine(ReadSecretFile(given.Value, given.Name, "password"));
        if (text.Length == 0)
            throw new CliException(ExitCodes.Usage, given.IsCommand ? $"{given.Name} printed no password." : $"The password file {given.Value} ({given.Name}) is empty.");
        return text;
    }

    private sealed record Source(string Value, string Name, bool IsCommand);

    private static Source? PasswordSource(CliContext context)
    {
        string? command, file;
        string commandName, fileName;
        if (context.PasswordCommand is not null || context.PasswordFile is not null)
        {
            (command, file, commandName, fileName) = (NonEmpty(context.PasswordCommand), NonEmpty(context.PasswordFile), "--password-command", "--password-file");
        }
        else
        {
            (command, file, commandName, fileName) = (NonEmpty(context.Environment(PasswordCommandVariable)), NonEmpty(context.Environment(PasswordFileVariable)),
                PasswordCommandVariable, PasswordFileVariable);
        }
        if (command is not null && file is not null)
            throw new CliException(ExitCodes.Usage, $"Give either {fileName} or {commandName}, not both.");
        return command is not null ? new Source(command, commandName, true) : file is not null ? new Source(file, fileName, false) : null;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string FirstLine(string text)
    {
        int end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    private static string ReadSecretFile(string path, string source, string what)
    {
        if (Directory.Exists(path))
            throw new CliException(ExitCodes.Usage, $"The {what} file {path} ({source}) is a folder.");
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new CliException(ExitCodes.Usage, $"The {what} file {path} ({source}) does not exist.");
        if (info.Length > MaxFileBytes)
            throw new CliException(ExitCodes.Usage, $"The {what} file {path} ({source}) is {info.Length} bytes: too large to hold a {what}.");
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, $"The {what} file {path} ({source}) cannot be read: {e.Message}");
        }
    }

    /// <summary>Runs <paramref name="command"/> through <c>/bin/sh -c</c>; its standard output's first line is the password.</summary>
    private static string RunCommand(string command, string source, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new CliException(ExitCodes.Usage, $"{source} could not be started.");
        }
        catch (Win32Exception e)
        {
            throw new CliException(ExitCodes.Usage, $"{source} could not be started: {e.Message}");
        }
        using (process)
        using (cancellationToken.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
        {
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            cancellationToken.ThrowIfCancellationRequested();
            if (process.ExitCode != 0)
                throw new CliException(ExitCodes.Usage, $"{source} failed with exit code {process.ExitCode}; no password was read.");
            return FirstLine(output);
        }
    }
}
