namespace Lockbox.Opaque.Internal;

/// <summary>
/// Every protocol label of RFC 9807 and RFC 9497 for ristretto255-SHA512, spelled as the RFCs do.
/// These are wire constants of the standards, not Lockbox key labels (those live in Lockbox.Cryptography.Labels).
/// </summary>
internal static class OpaqueLabels
{
    /// <summary>RFC 9497 §3.1: contextString = "OPRFV1-" || I2OSP(mode, 1) || "-" || identifier, mode 0 (OPRF).</summary>
    public static ReadOnlySpan<byte> OprfContextString => "OPRFV1-\0-ristretto255-SHA512"u8;

    /// <summary>RFC 9497 §4.1: DST of HashToGroup = "HashToGroup-" || contextString.</summary>
    public static ReadOnlySpan<byte> HashToGroupDst => "HashToGroup-OPRFV1-\0-ristretto255-SHA512"u8;

    /// <summary>RFC 9497 §3.2.1: DST of DeriveKeyPair = "DeriveKeyPair" || contextString.</summary>
    public static ReadOnlySpan<byte> DeriveKeyPairDst => "DeriveKeyPairOPRFV1-\0-ristretto255-SHA512"u8;

    /// <summary>RFC 9497 §3.3.1: last field of the Finalize hash input.</summary>
    public static ReadOnlySpan<byte> Finalize => "Finalize"u8;

    /// <summary>RFC 9807 §3.2.1 / §4.1: info suffix of the per-account OPRF key seed.</summary>
    public static ReadOnlySpan<byte> OprfKey => "OprfKey"u8;

    /// <summary>RFC 9807 §4.1: DeriveKeyPair info for the per-account OPRF key.</summary>
    public static ReadOnlySpan<byte> OpaqueDeriveKeyPair => "OPAQUE-DeriveKeyPair"u8;

    /// <summary>RFC 9807 §6.4.1 (ristretto255): DeriveDiffieHellmanKeyPair's DeriveKeyPair info.</summary>
    public static ReadOnlySpan<byte> OpaqueDeriveDiffieHellmanKeyPair => "OPAQUE-DeriveDiffieHellmanKeyPair"u8;

    /// <summary>RFC 9807 §4.1.2: envelope key labels.</summary>
    public static ReadOnlySpan<byte> MaskingKey => "MaskingKey"u8;

    public static ReadOnlySpan<byte> AuthKey => "AuthKey"u8;

    public static ReadOnlySpan<byte> ExportKey => "ExportKey"u8;

    public static ReadOnlySpan<byte> PrivateKey => "PrivateKey"u8;

    /// <summary>RFC 9807 §5.3.2: the pad that masks server_public_key || envelope.</summary>
    public static ReadOnlySpan<byte> CredentialResponsePad => "CredentialResponsePad"u8;

    /// <summary>RFC 9807 §6.4.2: the preamble's first field.</summary>
    public static ReadOnlySpan<byte> OpaqueV1 => "OPAQUEv1-"u8;

    /// <summary>RFC 9807 §6.4.2: Expand-Label prefixes every label with this.</summary>
    public static ReadOnlySpan<byte> ExpandLabelPrefix => "OPAQUE-"u8;

    public static ReadOnlySpan<byte> HandshakeSecret => "HandshakeSecret"u8;

    public static ReadOnlySpan<byte> SessionKey => "SessionKey"u8;

    public static ReadOnlySpan<byte> ServerMac => "ServerMAC"u8;

    public static ReadOnlySpan<byte> ClientMac => "ClientMAC"u8;

    /// <summary>
    /// Lockbox's own label (not an RFC constant): HMAC-SHA512(server_private_key, this) seeds the fixed fake
    /// client key pair of the unknown-account path, the same on every replica that shares the server key.
    /// </summary>
    public static ReadOnlySpan<byte> FakeClientKey => "lockbox/v1/opaque-fake-client-key"u8;
}
