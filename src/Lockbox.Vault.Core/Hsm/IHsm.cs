namespace Lockbox.Vault.Core.Hsm;

/// <summary>
/// The vault's hardware security boundary (DESIGN.md, "Vault"). Two secrets live behind it and never
/// leave it through this interface: the fleet's OPRF seed (Nh = 64 bytes) and the state-sealing AES-256
/// key. Everything the vault writes to disk is sealed with the latter, so a copy of the vault's files
/// without the HSM allows no offline password guess.
/// </summary>
public interface IHsm : IDisposable
{
    /// <summary>"software" or "pkcs11": what stands behind this boundary.</summary>
    string Kind { get; }

    /// <summary>
    /// The per-account OPRF key seed of RFC 9807 §6.3.2.2 ("CreateCredentialResponse"):
    /// <c>seed = Expand(oprf_seed, credential_identifier || "OprfKey", Nok = 32)</c>, which for
    /// HKDF-SHA512 is the first 32 bytes of one HMAC-SHA512 block
    /// <c>HMAC-SHA512(oprf_seed, credential_identifier || "OprfKey" || 0x01)</c>.
    /// </summary>
    /// <param name="credentialIdentifier">The account's credential identifier.</param>
    /// <param name="seed">Exactly <see cref="OprfKeySeed.Size"/> bytes.</param>
    void DeriveOprfKeySeed(ReadOnlySpan<byte> credentialIdentifier, Span<byte> seed);

    /// <summary>AES-256-GCM under the state-sealing key: nonce (12) || ciphertext || tag (16).</summary>
    byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData);

    /// <summary>Opens what <see cref="Seal"/> produced; null when the input was tampered with, truncated or sealed elsewhere.</summary>
    byte[]? Open(ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData);
}
