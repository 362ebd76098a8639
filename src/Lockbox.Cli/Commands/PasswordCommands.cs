using System.CommandLine;
using System.CommandLine.Parsing;
using Lockbox.Cli.Output.Json;
using Lockbox.Client;
using Lockbox.Client.Vault;
using Lockbox.Repository;

namespace Lockbox.Cli.Commands;

/// <summary>
/// <c>lockbox password change|reset|status</c>: manage the password that escrows the backup key in the vault.
/// Passwords come from LOCKBOX_PASSWORD / LOCKBOX_NEW_PASSWORD or a hidden prompt, never from argv.
/// </summary>
internal static class PasswordCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        var password = new Command("password", "The password that escrows the backup key in the key vault")
        {
            Change(context), Reset(context), Verify(context), Status(context),
        };
        yield return password;
    }

    /// <summary>An optional --repo whose hints name the vault and account.</summary>
    internal static Option<string?> HintsRepository() => new("--repo", "-r")
    {
        Description = "A repository whose remembered vault address and account to use",
    };

    /// <summary>The vault client options from the command line, the environment and the repository's hints.</summary>
    internal static async Task<VaultClientOptions> ResolveAsync(CliContext context, ParseResult parse, VaultOptions vault, Option<string?> repo, CancellationToken ct)
    {
        if (parse.GetValue(repo) is null)
        {
            var names = new List<string>();
            for (SymbolResult? at = parse.CommandResult; at is CommandResult c && c.Parent is not null; at = c.Parent) names.Insert(0, c.Command.Name);
            string command = $"'lockbox {string.Join(' ', names)}'";
            if (parse.GetValue(vault.Vault) is null)
                throw new CliException(ExitCodes.Usage, $"{command} needs to know the vault: give --repo (the repository remembers its vault and account), or --vault URL and --account ID.");
            if (parse.GetValue(vault.Account) is null)
                throw new CliException(ExitCodes.Usage, $"{command} needs the vault account: give --account ID, or --repo (the repository remembers it).");
        }
        RepositoryHints? hints = parse.GetValue(repo) is { } address && !(parse.GetValue(vault.Vault) is not null && parse.GetValue(vault.Account) is not null)
            ? await context.CreateClient().ReadVaultHintsAsync(address, ct).ConfigureAwait(false)
            : null;
        return vault.Resolve(parse, context, hints);
    }

    private static Command Change(CliContext context)
    {
        var vault = new VaultOptions();
        Option<string?> repo = HintsRepository();
        var withOld = new Option<bool>("--old-password")
        {
            Description = $"Prove the old password ({Passwords.Variable} or a prompt) instead of this device's backup key",
        };
        var change = new Command("change", $"Change the password: on the original device with its key, or anywhere with the old password; the new one from {Passwords.NewVariable} or a prompt") { repo, withOld };
        vault.AddTo(change);
        change.SetAction(async (parse, ct) =>
        {
            VaultClientOptions options = await ResolveAsync(context, parse, vault, repo, ct).ConfigureAwait(false);
            LockboxClient client = context.CreateClient();
            string? old = parse.GetValue(withOld) || !client.HasKey
                ? Passwords.Read(context, Passwords.Variable, "Current password", confirm: false, ct)
                : null;
            string fresh = Passwords.Read(context, Passwords.NewVariable, "New password", confirm: true, ct);
            VaultAccountStatus status = await client.ChangePasswordAsync(options, fresh, old, ct).ConfigureAwait(false);
            if (context.Json)
                context.WriteJson(Summary("change", options, status), JsonLines.Types.EscrowSummary);
            else
                await context.Out.WriteLineAsync($"Password changed for '{options.AccountId}' at {options.VaultUrl}; the old one no longer opens the escrow ({status.GuessesLeft} guesses allowed).").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return change;
    }

    private static Command Reset(CliContext context)
    {
        var vault = new VaultOptions();
        Option<string?> repo = HintsRepository();
        var reset = new Command("reset", $"Forgot the password? Set a new one from the original device, whose backup key proves itself (new one from {Passwords.NewVariable} or a prompt)") { repo };
        vault.AddTo(reset);
        reset.SetAction(async (parse, ct) =>
        {
            VaultClientOptions options = await ResolveAsync(context, parse, vault, repo, ct).ConfigureAwait(false);
            LockboxClient client = context.CreateClient();
            client.EnsureKey("Resetting the password"); // before the prompt: only the original device (or LOCKBOX_KEY) can reset
            string fresh = Passwords.Read(context, Passwords.NewVariable, "New password", confirm: true, ct);
            VaultAccountStatus status = await client.ResetPasswordAsync(options, fresh, ct).ConfigureAwait(false);
            if (context.Json)
                context.WriteJson(Summary("reset", options, status), JsonLines.Types.EscrowSummary);
            else
                await context.Out.WriteLineAsync($"Password reset for '{options.AccountId}' at {options.VaultUrl}: the backup key is escrowed under the new password ({status.GuessesLeft} guesses allowed).").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return reset;
    }

    private static Command Verify(CliContext context)
    {
        var vault = new VaultOptions();
        Option<string?> repo = HintsRepository();
        var verify = new Command("verify", $"Check that you still know the password ({Passwords.Variable} or a prompt): log in, unwrap the key and, on the original device, compare it. A wrong password counts as a guess") { repo };
        vault.AddTo(verify);
        verify.SetAction(async (parse, ct) =>
        {
            VaultClientOptions options = await ResolveAsync(context, parse, vault, repo, ct).ConfigureAwait(false);
            string password = Passwords.Read(context, Passwords.Variable, "Password", confirm: false, ct);
            PasswordCheck check = await context.CreateClient().VerifyPasswordAsync(options, password, ct).ConfigureAwait(false);
            if (context.Json)
                context.WriteJson(new EscrowSummary("verify", options.AccountId, options.VaultUrl.AbsoluteUri, false, null, null, null), JsonLines.Types.EscrowSummary);
            else
                await context.Out.WriteLineAsync($"Password verified for '{options.AccountId}': the vault released the backup key" +
                (check.ComparedWithDeviceKey ? ", and it is this device's key" : "") + $" (login and unwrap in {Output.Units.Duration(check.Elapsed)}, with the Argon2id parameters the vault keeps for the account).").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return verify;
    }

    private static Command Status(CliContext context)
    {
        var vault = new VaultOptions();
        Option<string?> repo = HintsRepository();
        var status = new Command("status", "Show whether the escrow is intact and how many wrong guesses are left") { repo };
        vault.AddTo(status);
        status.SetAction(async (parse, ct) =>
        {
            VaultClientOptions options = await ResolveAsync(context, parse, vault, repo, ct).ConfigureAwait(false);
            VaultAccountStatus s = await context.CreateClient().GetEscrowStatusAsync(options, ct).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(Summary("status", options, s), JsonLines.Types.EscrowSummary);
            }
            else
            {
                await context.Out.WriteLineAsync(s.Locked
                    ? $"'{options.AccountId}': locked — the escrowed key was erased after {s.GuessLimit} wrong passwords."
                    : $"'{options.AccountId}': escrow intact, {s.GuessesLeft} of {s.GuessLimit} guesses left.").ConfigureAwait(false);
            }
            return ExitCodes.Success;
        });
        return status;
    }

    private static EscrowSummary Summary(string action, VaultClientOptions options, VaultAccountStatus s) =>
        new(action, options.AccountId, options.VaultUrl.AbsoluteUri, s.Locked, s.GuessesLeft, s.GuessLimit, s.Version);
}
