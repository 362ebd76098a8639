using System.Security.Cryptography;
using System.Text;
using Lockbox.Cryptography;
using Lockbox.Opaque;
using Lockbox.Vault.Protocol;

namespace Lockbox.Client.Vault;

/// <summary>
/// The device side of password mode for one vault account (DESIGN.md, "Vault"): enrol the backup key K
/// behind a password, recover K with the password on a new device, change or reset the password, and
/// disable the escrow. K is wrapped on the device under a key only the password's OPAQUE export key gives,
/// so the vault never sees K or the password. Every exported, session and wrapping key is zeroed after use.
/// <para>
/// Before anything else, each instance asks the vault for a signed hello (docs/VAULT-API.md): it must verify
/// under the pinned fleet key and list the URL in use, or nothing more is sent — not the account token, and
/// no counted login. Every later answer is verified the same way before it is used; logins take the
/// Argon2id parameters from the vault's signed status, never from the repository's hints.
/// </para>
/// </summary>
public sealed class VaultClient : IDisposable
{
    private readonly VaultClientOptions _options;
    private readonly VaultApi _api;
    private byte[]? _serverPublicKey;

    public VaultClient(VaultClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FleetPublicKey.Length != FleetKey.Size)
            throw new ArgumentException($"The fleet public key must be {FleetKey.Size} bytes.", nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.AccountId);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.AccountToken);
        _options = options;
        _api = new VaultApi(options, options.FleetPublicKey.ToArray());
    }

    /// <summary>The account this client speaks for.</summary>
    public string AccountId => _options.AccountId;

    /// <summary>The vault's base address (the node in use).</summary>
    public Uri VaultUrl => _api.VaultUrl;

    /// <summary>Every node address this client was given (one for a single-node vault); keep them all in the repository's hints.</summary>
    public IReadOnlyList<Uri> NodeUrls => _api.Nodes;

    /// <summary>
    /// The freshness anchor the vault released with the key at the last <see cref="RecoverAsync"/> (signed like the
    /// rest of its answer); null when the account has none. Check the store's newest snapshot against it before restoring.
    /// </summary>
    public FreshnessAnchor? LastAnchor { get; private set; }

    /// <summary>
    /// Authenticates the vault (signed hello: the pinned fleet key, and this URL among its nodes); done once per
    /// instance, and by every other method first. A failure is <see cref="VaultFailure.NotAuthentic"/> and costs no guess.
    /// </summary>
    public async Task AuthenticateAsync(CancellationToken cancellationToken = default)
    {
        if (_serverPublicKey is not null) return;
        byte[] fleetKey = _options.FleetPublicKey.ToArray();
        long pinned = Math.Max(FleetMapVersion, _options.FleetMapPin?.VersionFor(fleetKey) ?? 0);
        for (int tried = 0; ; tried++)
        {
            HelloResponse hello = await _api.HelloAsync(cancellationToken).ConfigureAwait(false);
            byte[] serverPublicKey = _api.Decode(hello.ServerPublicKey, 32, "hello serverPublicKey");
            FleetMap map = MapOf(hello);
            if (map.Version < pinned)
            {
                // Signed by the fleet, but older than a map this device accepted: a node left behind, or a replayed
                // answer. Another node may have the current map; none does: refuse.
                if (tried + 1 < _api.Nodes.Count)
                {
                    _api.MoveNext();
                    continue;
                }
                throw new VaultException(VaultFailure.NotAuthentic,
                    $"The vault's nodes serve fleet map version {map.Version}, older than version {pinned} this device already accepted: a rolled-back or stale fleet. Nothing was sent.");
            }
            // Every address this device was given must be one the fleet signs for: the token may go to any of them.
            string[] listed = [.. map.Groups.SelectMany(g => g.Nodes)];
            foreach (Uri node in _api.Nodes)
                if (!listed.Any(n => SameVault(n, node)))
                    throw new VaultException(VaultFailure.NotAuthentic,
                        $"The vault fleet does not list {node} among its addresses: this address relays or impersonates it. Nothing was sent that could reveal the token, the password or the backup key.");
            // The account's group (docs/VAULT-API.md, "Fleet map"): the given addresses in it, in their order, or else its nodes from the signed map.
            FleetGroup group = map.GroupOf(AccountId);
            Uri[] given = [.. _api.Nodes.Where(u => group.Nodes.Any(n => SameVault(n, u)))];
            _api.Route(given.Length > 0 ? given : [.. group.Nodes.Select(n => new Uri(n))]);
            if (map.Version > pinned) _options.FleetMapPin?.Raise(fleetKey, map.Version);
            FleetMapVersion = map.Version;
            GroupId = group.Id;
            _serverPublicKey = serverPublicKey;
            _api.MarkAuthenticated();
            return;
        }
    }

    /// <summary>The fleet map version of the last signed hello this client accepted (0: a one-group vault without a map).</summary>
    public long FleetMapVersion { get; private set; }

    /// <summary>The group of the fleet that serves this account (1 in a one-group vault); known after <see cref="AuthenticateAsync"/>.</summary>
    public int GroupId { get; private set; }

    /// <summary>The map in a signed hello; a vault from before fleet maps (none in its hello) is one group of its listed nodes.</summary>
    private FleetMap MapOf(HelloResponse hello)
    {
        if (hello.Fleet is null) return Lockbox.Vault.Protocol.FleetMap.SingleGroup([.. hello.Nodes?.OfType<string>() ?? []]);
        if (!Lockbox.Vault.Protocol.FleetMap.TryFrom(hello.Fleet, out FleetMap? map, out string? error))
            throw new VaultException(VaultFailure.Rejected, $"The vault at {VaultUrl} signed a fleet map this device cannot use: {error}");
        return map!;
    }

    /// <summary>Escrows <paramref name="key"/> behind <paramref name="password"/> (OPAQUE registration, wrap on the device).</summary>
    public async Task<VaultAccountStatus> EnrolAsync(string password, BackupKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await AuthenticateAsync(cancellationToken).ConfigureAwait(false);
        (byte[] record, byte[] wrapped, string enrolmentId) = await RegisterAsync(password, key, managementCredential: null, cancellationToken).ConfigureAwait(false);
        byte[] credential = EscrowCrypto.ManagementCredential(key);
        try
        {
            var body = new EnrolRequest(VaultApi.Encode(record), VaultApi.Encode(wrapped), VaultApi.Encode(credential), _options.GuessLimit, enrolmentId, Ksf(_options.KeyStretching));
            AccountResponse reply = await _api.PostAsync<AccountResponse>(VaultSigning.Endpoints.Enrol, body, cancellationToken).ConfigureAwait(false);
            return new VaultAccountStatus(false, reply.GuessesLeft, reply.GuessLimit, reply.Version);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(credential);
        }
    }

    /// <summary>
    /// Recovers K with the password (OPAQUE login; the vault counts the guess). First the vault's signed
    /// status: an account with nothing escrowed is <see cref="VaultFailure.NotEnrolled"/> and an erased one
    /// <see cref="VaultFailure.Locked"/>, neither costing a guess; the login then uses the Argon2id parameters
    /// the vault keeps for the account. A wrong password is <see cref="VaultFailure.WrongPassword"/> with the guesses left.
    /// </summary>
    public async Task<BackupKey> RecoverAsync(string password, CancellationToken cancellationToken = default)
    {
        byte[] pw = PasswordBytes(password);
        try
        {
            await AuthenticateAsync(cancellationToken).ConfigureAwait(false);
            StatusResponse status = await _api.PostAsync<StatusResponse>(VaultSigning.Endpoints.Status, new StatusRequest(null), cancellationToken).ConfigureAwait(false);
            if (status.Erased) throw VaultApi.Locked(lastGuess: false);
            var opaque = new OpaqueClient(new OpaqueConfiguration([], StretchingOf(status)));

            using ClientLoginState state = opaque.GenerateKE1(pw);
            // One attempt id for this guess: if the answer is lost and the request goes again (to another node), the
            // vault recognises the attempt and counts it once (docs/VAULT-API.md, "login/start").
            string attemptId = VaultApi.Encode(RandomNumberGenerator.GetBytes(16));
            LoginStartResponse start = await _api.PostAsync<LoginStartResponse>(VaultSigning.Endpoints.LoginStart,
                new LoginStartRequest(VaultApi.Encode(state.KE1.Serialize()), attemptId), cancellationToken).ConfigureAwait(false);
            byte[] session = _api.Decode(start.SessionId, 16, "login/start sessionId");
            byte[] ke2Bytes = _api.Decode(start.Ke2, KE2.Size, "login/start ke2");
            if (!KE2.TryParse(ke2Bytes, out KE2? ke2))
                throw new VaultException(VaultFailure.NotAuthentic, $"The vault at {VaultUrl} sent an invalid OPAQUE KE2: it is not the vault this device trusts.");

            using ClientLoginResult? login = opaque.GenerateKE3(state, pw, ke2);
            if (login is null)
                throw await AbandonAsync(session, start.GuessesLeft, cancellationToken).ConfigureAwait(false);
            if (!CryptographicOperations.FixedTimeEquals(login.ServerPublicKey, _serverPublicKey))
                throw NotAuthentic();

            LoginFinishResponse finish = await _api.PostAsync<LoginFinishResponse>(VaultSigning.Endpoints.LoginFinish,
                new LoginFinishRequest(VaultApi.Encode(session), VaultApi.Encode(login.KE3.Serialize())), cancellationToken).ConfigureAwait(false);
            byte[] sealedKey = _api.Decode(finish.SealedKey, VaultSizes.SealedKey, "login/finish sealedKey");
            LastAnchor = finish.Anchor is { } anchor
                ? new FreshnessAnchor(anchor.Sequence, _api.Decode(anchor.Hash, FreshnessAnchor.HashSize, "login/finish anchor hash"))
                : null;
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
        return await ReplaceAsync(VaultSigning.Endpoints.PasswordChange, newPassword, key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Changes the password on a device that holds K (proved through the management credential).</summary>
    public Task<VaultAccountStatus> ChangePasswordAsync(BackupKey key, string newPassword, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ReplaceAsync(VaultSigning.Endpoints.PasswordChange, newPassword, key, cancellationToken);
    }

    /// <summary>
    /// Resets a forgotten password on the original device: K (from device state) proves itself through the
    /// management credential; the new registration replaces the old one and clears the guess count, even
    /// on an account locked by wrong guesses.
    /// </summary>
    public Task<VaultAccountStatus> ResetPasswordAsync(BackupKey key, string newPassword, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ReplaceAsync(VaultSigning.Endpoints.PasswordReset, newPassword, key, cancellationToken);
    }

    /// <summary>Deletes the escrow (turns password mode off); needs K through the management credential.</summary>
    public async Task DisableAsync(BackupKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await AuthenticateAsync(cancellationToken).ConfigureAwait(false);
        byte[] credential = EscrowCrypto.ManagementCredential(key);
        try
        {
            await _api.PostAsync<DeleteResponse>(VaultSigning.Endpoints.Delete, new DeleteRequest(VaultApi.Encode(credential)), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(credential);
        }
    }

    /// <summary>
    /// Advances the account's freshness anchor to the snapshot just backed up (<paramref name="sequence"/>, its
    /// 32-byte <paramref name="snapshotHash"/>); needs K through the management credential. The vault moves it
    /// forward only; the same anchor sent again is accepted.
    /// </summary>
    public async Task<FreshnessAnchor> AdvanceAnchorAsync(BackupKey key, long sequence, ReadOnlyMemory<byte> snapshotHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        if (snapshotHash.Length != FreshnessAnchor.HashSize) throw new ArgumentException($"The snapshot hash must be {FreshnessAnchor.HashSize} bytes.", nameof(snapshotHash));
        await AuthenticateAsync(cancellationToken).ConfigureAwait(false);
        byte[] credential = EscrowCrypto.ManagementCredential(key);
        try
        {
            AnchorModel reply = await _api.PostAsync<AnchorModel>(VaultSigning.Endpoints.Anchor,
                new AnchorRequest(VaultApi.Encode(credential), sequence, VaultApi.Encode(snapshotHash.Span)), cancellationToken).ConfigureAwait(false);
            return new FreshnessAnchor(reply.Sequence, _api.Decode(reply.Hash, FreshnessAnchor.HashSize, "anchor hash"));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(credential);
        }
    }

    /// <summary>The account's escrow status (locked, guesses left), signed by the fleet.</summary>
    public async Task<VaultAccountStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        await AuthenticateAsync(cancellationToken).ConfigureAwait(false);
        StatusResponse reply = await _api.PostAsync<StatusResponse>(VaultSigning.Endpoints.Status, new StatusRequest(null), cancellationToken).ConfigureAwait(false);
        return new VaultAccountStatus(reply.Locked, reply.GuessesLeft, reply.GuessLimit, reply.Version);
    }

    public void Dispose()
    {
        _api.Dispose();
    }

    public override string ToString() => $"VaultClient({VaultUrl}, account {AccountId})";

    /// <summary>Same scheme, host, port and path (case of scheme and host ignored, trailing slash normalised).</summary>
    internal static bool SameVault(string node, Uri url)
    {
        if (!Uri.TryCreate(node, UriKind.Absolute, out Uri? n)) return false;
        static string Key(Uri u) => string.Concat(u.Scheme.ToLowerInvariant(), "://", u.IdnHost.ToLowerInvariant(), ":",
            u.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), u.AbsolutePath.TrimEnd('/'), "/");
        return string.Equals(Key(n), Key(url), StringComparison.Ordinal);
    }

    private Argon2idKeyStretching StretchingOf(StatusResponse status)
    {
        if (status.KeyStretching is null) return _options.KeyStretching; // a record enrolled before the vault kept them
        if (status.KeyStretching is not { T: { } t, M: { } m, P: { } p })
            throw new VaultException(VaultFailure.Rejected, $"The vault at {VaultUrl} sent incomplete Argon2id parameters.");
        try
        {
            return KeyStretching.Argon2id(t, m, p);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new VaultException(VaultFailure.Rejected, $"The vault at {VaultUrl} sent Argon2id parameters out of range.", e);
        }
    }

    private static KsfModel Ksf(Argon2idKeyStretching k) => new(k.Iterations, k.MemoryKiB, k.Parallelism);

    private async Task<VaultAccountStatus> ReplaceAsync(string endpoint, string newPassword, BackupKey key, CancellationToken cancellationToken)
    {
        await AuthenticateAsync(cancellationToken).ConfigureAwait(false);
        byte[] credential = EscrowCrypto.ManagementCredential(key);
        try
        {
            (byte[] record, byte[] wrapped, string enrolmentId) = await RegisterAsync(newPassword, key, credential, cancellationToken).ConfigureAwait(false);
            var body = new PasswordRequest(VaultApi.Encode(credential), VaultApi.Encode(record), VaultApi.Encode(wrapped), enrolmentId, Ksf(_options.KeyStretching));
            AccountResponse reply = await _api.PostAsync<AccountResponse>(endpoint, body, cancellationToken).ConfigureAwait(false);
            return new VaultAccountStatus(false, reply.GuessesLeft, reply.GuessLimit, reply.Version);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(credential);
        }
    }

    /// <summary>
    /// OPAQUE registration against the authenticated vault (the management credential is needed when the
    /// account already has a record); returns the record, K wrapped under the new export key, and the
    /// enrolment id the vault chose (base64url), which the enrol/change/reset request must carry.
    /// </summary>
    private async Task<(byte[] Record, byte[] Wrapped, string EnrolmentId)> RegisterAsync(string password, BackupKey key, byte[]? managementCredential, CancellationToken cancellationToken)
    {
        byte[] pw = PasswordBytes(password);
        try
        {
            var opaque = new OpaqueClient(new OpaqueConfiguration([], _options.KeyStretching));
            using ClientRegistrationState state = opaque.CreateRegistrationRequest(pw);
            RegistrationStartResponse reply = await _api.PostAsync<RegistrationStartResponse>(VaultSigning.Endpoints.RegistrationStart,
                new RegistrationStartRequest(VaultApi.Encode(state.Request.Serialize()), managementCredential is null ? null : VaultApi.Encode(managementCredential)),
                cancellationToken).ConfigureAwait(false);
            byte[] responseBytes = _api.Decode(reply.RegistrationResponse, RegistrationResponse.Size, "registration/start registrationResponse");
            _ = _api.Decode(reply.EnrolmentId, 16, "registration/start enrolmentId");
            if (!RegistrationResponse.TryParse(responseBytes, out RegistrationResponse? response)
                || !CryptographicOperations.FixedTimeEquals(response.ServerPublicKey, _serverPublicKey))
                throw NotAuthentic();
            try
            {
                using ClientRegistrationResult result = opaque.FinalizeRegistrationRequest(state, pw, response);
                return (result.Record.Serialize(), EscrowCrypto.Wrap(result.ExportKey, key, AccountId), reply.EnrolmentId!);
            }
            catch (OpaqueProtocolException e)
            {
                throw new VaultException(VaultFailure.NotAuthentic, $"The vault at {VaultUrl} sent an invalid registration response ({e.Error}).", e);
            }
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
            await _api.PostAsync<LoginFinishResponse>(VaultSigning.Endpoints.LoginFinish, new LoginFinishRequest(VaultApi.Encode(session), VaultApi.Encode(decoy)), cancellationToken).ConfigureAwait(false);
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
        $"The vault at {VaultUrl} is not authentic: its OPAQUE key is not the one the fleet signed. Nothing was sent that could reveal the password or the backup key.");

    private static byte[] PasswordBytes(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length == 0) throw new ArgumentException("The password must not be empty.", nameof(password));
        return Encoding.UTF8.GetBytes(password);
    }
}
