using System.CommandLine;
using Lockbox.Cli.Output.Json;
using Lockbox.Client;

namespace Lockbox.Cli.Commands;

/// <summary><c>lockbox init</c>: create a repository and show the 64-digit key that protects it.</summary>
internal static class InitCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        Option<string> repo = CommonOptions.Repository();
        var password = new Option<bool>("--password") { Description = "Password mode: escrow the key in a key vault behind a password (LOCKBOX_PASSWORD or a prompt) instead of printing it" };
        var vault = new VaultOptions();
        var init = new Command("init", "Create a repository protected by this device's backup key, and print the 64-digit key") { repo, password };
        vault.AddTo(init);
        init.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(password))
                return await PasswordMode.InitAsync(context, parse, vault, parse.GetRequiredValue(repo), ct).ConfigureAwait(false);
            if (vault.Given(parse))
                throw new CliException(ExitCodes.Usage, "--vault and --account enable password mode only together with --password.");
            LockboxClient client = context.CreateClient();
            InitResult result = await client.CreateAsync(parse.GetRequiredValue(repo), escrow: null, ct).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new InitSummary(result.KeyDigits.Replace(" ", "", StringComparison.Ordinal), result.Address, Describe(result.KeyOrigin),
                    client.State.Directory), JsonLines.Types.InitSummary);
                return ExitCodes.Success;
            }

            TextWriter o = context.Out;
            await o.WriteLineAsync($"Created an encrypted repository at {result.Address}.").ConfigureAwait(false);
            await o.WriteLineAsync(result.KeyOrigin == KeyOrigin.Generated
                ? "Your new 64-digit backup key. Write it down: without it (or this device) nobody can restore the backup."
                : $"It is protected by the backup key from {Describe(result.KeyOrigin)}:").ConfigureAwait(false);
            await o.WriteLineAsync().ConfigureAwait(false);
            await o.WriteLineAsync($"    {result.KeyDigits}").ConfigureAwait(false);
            await o.WriteLineAsync().ConfigureAwait(false);
            await o.WriteLineAsync($"This device keeps the key in {client.State.Directory}; 'lockbox key show' prints it again.").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        yield return init;
    }

    internal static string Describe(KeyOrigin origin) => origin switch
    {
        KeyOrigin.Generated => "generated",
        KeyOrigin.DeviceState => "device",
        KeyOrigin.Digits => "LOCKBOX_KEY",
        KeyOrigin.Prompt => "prompt",
        KeyOrigin.Vault => "vault",
        _ => origin.ToString(),
    };
}
