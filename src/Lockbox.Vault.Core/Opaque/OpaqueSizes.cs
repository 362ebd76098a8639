namespace Lockbox.Vault.Core.Opaque;

/// <summary>RFC 9807 message sizes for OPAQUE-3DH with ristretto255-SHA512 (Noe = Nok = Npk = Nsk = Nn = 32, Nh = Nm = 64).</summary>
public static class OpaqueSizes
{
    /// <summary>blinded_message (Noe).</summary>
    public const int RegistrationRequest = 32;

    /// <summary>evaluated_message (Noe) || server_public_key (Npk).</summary>
    public const int RegistrationResponse = 64;

    /// <summary>client_public_key (Npk) || masking_key (Nh) || envelope (Nn + Nm).</summary>
    public const int RegistrationRecord = 32 + 64 + 32 + 64;

    /// <summary>blinded_message || client_nonce || client_public_keyshare.</summary>
    public const int KE1 = 32 + 32 + 32;

    /// <summary>evaluated_message || masking_nonce || masked_response (Npk + Nn + Nm) || server_nonce || server_public_keyshare || server_mac.</summary>
    public const int KE2 = 32 + 32 + (32 + 32 + 64) + 32 + 32 + 64;

    /// <summary>client_mac (Nm).</summary>
    public const int KE3 = 64;

    /// <summary>session_key and export_key (Nh).</summary>
    public const int SessionKey = 64;

    /// <summary>Server AKE public key (Npk).</summary>
    public const int PublicKey = 32;
}
