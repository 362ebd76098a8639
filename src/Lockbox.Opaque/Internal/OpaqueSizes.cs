namespace Lockbox.Opaque.Internal;

/// <summary>The sizes of the ristretto255-SHA512 suite (RFC 9807 §7, RFC 9497 §4.1).</summary>
internal static class OpaqueSizes
{
    /// <summary>Nn: nonce size.</summary>
    public const int Nn = 32;

    /// <summary>Nseed: seed size for DeriveDiffieHellmanKeyPair.</summary>
    public const int Nseed = 32;

    /// <summary>Nh: SHA-512 output.</summary>
    public const int Nh = 64;

    /// <summary>Nm: HMAC-SHA512 output.</summary>
    public const int Nm = 64;

    /// <summary>Nx: HKDF-SHA512 extract output.</summary>
    public const int Nx = 64;

    /// <summary>Npk: encoded public key (a ristretto255 element).</summary>
    public const int Npk = 32;

    /// <summary>Nsk: encoded private key (a ristretto255 scalar).</summary>
    public const int Nsk = 32;

    /// <summary>Noe: encoded OPRF element.</summary>
    public const int Noe = 32;

    /// <summary>Nok: OPRF private key size, also the size of the per-account OPRF key seed.</summary>
    public const int Nok = 32;

    /// <summary>Envelope: envelope_nonce || auth_tag.</summary>
    public const int Envelope = Nn + Nm;

    /// <summary>Masked response: server_public_key || envelope, XORed with the credential response pad.</summary>
    public const int MaskedResponse = Npk + Envelope;

    /// <summary>OPRF seed: the server-wide secret the per-account OPRF keys derive from.</summary>
    public const int OprfSeed = Nh;
}
