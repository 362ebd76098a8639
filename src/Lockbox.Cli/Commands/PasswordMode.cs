using System.CommandLine;
using Lockbox.Client;
using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Repository;

namespace Lockbox.Cli.Commands;

/// <summary>
/// Password mode inside the repository commands: <c>lockbox init --password</c> escrows the key in the
/// vault, <c>lockbox restore</c> on a new device gets it back with the password.
/// </summary>
internal static class PasswordMode
{
    /// <summary>The backup key the device already has (LOCKBOX_KEY, then device state), or null.</summary>
    public static BackupKey? LocalKey(CliContext context, DeviceState state) =>
        context.CreateClient(state, context.Environment("LOCKBOX_KEY")).TryLoadKey();

    /// <summary>The key this (original) device holds, or a usage error saying management needs it.</summary>
    public static BackupKey RequireLocalKey(CliContext context, DeviceState state, string what) =>
        LocalKey(context, state) ?? throw new CliException(ExitCodes.Usage,
            $"{what} needs the backup key, which this device does not hold (device state {state.Directory}): run it on the original device, or set LOCKBOX_KEY to the 64-digit key.");

    /// <summary><c>lockbox init --password</c>: escrow K behind the password, then create the repository remembering the vault.</summary>
    public static async Task<int> InitAsync(CliContext context, ParseResult parse, VaultOptions vault, string repository, bool json, CancellationToken ct)
    {
        VaultClientOptions options = vault.Resolve(parse, context);
        string password = Passwords.Read(context, Passwords.Variable, "Choose a password for your backup", confirm: true, ct);
        DeviceState state = DeviceState.FromEnvironment(context.Environment);
        using BackupKey key = LocalKey(context, state) ?? BackupKey.Generate();
        using var client = new VaultClient(options);
        VaultAccountStatus enrolled = await client.EnrolAsync(password, key, ct).ConfigureAwait(false);
        InitResult result;
        try
        {
            var lockbox = new LockboxClient(new LockboxClientOptions { State = state, RecoveredKey = key });
            result = await lockbox.InitAsync(repository,
                new RepositoryHints(client.VaultUrl.AbsoluteUri, client.AccountId), ct).ConfigureAwait(false); // the vault keeps the KSF parameters
        }
        catch
        {
            // No repository uses this escrow: take it back so the account can enrol again.
            try { await client.DisableAsync(key, CancellationToken.None).ConfigureAwait(false); }
            catch (VaultException) { }
            throw;
        }

        if (json)
        {
            Output.JsonOutput.Write(context.Out, w =>
            {
                w.WriteStartObject();
                w.WriteString("repository", result.Address);
                w.WriteString("vault", client.VaultUrl.AbsoluteUri);
                w.WriteString("account", client.AccountId);
                w.WriteNumber("guessLimit", enrolled.GuessLimit);
                w.WriteString("argon2", options.KeyStretching.ToString());
                w.WriteString("deviceState", state.Directory);
                w.WriteEndObject();
            });
            return ExitCodes.Success;
        }
        TextWriter o = context.Out;
        await o.WriteLineAsync($"Created an encrypted repository at {result.Address}.").ConfigureAwait(false);
        await o.WriteLineAsync($"Its backup key is escrowed in the vault at {client.VaultUrl} for account '{client.AccountId}', behind your password " +
            $"({enrolled.GuessLimit} wrong guesses erase it; {options.KeyStretching}).").ConfigureAwait(false);
        await o.WriteLineAsync($"On a new device: lockbox restore --repo {result.Address} --to DIR, then type the password.").ConfigureAwait(false);
        await o.WriteLineAsync($"This device keeps the key in {state.Directory}; 'lockbox key show' prints the 64-digit key.").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>
    /// The client a restore uses: the device's own key when it has one (or LOCKBOX_KEY); otherwise, when the
    /// command line or the repository names a vault, the key recovered there with the password.
    /// </summary>
    public static async Task<KeyScope> ClientForRestoreAsync(CliContext context, ParseResult parse, VaultOptions vault, string repository, CancellationToken ct)
    {
        DeviceState state = DeviceState.FromEnvironment(context.Environment);
        bool hasKey = context.Environment("LOCKBOX_KEY") is { Length: > 0 } || state.HasKey;
        if (hasKey && !vault.Given(parse)) return new KeyScope(context.CreateClient(), null);

        RepositoryHints? hints = await VaultHints.ReadAsync(repository, ct).ConfigureAwait(false);
        if (!vault.Given(parse) && hints?.VaultUrl is null) return new KeyScope(context.CreateClient(), null);

        VaultClientOptions options = vault.Resolve(parse, context, hints);
        using var client = new VaultClient(options);
        BackupKey key = await RecoverAsync(context, client, ct).ConfigureAwait(false);
        await context.Error.WriteLineAsync($"lockbox: the vault at {client.VaultUrl} released the backup key for '{client.AccountId}'.").ConfigureAwait(false);
        return new KeyScope(new LockboxClient(new LockboxClientOptions { State = state, RecoveredKey = key }), key);
    }

    /// <summary>
    /// Recovers K with the password. A person at the prompt who mistypes is told how many guesses are left
    /// and may try again (at most <see cref="PromptAttempts"/> times per run); a password from the environment gets one attempt.
    /// </summary>
    private static async Task<BackupKey> RecoverAsync(CliContext context, VaultClient client, CancellationToken ct)
    {
        // The signed status first: a vault that is not the pinned fleet, or an account with nothing escrowed,
        // is said before anyone is asked for a password.
        await client.GetStatusAsync(ct).ConfigureAwait(false);
        string prompt = $"Password for your backup (account '{client.AccountId}')";
        for (int attempt = 1; ; attempt++)
        {
            string password = Passwords.Read(context, Passwords.Variable, prompt, confirm: false, ct);
            try
            {
                return await client.RecoverAsync(password, ct).ConfigureAwait(false);
            }
            catch (VaultException e) when (e.Failure == VaultFailure.WrongPassword && attempt < PromptAttempts && Passwords.Prompts(context, Passwords.Variable))
            {
                await context.Error.WriteLineAsync($"lockbox: {e.Message}").ConfigureAwait(false);
            }
        }
    }

    private const int PromptAttempts = 3;

    /// <summary>A client and the recovered key it borrows; disposing zeroes the key.</summary>
    internal sealed class KeyScope(LockboxClient client, BackupKey? key) : IDisposable
    {
        public LockboxClient Client { get; } = client;

        public void Dispose() => key?.Dispose();
    }
}
