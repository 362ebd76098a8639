using System.Security.Cryptography;
using System.Text;
using Lockbox.Cryptography;
using Lockbox.Vault.Core.Commands;
using Lockbox.Vault.Core.Hsm;
using Lockbox.Vault.Core.Opaque;
using Lockbox.Vault.Protocol;

namespace Lockbox.Vault.Core.State;

/// <summary>
/// The deterministic heart of the vault: <see cref="Apply"/> turns one logged command into a state change
/// and a response, using nothing but the command, the current state, the HSM's deterministic functions
/// (OPRF key seed) and the OPAQUE server. No clock, no RNG, no I/O. Not thread-safe: the host applies
/// commands one at a time (the single writer that makes guess counting linearizable).
/// </summary>
internal sealed class VaultStateMachine(IHsm hsm, IOpaqueServer opaque, VaultPolicy policy, VaultState? state = null)
{
    public const int SessionIdSize = 16;
    public const int TransportNonceSize = 12;

    public VaultState State { get; } = state ?? new VaultState();

    public VaultPolicy Policy => policy;

    /// <summary>Wrapped keys erased at the guess limit since this machine was built (for metrics).</summary>
    public long KeysErased { get; private set; }

    /// <summary>
    /// Applies one logged command. Never throws (issue 9, finding 3): a command that does not validate, or
    /// whose effect fails, is a deterministic no-op answered <see cref="VaultOutcome.InvalidMessage"/>, so
    /// the same log always replays to the same state and a vault always starts from its own log.
    /// </summary>
    public VaultResult Apply(VaultCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        List<string>? erased = Expire(command.TimeMs);
        VaultResult result = ApplyValid(command);
        return erased is null ? result : result with { ExpiryErasures = erased };
    }

