using System.Security.Cryptography;
using System.Text;
using Lockbox.Cryptography;
using Lockbox.Opaque;

namespace Lockbox.Client.Vault;

/// <summary>
/// The device side of password mode for one vault account (DESIGN.md, "Vault"): enrol the backup key K
/// behind a password, recover K with the password on a new device, change or reset the password, and
/// disable the escrow. K is wrapped on the device under a key only the password's OPAQUE export key gives,
/// so the vault never sees K or the password. Every exported, session and wrapping key is zeroed after use.
/// </summary>
public sealed class VaultClient : IDisposable
{
    private readonly VaultClientOptions _options;
    private readonly VaultApi _api;
    private readonly OpaqueClient _opaque;
    private readonly byte[] _fleetKey;

    public VaultClient(VaultClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FleetPublicKey.Length != FleetKey.Size)
            throw new ArgumentException($"The fleet public key must be {FleetKey.Size} bytes.", nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.AccountId);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.AccountToken);
        _options = options;
        _fleetKey = options.FleetPublicKey.ToArray();
        _api = new VaultApi(options);
        _opaque = new OpaqueClient(new OpaqueConfiguration([], options.KeyStretching));
    }

    /// <summary>The account this client speaks for.</summary>
    public string AccountId => _options.AccountId;

    /// <summary>The vault's base address.</summary>
    public Uri VaultUrl => _api.VaultUrl;

    /// <summary>Escrows <paramref name="key"/> behind <paramref name="password"/> (OPAQUE registration, wrap on the device).</summary>
    public async Task<VaultAccountStatus> EnrolAsync(string password, BackupKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        (byte[] record, byte[] wrapped) = await RegisterAsync(password, key, cancellationToken).ConfigureAwait(false);
        byte[] credential = EscrowCrypto.ManagementCredential(key);
        try
        {
            var body = new EnrolBody(VaultApi.Encode(record), VaultApi.Encode(wrapped), VaultApi.Encode(credential), _options.GuessLimit);
            AccountReply reply = await _api.PostAsync<AccountReply>("enrol", body, cancellationToken).ConfigureAwait(false);
            return new VaultAccountStatus(false, reply.GuessesLeft, reply.GuessLimit, reply.Version);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(credential);
        }
    }

    /// <summary>
    /// Recovers K with the password (OPAQUE login; the vault counts the guess). A wrong password is a
    /// <see cref="VaultException"/> with <see cref="VaultFailure.WrongPassword"/> and the guesses left; an
    /// erased escrow is <see cref="VaultFailure.Locked"/>.
    /// </summary>
    public async Task<BackupKey> RecoverAsync(string password, CancellationToken cancellationToken = default)
    {
        byte[] pw = PasswordBytes(password);
        try
        {
            using ClientLoginState state = _opaque.GenerateKE1(pw);
            LoginStartReply start = await _api.PostAsync<LoginStartReply>("login/start", new LoginStartBody(VaultApi.Encode(state.KE1.Serialize())), cancellationToken).ConfigureAwait(false);
            byte[] session = _api.Decode(start.SessionId, 16, "login/start sessionId");
            byte[] ke2Bytes = _api.Decode(start.Ke2, KE2.Size, "login/start ke2");
            if (!KE2.TryParse(ke2Bytes, out KE2? ke2))
                throw new VaultException(VaultFailure.NotAuthentic, $"The vault at {VaultUrl} sent an invalid OPAQUE KE2: it is not the vault this device trusts.");

            using ClientLoginResult? login = _opaque.GenerateKE3(state, pw, ke2);
            if (login is null)
                throw await AbandonAsync(session, start.GuessesLeft, cancellationToken).ConfigureAwait(false);
            if (!CryptographicOperations.FixedTimeEquals(login.ServerPublicKey, _fleetKey))
                throw NotAuthentic();

            LoginFinishReply finish = await _api.PostAsync<LoginFinishReply>("login/finish",
                new LoginFinishBody(VaultApi.Encode(session), VaultApi.Encode(login.KE3.Serialize())), cancellationToken).ConfigureAwait(false);
            byte[] sealedKey = _api.Decode(finish.SealedKey, EscrowCrypto.SealedKeySize, "login/finish sealedKey");
            byte[] wrapped = EscrowCrypto.TryUnseal(login.SessionKey, sealedKey, AccountId)
                ?? throw new VaultException(VaultFailure.Tampered, $"The escrowed key from {VaultUrl} failed authentication in transit; nothing was used.");
            try
            {
                return EscrowCrypto.TryUnwrap(login.ExportKey, wrapped, AccountId)
                    ?? throw new VaultException(VaultFailure.Tampered, "The escrowed key does not authenticate under this password: the vault's record was altered.");
            }
            finally
            {
                CryptographicOperations.ZeroMemory(wrapped);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pw);
        }
    }

    /// <summary>Changes the password, proving the old one: recovers K with it, then re-enrols under the new one.</summary>
    public async Task<VaultAccountStatus> ChangePasswordAsync(string oldPassword, string newPassword, CancellationToken cancellationToken = default)
    {
        using BackupKey key = await RecoverAsync(oldPassword, cancellationToken).ConfigureAwait(false);
        return await ReplaceAsync("password/change", newPassword, key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Changes the password on a device that holds K (proved through the management credential).</summary>
    public Task<VaultAccountStatus> ChangePasswordAsync(BackupKey key, string newPassword, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ReplaceAsync("password/change", newPassword, key, cancellationToken);
    }

    /// <summary>
    /// Resets a forgotten password on the original device: K (from device state) proves itself through the
    /// management credential; the new registration replaces the old one and clears the guess count, even
    /// on an account locked by wrong guesses.
    /// </summary>
    public Task<VaultAccountStatus> ResetPasswordAsync(BackupKey key, string newPassword, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ReplaceAsync("password/reset", newPassword, key, cancellationToken);
    }

    /// <summary>Deletes the escrow (turns password mode off); needs K through the management credential.</summary>
    public async Task DisableAsync(BackupKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        byte[] credential = EscrowCrypto.ManagementCredential(key);
        try
        {
            await _api.PostAsync<object>("delete", new DeleteBody(VaultApi.Encode(credential)), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(credential);
        }
    }

    /// <summary>The account's escrow status (locked, guesses left).</summary>
    public async Task<VaultAccountStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        StatusReply reply = await _api.GetAsync<StatusReply>("status", cancellationToken).ConfigureAwait(false);
        return new VaultAccountStatus(reply.Locked, reply.GuessesLeft, reply.GuessLimit, reply.Version);
    }

    public void Dispose()
    {
        _api.Dispose();
    }

    public override string ToString() => $"VaultClient({VaultUrl}, account {AccountId})";

    private async Task<VaultAccountStatus> ReplaceAsync(string path, string newPassword, BackupKey key, CancellationToken cancellationToken)
    {
        (byte[] record, byte[] wrapped) = await RegisterAsync(newPassword, key, cancellationToken).ConfigureAwait(false);
        byte[] credential = EscrowCrypto.ManagementCredential(key);
        try
        {
            var body = new PasswordBody(VaultApi.Encode(credential), VaultApi.Encode(record), VaultApi.Encode(wrapped));
            AccountReply reply = await _api.PostAsync<AccountReply>(path, body, cancellationToken).ConfigureAwait(false);
            return new VaultAccountStatus(false, reply.GuessesLeft, reply.GuessLimit, reply.Version);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(credential);
        }
    }

    /// <summary>OPAQUE registration against the pinned vault; returns the record and K wrapped under the new export key.</summary>
    private async Task<(byte[] Record, byte[] Wrapped)> RegisterAsync(string password, BackupKey key, CancellationToken cancellationToken)
    {
        byte[] pw = PasswordBytes(password);
        try
        {
            using ClientRegistrationState state = _opaque.CreateRegistrationRequest(pw);
            RegistrationStartReply reply = await _api.PostAsync<RegistrationStartReply>("registration/start",
                new RegistrationStartBody(VaultApi.Encode(state.Request.Serialize())), cancellationToken).ConfigureAwait(false);
            byte[] responseBytes = _api.Decode(reply.RegistrationResponse, RegistrationResponse.Size, "registration/start registrationResponse");
            if (!RegistrationResponse.TryParse(responseBytes, out RegistrationResponse? response)
                || !CryptographicOperations.FixedTimeEquals(response.ServerPublicKey, _fleetKey))
                throw NotAuthentic();
            using ClientRegistrationResult result = _opaque.FinalizeRegistrationRequest(state, pw, response);
            return (result.Record.Serialize(), EscrowCrypto.Wrap(result.ExportKey, key, AccountId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pw);
        }
    }

    /// <summary>
    /// After a KE2 this password cannot open: finish the session with a KE3 that cannot verify, so the vault
    /// settles the guess now (and erases the key at once if that was the last one) and says how many are left.
    /// </summary>
    private async Task<VaultException> AbandonAsync(byte[] session, int guessesLeftAtStart, CancellationToken cancellationToken)
    {
        byte[] decoy = RandomNumberGenerator.GetBytes(KE3.Size);
        try
        {
            await _api.PostAsync<LoginFinishReply>("login/finish", new LoginFinishBody(VaultApi.Encode(session), VaultApi.Encode(decoy)), cancellationToken).ConfigureAwait(false);
            return VaultApi.WrongPassword(guessesLeftAtStart); // a decoy never verifies; a vault that says it did is not trusted either way
        }
        catch (VaultException e) when (e.Failure is VaultFailure.WrongPassword or VaultFailure.Locked)
        {
            return e;
        }
        catch (VaultException)
        {
            return guessesLeftAtStart <= 0 ? VaultApi.Locked(lastGuess: true) : VaultApi.WrongPassword(guessesLeftAtStart);
        }
    }

    private VaultException NotAuthentic() => new(VaultFailure.NotAuthentic,
        $"The vault at {VaultUrl} is not authentic: it does not hold the pinned fleet key. Nothing was sent that could reveal the password or the backup key.");

    private static byte[] PasswordBytes(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length == 0) throw new ArgumentException("The password must not be empty.", nameof(password));
        return Encoding.UTF8.GetBytes(password);
    }
}
