namespace Lockbox.Cli.Commands;

/// <summary>
/// Where passwords come from: for the current password <c>--password-command</c> or <c>--password-file</c> (or their
/// variables, <see cref="Secrets"/>), then an environment variable (scripts, tests) or a hidden prompt; never argv.
/// A new password is asked twice at the prompt.
/// </summary>
internal static class Passwords
{
    public const string Variable = "LOCKBOX_PASSWORD";
    public const string NewVariable = "LOCKBOX_NEW_PASSWORD";

    /// <summary>True when the password for <paramref name="variable"/> would be typed at a prompt (so a person can retry).</summary>
    public static bool Prompts(CliContext context, string variable) =>
        !(variable == Variable && Secrets.HasPasswordSource(context)) && string.IsNullOrEmpty(context.Environment(variable)) && context.ReadSecret is not null;

    /// <summary>The password from <paramref name="variable"/>, or typed at a hidden prompt (twice when <paramref name="confirm"/>).</summary>
    public static string Read(CliContext context, string variable, string prompt, bool confirm, CancellationToken cancellationToken)
    {
        string? password = variable == Variable ? Secrets.Password(context, cancellationToken) ?? context.Environment(variable) : context.Environment(variable);
        if (string.IsNullOrEmpty(password))
        {
            var read = context.ReadSecret
                ?? throw new CliException(ExitCodes.Usage, variable == Variable
                    ? $"No password: give --password-file or --password-command, set {variable}, or run in a terminal to type it."
                    : $"No password: set {variable}, or run in a terminal to type it.");
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
