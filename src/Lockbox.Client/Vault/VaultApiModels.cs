namespace Lockbox.Client.Vault;

// Bodies of docs/VAULT-API.md (src/Lockbox.Vault.Server/Http/ApiModels.cs). Byte fields are base64url without
// padding. VaultApi adds the "nonce" to every request body.

internal sealed record HelloReply(string? ServerPublicKey, IReadOnlyList<string>? Nodes, int DefaultGuessLimit, string? ApiVersion);

internal sealed record KsfBody(int T, int M, int P);
internal sealed record KsfReply(int? T, int? M, int? P);

internal sealed record RegistrationStartBody(string RegistrationRequest, string? ManagementCredential);
internal sealed record RegistrationStartReply(string? RegistrationResponse, string? EnrolmentId);

internal sealed record EnrolBody(string RegistrationRecord, string WrappedKey, string ManagementCredential, int? GuessLimit, string EnrolmentId, KsfBody KeyStretching);
internal sealed record PasswordBody(string ManagementCredential, string RegistrationRecord, string WrappedKey, string EnrolmentId, KsfBody KeyStretching);
internal sealed record DeleteBody(string ManagementCredential);
internal sealed record AccountReply(long Version, int GuessLimit, int GuessesLeft);

internal sealed record LoginStartBody(string Ke1, string? AttemptId = null);
internal sealed record LoginStartReply(string? SessionId, string? Ke2, int GuessesLeft);
internal sealed record LoginFinishBody(string SessionId, string Ke3);
internal sealed record LoginFinishReply(string? SealedKey, int GuessesLeft, AnchorReply? Anchor = null);
internal sealed record AnchorReply(long Sequence, string? Hash);
internal sealed record AnchorBody(string ManagementCredential, long Sequence, string Hash);

internal sealed record StatusBody;
internal sealed record StatusReply(bool Enrolled, bool Locked, bool Erased, int GuessesLeft, int GuessLimit, long Version, KsfReply? KeyStretching);

internal sealed record ErrorReply(string? Error, string? Message, int? GuessesLeft, bool? Locked, string? Leader = null);
