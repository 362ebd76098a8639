namespace Lockbox.Cli.Commands;

/// <summary>
/// Where passwords come from: an environment variable (scripts, tests) or a hidden prompt, never argv.
/// A new password is asked twice at the prompt.
/// </summary>
internal static class Passwords
{
    public const string Variable = "LOCKBOX_PASSWORD";
    public const string NewVariable = "LOCKBOX_NEW_PASSWORD";

    /// <summary>True when the password for <paramref name="variable"/> would be typed at a prompt (so a person can retry).</summary>
    public static bool Prompts(CliContext context, string variable) =>
        string.IsNullOrEmpty(context.Environment(variable)) && context.ReadSecret is not null;

    /// <summary>The password from <paramref name="variable"/>, or typed at a hidden prompt (twice when <paramref name="confirm"/>).</summary>
    public static string Read(CliContext context, string variable, string prompt, bool confirm, CancellationToken cancellationToken)
    {
        string? password = context.Environment(variable);
        if (string.IsNullOrEmpty(password))
        {
            var read = context.ReadSecret
                ?? throw new CliException(ExitCodes.Usage, $"No password: set {variable}, or run in a terminal to type it.");
            password = read($"{prompt}: ", cancellationToken) ?? "";
            if (confirm && password.Length > 0)
            {
                string again = read($"{prompt} again: ", cancellationToken) ?? "";
                if (!string.Equals(password, again, StringComparison.Ordinal))
                    throw new CliException(ExitCodes.Usage, "The two passwords differ; nothing was changed.");
            }
        }
        if (password.Length == 0)
            throw new CliException(ExitCodes.Usage, "The password must not be empty.");
        return password;
    }
}
