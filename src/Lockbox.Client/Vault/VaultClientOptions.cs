using Lockbox.Opaque;

namespace Lockbox.Client.Vault;

/// <summary>Where the vault is, which account this is, and what the device trusts about it.</summary>
public sealed class VaultClientOptions
{
    /// <summary>The vault's base address, e.g. http://127.0.0.1:8443/.</summary>
    public required Uri VaultUrl { get; init; }

    /// <summary>The app's account id (the OPAQUE credential identifier; also the associated data of the wrapped key).</summary>
    public required string AccountId { get; init; }

    /// <summary>The app's account credential, sent as a bearer token. Never logged.</summary>
    public required string AccountToken { get; init; }

    /// <summary>
    /// The pinned fleet public key (32 bytes, the OPAQUE server public key printed by the key ceremony).
    /// Registration refuses a vault that offers another key, and login a vault whose envelope vouches for another.
    /// </summary>
    public required ReadOnlyMemory<byte> FleetPublicKey { get; init; }

    /// <summary>
    /// The Argon2id preset the device runs on the OPRF output. Enrolment and every later login must use the
    /// same one (a different preset reads as a wrong password). Default: <see cref="KeyStretchingPresets.Phone"/>.
    /// </summary>
    public Argon2idKeyStretching KeyStretching { get; init; } = KeyStretchingPresets.Phone;

    /// <summary>Guess limit to ask for at enrolment; null takes the vault's default (10).</summary>
    public int? GuessLimit { get; init; }

    /// <summary>An HTTP client to use (not disposed by the vault client); null makes one.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>Timeout of each request when the vault client makes its own HTTP client.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A PEM file of the certificate(s) this device trusts for the vault's TLS (a private CA, or the vault's
    /// self-signed development certificate): the server's chain must end in one of them and name the vault's
    /// host. Null: the system's trusted roots. Never "accept any certificate".
    /// </summary>
    public string? TrustedCertificatesPath { get; init; }

    /// <summary>
    /// Allow a plain http:// vault address that is not loopback (127.0.0.0/8, ::1, localhost). Off by default:
    /// the account credential and the management credential must not cross a network in clear.
    /// </summary>
    public bool AllowInsecureHttp { get; init; }

    public override string ToString() => $"VaultClientOptions({VaultUrl}, account {AccountId}, token ***)";
}
