namespace Lockbox.Vault.Core.Hsm;

/// <summary>Sizes and the HMAC input of the per-account OPRF key seed (RFC 9807 §6.3.2.2, ristretto255-SHA512).</summary>
public static class OprfKeySeed
{
    /// <summary>Nok: the seed length the OPRF's DeriveKeyPair takes.</summary>
    public const int Size = 32;

    /// <summary>Nh: the fleet-wide oprf_seed length (SHA-512 output).</summary>
    public const int FleetSeedSize = 64;

    /// <summary>Largest credential identifier accepted (account ids are far shorter).</summary>
    public const int MaxCredentialIdentifierLength = 255;

    /// <summary>RFC 9807: the info suffix of the seed expansion.</summary>
    public static ReadOnlySpan<byte> Label => "OprfKey"u8;

    /// <summary>
    /// The single HMAC-SHA512 input block of HKDF-Expand for one output block:
    /// <c>credential_identifier || "OprfKey" || 0x01</c>.
    /// </summary>
    public static byte[] HmacInput(ReadOnlySpan<byte> credentialIdentifier)
    {
        if (credentialIdentifier.Length is 0 or > MaxCredentialIdentifierLength)
            throw new ArgumentException("Credential identifier must be 1 to 255 bytes.", nameof(credentialIdentifier));
        byte[] input = new byte[credentialIdentifier.Length + Label.Length + 1];
        credentialIdentifier.CopyTo(input);
        Label.CopyTo(input.AsSpan(credentialIdentifier.Length));
        input[^1] = 0x01;
        return input;
    }
}
