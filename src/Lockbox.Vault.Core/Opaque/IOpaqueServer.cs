namespace Lockbox.Vault.Core.Opaque;

/// <summary>
/// The server half of OPAQUE (RFC 9807, ristretto255-SHA512, 3DH) as the vault state machine needs it.
/// Every call is a pure function of its inputs: randomness comes in as bytes fixed in the command log,
/// the per-account OPRF key seed comes from the HSM, and the server's AKE key pair is held by the
/// implementation. Message lengths are the RFC's; callers validate them before a command is logged.
/// </summary>
internal interface IOpaqueServer
{
    /// <summary>The fleet public key clients pin (pkS, 32 bytes).</summary>
    ReadOnlySpan<byte> ServerPublicKey { get; }

    /// <summary>How many random bytes <see cref="GenerateKE2"/> consumes.</summary>
    int KE2RandomnessLength { get; }

    /// <summary>RFC 9807 CreateRegistrationResponse; null when the request is not a valid group element.</summary>
    byte[]? CreateRegistrationResponse(ReadOnlySpan<byte> registrationRequest, ReadOnlySpan<byte> oprfKeySeed);

    /// <summary>True when <paramref name="registrationRequest"/> parses as a RegistrationRequest (a valid, non-identity element).</summary>
    bool IsValidRegistrationRequest(ReadOnlySpan<byte> registrationRequest);

    /// <summary>True when <paramref name="ke1"/> parses as a KE1 (valid group elements): checked before a command is logged.</summary>
    bool IsValidKE1(ReadOnlySpan<byte> ke1);

    /// <summary>True when <paramref name="registrationRecord"/> parses as a RegistrationRecord.</summary>
    bool IsValidRecord(ReadOnlySpan<byte> registrationRecord);

    /// <summary>
    /// RFC 9807 GenerateKE2. An empty <paramref name="registrationRecord"/> selects the fake-record path for an
    /// unknown account (§10.9): the KE2 then has the same form as a real one and no KE3 will verify.
    /// Returns null when KE1 is malformed.
    /// </summary>
    LoginStartResult? GenerateKE2(
        ReadOnlySpan<byte> registrationRecord,
        ReadOnlySpan<byte> credentialIdentifier,
        ReadOnlySpan<byte> oprfKeySeed,
        ReadOnlySpan<byte> ke1,
        ReadOnlySpan<byte> randomness);

    /// <summary>RFC 9807 ServerFinish: writes the 64-byte session key and returns true when KE3 verifies.</summary>
    bool ServerFinish(ReadOnlySpan<byte> serverState, ReadOnlySpan<byte> ke3, Span<byte> sessionKey);
}

/// <summary>KE2 for the client and the server's serialized login state, kept until KE3 arrives.</summary>
internal sealed record LoginStartResult(byte[] KE2, byte[] ServerState);
