namespace Lockbox.Vault.Server.Http;

// Request and response bodies of docs/VAULT-API.md. Byte fields are base64url without padding.
// Request fields are nullable: a missing field is reported as such, not as a parse failure. Every request
// body also carries the device's "nonce" (16 bytes); the vault does not interpret it: it only makes the
// signed request hash, and so the signature, fresh.

internal sealed record HelloRequest(string? Nonce);
internal sealed record HelloResponse(string ServerPublicKey, IReadOnlyList<string> Nodes, int DefaultGuessLimit, string ApiVersion);

/// <summary>Argon2id parameters as the device sends them and status returns them.</summary>
internal sealed record KsfModel(int? T, int? M, int? P);

internal sealed record RegistrationStartRequest(string? RegistrationRequest, string? ManagementCredential);
internal sealed record RegistrationStartResponse(string RegistrationResponse, string EnrolmentId);

internal sealed record EnrolRequest(string? RegistrationRecord, string? WrappedKey, string? ManagementCredential, int? GuessLimit, string? EnrolmentId, KsfModel? KeyStretching);
internal sealed record PasswordRequest(string? ManagementCredential, string? RegistrationRecord, string? WrappedKey, string? EnrolmentId, KsfModel? KeyStretching);
internal sealed record DeleteRequest(string? ManagementCredential);
internal sealed record AccountResponse(long Version, int GuessLimit, int GuessesLeft);

internal sealed record LoginStartRequest(string? Ke1, string? AttemptId = null);
internal sealed record LoginStartResponse(string SessionId, string Ke2, int GuessesLeft);
internal sealed record LoginFinishRequest(string? SessionId, string? Ke3);
internal sealed record LoginFinishResponse(string SealedKey, int GuessesLeft, AnchorModel? Anchor = null);

/// <summary>The freshness anchor (issue 10): the newest snapshot's sequence number and 32-byte hash the device backed up.</summary>
internal sealed record AnchorModel(long Sequence, string Hash);
internal sealed record AnchorRequest(string? ManagementCredential, long? Sequence, string? Hash);

internal sealed record StatusResponse(bool Enrolled, bool Locked, bool Erased, int GuessesLeft, int GuessLimit, long Version, KsfModel? KeyStretching);
internal sealed record ServerInfoResponse(string FleetKey, string ServerPublicKey, string Suite, string Context, int DefaultGuessLimit, string ApiVersion);

/// <summary>Every error: a stable machine code and one human-readable line; some carry the guesses left.</summary>
internal sealed record ErrorResponse(string Error, string Message, int? GuessesLeft = null, bool? Locked = null);
