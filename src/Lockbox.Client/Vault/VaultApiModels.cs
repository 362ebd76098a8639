namespace Lockbox.Client.Vault;

// Bodies of docs/VAULT-API.md (src/Lockbox.Vault.Server/Http/ApiModels.cs). Byte fields are base64url without padding.

internal sealed record RegistrationStartBody(string RegistrationRequest);
internal sealed record RegistrationStartReply(string? RegistrationResponse);

internal sealed record EnrolBody(string RegistrationRecord, string WrappedKey, string ManagementCredential, int? GuessLimit);
internal sealed record PasswordBody(string ManagementCredential, string RegistrationRecord, string WrappedKey);
internal sealed record DeleteBody(string ManagementCredential);
internal sealed record AccountReply(long Version, int GuessLimit, int GuessesLeft);

internal sealed record LoginStartBody(string Ke1);
internal sealed record LoginStartReply(string? SessionId, string? Ke2, int GuessesLeft);
internal sealed record LoginFinishBody(string SessionId, string Ke3);
internal sealed record LoginFinishReply(string? SealedKey, int GuessesLeft);

internal sealed record StatusReply(bool Enrolled, bool Locked, int GuessesLeft, int GuessLimit, long Version);

internal sealed record ErrorReply(string? Error, string? Message, int? GuessesLeft, bool? Locked);
