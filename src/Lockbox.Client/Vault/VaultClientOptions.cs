using Lockbox.Opaque;

namespace Lockbox.Client.Vault;

/// <summary>Where the vault is, which account this is, and what the device trusts about it.</summary>
public sealed class VaultClientOptions
{
    /// <summary>The vault's base address, e.g. http://127.0.0.1:8443/.</summary>
    public required Uri VaultUrl { get; init; }

    /// <summary>
    /// Every node of a replicated vault (issue 10), tried in this order and on failover; null or empty: only
    /// <see cref="VaultUrl"/>. Each must be listed in the fleet's signed hello.
    /// </summary>
    public IReadOnlyList<Uri>? VaultUrls { get; init; }

    /// <summary>
    /// Where this device keeps the highest fleet map version it has accepted (its own state, never the repository's
    /// hints); a vault answering with a lower one is refused. Null: only within this client (each new client then
    /// accepts any version, as a device with no state must).
    /// </summary>
    public FleetMapPin? FleetMapPin { get; init; }

    /// <summary>How long one request may go on moving between nodes (down, not the leader, no quorum) before it fails.</summary>
    public TimeSpan FailoverTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The app's account id (the OPAQUE credential identifier; also the associated data of the wrapped key).</summary>
    public required string AccountId { get; init; }

    /// <summary>The app's account credential, sent as a bearer token. Never logged.</summary>
    public required string AccountToken { get; init; }

    /// <summary>
    /// The pinned fleet key (32 bytes, the Ed25519 public key the key ceremony prints as <c>lbfk1.</c>…; parse it
    /// with <see cref="FleetKey.TryParse"/>). Every vault answer must be signed by it; the OPAQUE server key is
    /// learnt from the signed hello and checked at registration and login.
    /// </summary>
    public required ReadOnlyMemory<byte> FleetPublicKey { get; init; }

    /// <summary>
    /// The Argon2id preset the device registers with (enrol, change, reset); the vault keeps it with the account
    /// and logins take it from the vault's signed status. Used for a login only when the vault holds none (an
    /// account enrolled before it kept them). Default: <see cref="KeyStretchingPresets.Phone"/>.
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
