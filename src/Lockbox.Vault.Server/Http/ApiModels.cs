namespace Lockbox.Vault.Server.Http;

// Request and response bodies of docs/VAULT-API.md. Byte fields are base64url without padding.
// Request fields are nullable: a missing field is reported as such, not as a parse failure.

internal sealed record RegistrationStartRequest(string? RegistrationRequest);
internal sealed record RegistrationStartResponse(string RegistrationResponse);

internal sealed record EnrolRequest(string? RegistrationRecord, string? WrappedKey, string? ManagementCredential, int? GuessLimit);
internal sealed record PasswordRequest(string? ManagementCredential, string? RegistrationRecord, string? WrappedKey);
internal sealed record DeleteRequest(string? ManagementCredential);
internal sealed record AccountResponse(long Version, int GuessLimit, int GuessesLeft);

internal sealed record LoginStartRequest(string? Ke1);
internal sealed record LoginStartResponse(string SessionId, string Ke2, int GuessesLeft);
internal sealed record LoginFinishRequest(string? SessionId, string? Ke3);
internal sealed record LoginFinishResponse(string SealedKey, int GuessesLeft);

internal sealed record StatusResponse(bool Enrolled, bool Locked, int GuessesLeft, int GuessLimit, long Version);
internal sealed record ServerInfoResponse(string ServerPublicKey, string Suite, string Context, int DefaultGuessLimit, string ApiVersion);

/// <summary>Every error: a stable machine code and one human-readable line; some carry the guesses left.</summary>
internal sealed record ErrorResponse(string Error, string Message, int? GuessesLeft = null, bool? Locked = null);
