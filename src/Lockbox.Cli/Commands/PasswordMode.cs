using System.CommandLine;
using Lockbox.Client;
using Lockbox.Client.Vault;

namespace Lockbox.Cli.Commands;

/// <summary>
/// Password mode inside the repository commands: <c>lockbox init --password</c> and <c>lockbox restore</c> on a new
/// device. The flows are the SDK's (<see cref="LockboxClient.CreateAsync"/>, <see cref="LockboxClient.ChooseRestoreKeyAsync"/>,
/// <see cref="LockboxClient.RecoverKeyAsync"/>); this class maps flags and environment to their options and prints.
/// </summary>
internal static class PasswordMode
{
    private const int PromptAttempts = 3;

    /// <summary><c>lockbox init --password</c>: escrow K behind the password, then create the repository remembering the vault.</summary>
    public static async Task<int> InitAsync(CliContext context, ParseResult parse, VaultOptions vault, string repository, CancellationToken ct)
    {
        VaultClientOptions options = vault.Resolve(parse, context);
        string password = Passwords.Read(context, Passwords.Variable, "Choose a password for your backup", confirm: true, ct);
        LockboxClient client = context.CreateClient();
        InitResult result = await client.CreateAsync(repository, new PasswordEscrow { Vault = options, Password = password }, ct).ConfigureAwait(false);
        VaultAccountStatus enrolled = result.Escrow!;

        if (context.Json)
        {
            context.WriteJson(new Output.Json.PasswordInitSummary(result.Address, result.VaultUrl!.AbsoluteUri, result.AccountId!, enrolled.GuessLimit,
                options.KeyStretching.ToString(), client.State.Directory), Output.Json.JsonLines.Types.PasswordInitSummary);
            return ExitCodes.Success;
        }
        TextWriter o = context.Out;
        await o.WriteLineAsync($"Created an encrypted repository at {result.Address}.").ConfigureAwait(false);
        await o.WriteLineAsync($"Its backup key is escrowed in the vault at {result.VaultUrl} for account '{result.AccountId}', behind your password " +
            $"({enrolled.GuessLimit} wrong guesses erase it; {options.KeyStretching}).").ConfigureAwait(false);
        await o.WriteLineAsync($"On a new device: lockbox restore --repo {result.Address} --to DIR, then type the password.").ConfigureAwait(false);
        await o.WriteLineAsync($"This device keeps the key in {client.State.Directory}; 'lockbox key show' prints the 64-digit key.").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>
    /// The client a restore uses: the device's own key when it has one (or LOCKBOX_KEY); otherwise, when the
    /// command line or the repository names a vault, the key recovered there with the password, and the vault's
    /// freshness anchor, against which the restore checks the store before writing anything.
    /// </summary>
    public static async Task<KeyScope> ClientForRestoreAsync(CliContext context, ParseResult parse, VaultOptions vault, string repository, CancellationToken ct)
    {
        LockboxClient client = context.CreateClient();
        RestoreKeyChoice choice = await client.ChooseRestoreKeyAsync(repository, vault.Given(parse), ct).ConfigureAwait(false);
        if (!choice.UseVault) return new KeyScope(client, null);

        VaultClientOptions options = vault.Resolve(parse, context, choice.Hints);
        bool prompts = Passwords.Prompts(context, Passwords.Variable);
        KeyRecovery recovery = await client.RecoverKeyAsync(options, (attempt, token) =>
        {
            if (attempt.PreviousFailure is { } wrong)
            {
                // A person at the prompt who mistypes is told how many guesses are left and may try again; a password
                // from the environment gets one attempt.
                if (!prompts || attempt.Number > PromptAttempts) return null;
                context.Error.WriteLine($"lockbox: {wrong.Message}");
            }
            return Passwords.Read(context, Passwords.Variable, $"Password for your backup (account '{attempt.AccountId}')", confirm: false, token);
        }, ct).ConfigureAwait(false);
        context.Info($"the vault at {options.VaultUrl} released the backup key for '{options.AccountId}'.");
        return new KeyScope(client.WithKey(recovery), recovery);
    }

    /// <summary>A client and the recovered key it borrows; disposing zeroes the key.</summary>
    internal sealed class KeyScope(LockboxClient client, IDisposable? key) : IDisposable
    {
        public LockboxClient Client { get; } = client;

        public void Dispose() => key?.Dispose();
    }
}
