using System.Diagnostics;
using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Repository;

namespace Lockbox.Client;

// Password mode: the backup key escrowed in a key vault behind a password (docs/DESIGN.md, "Keys"; docs/SDK.md).
public sealed partial class LockboxClient
{
    private async Task<InitResult> CreateEscrowedAsync(string address, BackupKey key, KeyOrigin origin, PasswordEscrow escrow, CancellationToken cancellationToken)
    {
        using var vault = new VaultClient(escrow.Vault);
        VaultAccountStatus enrolled = await vault.EnrolAsync(escrow.Password, key, cancellationToken).ConfigureAwait(false);
        InitResult result;
        bool created = false;
        try
        {
            // The repository remembers every node of the vault this device knows (so a new device can fail over) and the
            // account; the vault keeps the Argon2id parameters.
            var hints = new RepositoryHints(VaultHints.FormatNodeUrls(vault.NodeUrls), vault.AccountId);
            result = await CreateRepositoryAsync(address, key, origin, hints, cancellationToken).ConfigureAwait(false);
            created = true;
        }
        finally
        {
            // No repository uses this escrow: take it back so the account can enrol again.
            if (!created) await UndoEscrowAsync(vault, key).ConfigureAwait(false);
        }
        return result with { Escrow = enrolled, VaultUrl = vault.VaultUrl, AccountId = vault.AccountId };
    }

    private static async Task UndoEscrowAsync(VaultClient vault, BackupKey key)
    {
        try { await vault.DisableAsync(key, CancellationToken.None).ConfigureAwait(false); }
        catch (VaultException) { }
    }

    /// <summary>
    /// Whether a restore of <paramref name="address"/> takes the key from this device or from the vault: the device's
    /// own key (or the digits given) unless <paramref name="vaultRequested"/>; the vault when the app asks for it or the
    /// device has no key and the repository remembers a vault.
    /// </summary>
    public async Task<RestoreKeyChoice> ChooseRestoreKeyAsync(string address, bool vaultRequested, CancellationToken cancellationToken = default)
    {
        if (HasKey && !vaultRequested) return new RestoreKeyChoice(false, null);
        RepositoryHints? hints = await ReadVaultHintsAsync(address, cancellationToken).ConfigureAwait(false);
        return new RestoreKeyChoice(vaultRequested || hints?.VaultUrl is not null, hints);
    }

    /// <summary>
    /// Recovers the backup key from the vault with the password (an OPAQUE login; a wrong password counts as a guess).
    /// The vault's signed status comes first, so a vault that is not the pinned one, or an account with nothing
    /// escrowed, is reported before anyone is asked for a password. <paramref name="password"/> is asked again after a
    /// wrong password for as long as it returns a password; when it returns null the wrong-password failure stands.
    /// The result holds the key and the account's freshness anchor; pass it to <see cref="WithKey(KeyRecovery)"/> so a
    /// restore checks the store against the anchor. The caller disposes it.
    /// </summary>
    /// <exception cref="VaultException">Wrong password (with the guesses left), locked, not the pinned vault, unreachable, ...</exception>
    public async Task<KeyRecovery> RecoverKeyAsync(VaultClientOptions vault, Func<PasswordAttempt, CancellationToken, string?> password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(password);
        using var client = new VaultClient(vault);
        await client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        VaultException? previous = null;
        for (int attempt = 1; ; attempt++)
        {
            string? typed = password(new PasswordAttempt(client.AccountId, attempt, previous), cancellationToken);
            if (typed is null)
            {
                if (previous is not null) throw previous;
                throw new ArgumentException("No password was given.", nameof(password));
            }
            try
            {
                BackupKey key = await client.RecoverAsync(typed, cancellationToken).ConfigureAwait(false);
                return new KeyRecovery(key, client.LastAnchor);
            }
            catch (VaultException e) when (e.Failure == VaultFailure.WrongPassword)
            {
                previous = e;
            }
        }
    }

    /// <summary>
    /// A new device's restore in password mode: recovers the key from the vault with <paramref name="password"/> (one
    /// attempt), refuses a store that hides backups newer than the vault's freshness anchor, restores, and keeps the
    /// key on this device.
    /// </summary>
    /// <exception cref="VaultException">As <see cref="RecoverKeyAsync"/>; <see cref="VaultFailure.StaleStore"/> when the store is older than the anchor (nothing written).</exception>
    public async Task<RestoreResult> RestoreWithPasswordAsync(string address, VaultClientOptions vault, string password, RestoreOptions options, IProgress<RestoreProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        using KeyRecovery recovery = await RecoverKeyAsync(vault, (a, _) => a.Number == 1 ? password : null, cancellationToken).ConfigureAwait(false);
        return await WithKey(recovery).RestoreAsync(address, options, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The escrow's state at the vault: intact or locked, and the wrong guesses left. Spends no guess.</summary>
    public async Task<VaultAccountStatus> GetEscrowStatusAsync(VaultClientOptions vault, CancellationToken cancellationToken = default)
    {
        using var client = new VaultClient(vault);
        return await client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Changes the password. With <paramref name="oldPassword"/> null, this device's backup key proves the right to do it
    /// (the original device, or digits given); otherwise the old password does (an OPAQUE login that counts as a guess).
    /// </summary>
    public async Task<VaultAccountStatus> ChangePasswordAsync(VaultClientOptions vault, string newPassword, string? oldPassword = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(newPassword);
        using var client = new VaultClient(vault);
        if (oldPassword is not null)
            return await client.ChangePasswordAsync(oldPassword, newPassword, cancellationToken).ConfigureAwait(false);
        using BackupKey key = _keys.RequireLocal("Changing the password without the old one");
        return await client.ChangePasswordAsync(key, newPassword, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A forgotten password: escrows this device's backup key anew under <paramref name="newPassword"/>. Needs the key.</summary>
    public async Task<VaultAccountStatus> ResetPasswordAsync(VaultClientOptions vault, string newPassword, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(newPassword);
        using BackupKey key = _keys.RequireLocal("Resetting the password");
        using var client = new VaultClient(vault);
        return await client.ResetPasswordAsync(key, newPassword, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks that the user still knows the password: logs in and unwraps the escrowed key (a wrong password counts as a
    /// guess) and, when this device holds a key, compares the two in constant time.
    /// </summary>
    /// <exception cref="VaultException">Wrong password, ...; <see cref="VaultFailure.KeyMismatch"/> when the vault escrows another key than this device's.</exception>
    public async Task<PasswordCheck> VerifyPasswordAsync(VaultClientOptions vault, string password, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        using var client = new VaultClient(vault);
        var clock = Stopwatch.StartNew();
        using BackupKey recovered = await client.RecoverAsync(password, cancellationToken).ConfigureAwait(false);
        TimeSpan elapsed = clock.Elapsed;
        using BackupKey? local = TryLoadKey();
        if (local is not null && !local.SameAs(recovered))
            throw new VaultException(VaultFailure.KeyMismatch, "The password is right, but the vault escrows another backup key than this device's: reset the password on this device to escrow this one.");
        return new PasswordCheck(local is not null, elapsed);
    }

    /// <summary>Deletes the escrowed key from the vault (password mode off). Irreversible; needs this device's backup key.</summary>
    public async Task DisableEscrowAsync(VaultClientOptions vault, CancellationToken cancellationToken = default)
    {
        using BackupKey key = _keys.RequireLocal("Disabling the password escrow");
        using var client = new VaultClient(vault);
        await client.DisableAsync(key, cancellationToken).ConfigureAwait(false);
    }
}
