using System.CommandLine;
using Lockbox.Cli.Output.Json;
using Lockbox.Client;
using Lockbox.Client.Vault;

namespace Lockbox.Cli.Commands;

/// <summary>
/// <c>lockbox disable</c>: delete the escrowed key from the vault (password mode off); needs the backup key.
/// Irreversible, so it asks for confirmation at a terminal; without one it needs <c>--yes</c>.
/// </summary>
internal static class DisableCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        var vault = new VaultOptions();
        Option<string?> repo = PasswordCommands.HintsRepository();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation (required when stdin is not a terminal)" };
        var disable = new Command("disable", "Delete the escrowed backup key from the vault; from then on only the 64-digit key (or this device) restores") { repo, yes };
        vault.AddTo(disable);
        disable.SetAction(async (parse, ct) =>
        {
            VaultClientOptions options = await PasswordCommands.ResolveAsync(context, parse, vault, repo, ct).ConfigureAwait(false);
            LockboxClient client = context.CreateClient();
            client.EnsureKey("Disabling the password escrow");
            if (!parse.GetValue(yes))
            {
                if (context.ReadSecret is null)
                    throw new CliException(ExitCodes.Usage, "'lockbox disable' deletes the escrowed key for good and stdin is not a terminal to confirm it: pass --yes.");
                string? answer = context.ReadSecret($"Delete the escrowed key for '{options.AccountId}' at {options.VaultUrl}? A new device will then need the 64-digit key. Type yes: ", ct);
                if (!string.Equals(answer?.Trim(), "yes", StringComparison.OrdinalIgnoreCase))
                {
                    return context.Fail(ExitCodes.Usage, "nothing deleted.");
                }
            }
            await client.DisableEscrowAsync(options, ct).ConfigureAwait(false);
            if (context.Json)
                context.WriteJson(new EscrowSummary("disable", options.AccountId, options.VaultUrl.AbsoluteUri, null, null, null, null), JsonLines.Types.EscrowSummary);
            else
                await context.Out.WriteLineAsync($"Deleted the escrowed key for '{options.AccountId}' at {options.VaultUrl}. Keep the 64-digit key ('lockbox key show'): it is now the only way to restore on a new device.").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        yield return disable;
    }
}