    private VaultResult ApplyValid(VaultCommand command)
    {
        if (!CommandValidator.IsValid(command, opaque, policy)) return VaultResult.Of(VaultOutcome.InvalidMessage);
        try
        {
            return command switch
            {
                EnrolCommand c => Enrol(c),
                StartLoginCommand c => StartLogin(c),
                FinishLoginCommand c => FinishLogin(c),
                ChangePasswordCommand c => Replace(c.AccountId, c.ManagementHash, c.Record, c.WrappedKey, c.EnrolmentId, c.Ksf, reset: false),
                ResetPasswordCommand c => Replace(c.AccountId, c.ManagementHash, c.Record, c.WrappedKey, c.EnrolmentId, c.Ksf, reset: true),
                DeleteCommand c => Delete(c),
                AnchorCommand c => Anchor(c),
                _ => VaultResult.Of(VaultOutcome.Ok), // TickCommand: Expire did the work
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException or CryptographicException or Lockbox.Opaque.OpaqueProtocolException)
        {
            // Every effect validates before it changes state, so a failure here has changed nothing.
            return VaultResult.Of(VaultOutcome.InvalidMessage);
        }
    }

    /// <summary>Read-only: the account's status as of <paramref name="nowMs"/>.</summary>
    public VaultResult Status(string accountId, long nowMs)
    {
        if (!State.Accounts.TryGetValue(accountId, out AccountRecord? a)) return VaultResult.Of(VaultOutcome.NotEnrolled);
        bool locked = a.Locked || a.Erased || (a.GuessCount >= a.GuessLimit && !HasLivePending(accountId, nowMs));
        return new VaultResult(VaultOutcome.Ok)
        {
            GuessesLeft = a.GuessesLeft, GuessLimit = a.GuessLimit, Locked = locked, Erased = a.Erased, Version = a.Version, Ksf = a.Ksf,
        };
    }

    /// <summary>
    /// Read-only: RFC 9807 CreateRegistrationResponse under the OPRF key of
    /// <c>(accountId, enrolmentId)</c> (<see cref="CredentialIdentifier"/>). An account that has a record
    /// (enrolled or locked) answers only to its management credential (issue 9, finding 2): without it the
    /// outcome is <see cref="VaultOutcome.AlreadyEnrolled"/>, with a wrong one <see cref="VaultOutcome.Forbidden"/>.
    /// The fresh <paramref name="enrolmentId"/> makes the evaluation useless against the live record. Nothing is counted or logged.
    /// </summary>
    public VaultResult RegistrationStart(string accountId, ReadOnlySpan<byte> request, byte[]? managementHash, ReadOnlySpan<byte> enrolmentId)
    {
        if (!CredentialIdentifier.IsValidAccountId(accountId) || enrolmentId.Length != CredentialIdentifier.EnrolmentIdSize
            || !opaque.IsValidRegistrationRequest(request))
            return VaultResult.Of(VaultOutcome.InvalidMessage);
        if (State.Accounts.TryGetValue(accountId, out AccountRecord? a))
        {
            if (managementHash is null) return VaultResult.Of(VaultOutcome.AlreadyEnrolled);
            if (!CryptographicOperations.FixedTimeEquals(managementHash, a.ManagementHash)) return VaultResult.Of(VaultOutcome.Forbidden);
        }
        Span<byte> seed = stackalloc byte[OprfKeySeed.Size];
        try
        {
            hsm.DeriveOprfKeySeed(CredentialIdentifier.For(accountId, enrolmentId), seed);
            byte[]? response = opaque.CreateRegistrationResponse(request, seed);
            return response is null ? VaultResult.Of(VaultOutcome.InvalidMessage) : new VaultResult(VaultOutcome.Ok) { RegistrationResponse = response };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>True when some pending login has expired, i.e. a <see cref="TickCommand"/> would change state.</summary>
    public bool HasExpired(long nowMs) => State.Pending.Values.Any(p => p.ExpiresMs <= nowMs) || State.Finished.Values.Any(f => f.ExpiresMs <= nowMs);

    private VaultResult Enrol(EnrolCommand c)
    {
        if (State.Accounts.ContainsKey(c.AccountId)) return VaultResult.Of(VaultOutcome.AlreadyEnrolled);
        State.Accounts.Add(c.AccountId, new AccountRecord
        {
            AccountId = c.AccountId,
            Record = c.Record,
            WrappedKey = c.WrappedKey,
            ManagementHash = c.ManagementHash,
            GuessLimit = c.GuessLimit,
            Version = 1,
            EnrolmentId = c.EnrolmentId,
            Ksf = c.Ksf,
        });
        return new VaultResult(VaultOutcome.Ok) { Version = 1, GuessesLeft = c.GuessLimit, GuessLimit = c.GuessLimit, Ksf = c.Ksf };
    }

    private VaultResult StartLogin(StartLoginCommand c)
    {
        string session = Convert.ToHexStringLower(c.SessionId);
        if (c.SessionId.Length != SessionIdSize) return VaultResult.Of(VaultOutcome.InvalidMessage);
        byte[] ke1Hash = SHA256.HashData(c.KE1);
        if (State.Pending.TryGetValue(session, out PendingLogin? prior))
        {
            // The same attempt sent again (a device retrying on another node after losing the answer): the same
            // KE2, and no second guess counted. Anything else reusing the id is refused.
            return prior.AccountId == c.AccountId && prior.KE2.Length > 0 && CryptographicOperations.FixedTimeEquals(prior.Ke1Hash, ke1Hash)
                ? new VaultResult(VaultOutcome.Ok) { KE2 = prior.KE2, SessionId = c.SessionId, GuessesLeft = prior.GuessesLeft }
                : VaultResult.Of(VaultOutcome.InvalidMessage);
        }
        if (State.Finished.ContainsKey(session)) return VaultResult.Of(VaultOutcome.UnknownSession);
        State.Accounts.TryGetValue(c.AccountId, out AccountRecord? a);
        if (a is not null && (a.Locked || a.Erased))
            return new VaultResult(VaultOutcome.Locked) { GuessesLeft = 0, Locked = true, Erased = true };
        if (a is not null && a.GuessCount >= a.GuessLimit)
            return new VaultResult(VaultOutcome.GuessesExhausted) { GuessesLeft = 0 };

        LoginStartResult? ke2;
        Span<byte> seed = stackalloc byte[OprfKeySeed.Size];
        try
        {
            // Unknown accounts keep the plain account id, so repeated KE2s for one of them are consistent.
            hsm.DeriveOprfKeySeed(CredentialIdentifier.For(c.AccountId, a is null ? [] : a.EnrolmentId), seed);
            ke2 = opaque.GenerateKE2(a is null ? default : a.Record, Encoding.UTF8.GetBytes(c.AccountId), seed, c.KE1, c.Randomness);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
        if (ke2 is null) return VaultResult.Of(VaultOutcome.InvalidMessage);

        long expires = c.TimeMs + (long)policy.LoginTimeout.TotalMilliseconds;
        int guessesLeft;
        if (a is null)
        {
            // Unknown account: same KE2 form, same response fields; nothing to count.
            guessesLeft = policy.DefaultGuessLimit - 1;
            State.Pending.Add(session, new PendingLogin(c.AccountId, ke2.ServerState, expires, Fake: true, RecordVersion: 0)
            {
                Ke1Hash = ke1Hash, KE2 = ke2.KE2, GuessesLeft = guessesLeft,
            });
        }
        else
        {
            a.GuessCount++; // counted here, before the KE2 is released by the host
            guessesLeft = a.GuessesLeft;
            State.Pending.Add(session, new PendingLogin(c.AccountId, ke2.ServerState, expires, Fake: false, a.Version)
            {
                Ke1Hash = ke1Hash, KE2 = ke2.KE2, GuessesLeft = guessesLeft,
            });
        }
        return new VaultResult(VaultOutcome.Ok) { KE2 = ke2.KE2, SessionId = c.SessionId, GuessesLeft = guessesLeft };
    }

    private VaultResult FinishLogin(FinishLoginCommand c)
    {
        string session = Convert.ToHexStringLower(c.SessionId);
        byte[] ke3Hash = SHA256.HashData(c.KE3);
        if (!State.Pending.TryGetValue(session, out PendingLogin? p) || p.AccountId != c.AccountId)
        {
            // The same KE3 for an attempt already answered gets the same answer (idempotent per attempt); nothing
            // is counted, checked or released anew. Any other KE3 finds no session.
            return State.Finished.TryGetValue(session, out FinishedLogin? done) && done.AccountId == c.AccountId
                && CryptographicOperations.FixedTimeEquals(done.Ke3Hash, ke3Hash)
                ? done.ToResult()
                : VaultResult.Of(VaultOutcome.UnknownSession);
        }
        State.Pending.Remove(session); // one KE3 per KE2
        VaultResult result = FinishPending(c, p);
        State.Finished[session] = new FinishedLogin(c.AccountId, ke3Hash, result.Outcome, result.SealedKey, result.GuessesLeft ?? 0, result.Locked, result.Erased, p.ExpiresMs)
        {
            AnchorSequence = result.AnchorSequence ?? 0, AnchorHash = result.AnchorHash ?? [],
        };
        return result;
    }

    private VaultResult FinishPending(FinishLoginCommand c, PendingLogin p)
    {
        try
        {
            State.Accounts.TryGetValue(c.AccountId, out AccountRecord? a);
            if (p.Fake || a is null || a.Version != p.RecordVersion)
                return new VaultResult(VaultOutcome.LoginFailed) { GuessesLeft = p.Fake ? policy.DefaultGuessLimit - 1 : a?.GuessesLeft ?? 0 };

            Span<byte> sessionKey = stackalloc byte[VaultSizes.SessionKey];
            try
            {
                if (opaque.ServerFinish(p.ServerState, c.KE3, sessionKey) && a.WrappedKey is not null && !a.Locked)
                {
                    a.GuessCount = 0;
                    byte[] sealedKey = SealForTransport(sessionKey, c.AccountId, a.WrappedKey, c.TransportNonce);
                    return new VaultResult(VaultOutcome.Ok) { SealedKey = sealedKey, GuessesLeft = a.GuessesLeft, AnchorSequence = a.AnchorSequence, AnchorHash = a.AnchorHash };
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(sessionKey);
            }

            if (a.GuessCount >= a.GuessLimit && !HasPending(a.AccountId)) Erase(a);
            return new VaultResult(VaultOutcome.LoginFailed) { GuessesLeft = a.GuessesLeft, Locked = a.Locked, Erased = a.Erased };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(p.ServerState);
        }
    }

    private VaultResult Replace(string accountId, byte[] managementHash, byte[] record, byte[] wrappedKey, byte[] enrolmentId, KsfParameters? ksf, bool reset)
    {
        if (!State.Accounts.TryGetValue(accountId, out AccountRecord? a)) return VaultResult.Of(VaultOutcome.NotEnrolled);
        if (!CryptographicOperations.FixedTimeEquals(managementHash, a.ManagementHash)) return VaultResult.Of(VaultOutcome.Forbidden);
        if (!reset && (a.Locked || a.Erased)) return new VaultResult(VaultOutcome.Locked) { GuessesLeft = 0, Locked = true, Erased = true };

        if (a.WrappedKey is not null) CryptographicOperations.ZeroMemory(a.WrappedKey);
        a.Record = record;
        a.WrappedKey = wrappedKey;
        a.GuessCount = 0;
        a.Locked = false;
        a.EnrolmentId = enrolmentId;
        a.Ksf = ksf;
        a.Version++;
        DropPending(accountId);
        return new VaultResult(VaultOutcome.Ok) { Version = a.Version, GuessesLeft = a.GuessesLeft, GuessLimit = a.GuessLimit, Ksf = a.Ksf };
    }

    /// <summary>
    /// Moves the freshness anchor forward only: a newer sequence number replaces it, the same one with the same
    /// hash is a no-op (a retried request), anything else is <see cref="VaultOutcome.AnchorStale"/>.
    /// </summary>
    private VaultResult Anchor(AnchorCommand c)
    {
        if (!State.Accounts.TryGetValue(c.AccountId, out AccountRecord? a)) return VaultResult.Of(VaultOutcome.NotEnrolled);
        if (!CryptographicOperations.FixedTimeEquals(c.ManagementHash, a.ManagementHash)) return VaultResult.Of(VaultOutcome.Forbidden);
        bool same = c.Sequence == a.AnchorSequence && c.SnapshotHash.AsSpan().SequenceEqual(a.AnchorHash);
        if (!same && c.Sequence <= a.AnchorSequence)
            return new VaultResult(VaultOutcome.AnchorStale) { AnchorSequence = a.AnchorSequence, AnchorHash = a.AnchorHash };
        a.AnchorSequence = c.Sequence;
        a.AnchorHash = c.SnapshotHash;
        return new VaultResult(VaultOutcome.Ok) { AnchorSequence = a.AnchorSequence, AnchorHash = a.AnchorHash };
    }

    private VaultResult Delete(DeleteCommand c)
    {
        if (!State.Accounts.TryGetValue(c.AccountId, out AccountRecord? a)) return VaultResult.Of(VaultOutcome.NotEnrolled);
        if (!CryptographicOperations.FixedTimeEquals(c.ManagementHash, a.ManagementHash)) return VaultResult.Of(VaultOutcome.Forbidden);
        a.EraseWrappedKey();
        CryptographicOperations.ZeroMemory(a.Record);
        State.Accounts.Remove(c.AccountId);
        DropPending(c.AccountId);
        return VaultResult.Of(VaultOutcome.Ok);
    }

    /// <summary>Drops expired logins; an account whose last allowed guess lapsed unanswered loses its key now.</summary>
    /// <summary>Drops what has expired by <paramref name="nowMs"/>; returns the accounts whose key that erased, or null.</summary>
    private List<string>? Expire(long nowMs)
    {
        List<string>? done = null;
        foreach ((string session, FinishedLogin f) in State.Finished)
            if (f.ExpiresMs <= nowMs) (done ??= []).Add(session);
        foreach (string session in done ?? [])
        {
            if (State.Finished[session].SealedKey is { } sealedKey) CryptographicOperations.ZeroMemory(sealedKey);
            State.Finished.Remove(session);
        }
        List<string>? expired = null;
        foreach ((string session, PendingLogin p) in State.Pending)
            if (p.ExpiresMs <= nowMs) (expired ??= []).Add(session);
        if (expired is null) return null;
        List<string>? erased = null;
        foreach (string session in expired)
        {
            PendingLogin p = State.Pending[session];
            State.Pending.Remove(session);
            CryptographicOperations.ZeroMemory(p.ServerState);
            if (!p.Fake && State.Accounts.TryGetValue(p.AccountId, out AccountRecord? a)
                && a.GuessCount >= a.GuessLimit && !HasPending(a.AccountId))
            {
                if (a.WrappedKey is not null) (erased ??= []).Add(a.AccountId);
                Erase(a);
            }
        }
        return erased;
    }

    private void Erase(AccountRecord account)
    {
        if (account.WrappedKey is not null) KeysErased++;
        account.EraseWrappedKey();
        DropFinished(account.AccountId);
    }

    private bool HasPending(string accountId) => State.Pending.Values.Any(p => p.AccountId == accountId);

    private bool HasLivePending(string accountId, long nowMs) => State.Pending.Values.Any(p => p.AccountId == accountId && p.ExpiresMs > nowMs);

    private void DropPending(string accountId)
    {
        foreach (string session in State.Pending.Where(p => p.Value.AccountId == accountId).Select(p => p.Key).ToList())
            State.Pending.Remove(session);
        DropFinished(accountId);
    }

    /// <summary>A key replaced, deleted or erased leaves no copy behind, not even sealed to an old session.</summary>
    private void DropFinished(string accountId)
    {
        foreach (string session in State.Finished.Where(f => f.Value.AccountId == accountId).Select(f => f.Key).ToList())
        {
            if (State.Finished[session].SealedKey is { } sealedKey) CryptographicOperations.ZeroMemory(sealedKey);
            State.Finished.Remove(session);
        }
    }

    /// <summary>
    /// <c>key = HKDF-SHA256(ikm = session_key, salt = "", info = Labels.VaultTransport, L = 32)</c>;
    /// <c>sealed = nonce || AES-256-GCM(key, nonce, wrapped_key, aad = account id UTF-8) || tag</c>.
    /// </summary>
    internal static byte[] SealForTransport(ReadOnlySpan<byte> sessionKey, string accountId, ReadOnlySpan<byte> wrappedKey, ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length != TransportNonceSize) throw new ArgumentException("Transport nonce must be 12 bytes.", nameof(nonce));
        Span<byte> key = stackalloc byte[Aead.KeySize];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, sessionKey, key, ReadOnlySpan<byte>.Empty, Labels.VaultTransport);
            byte[] output = new byte[wrappedKey.Length + Aead.Overhead];
            Aead.Seal(key, nonce, wrappedKey, Encoding.UTF8.GetBytes(accountId), output);
            return output;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
