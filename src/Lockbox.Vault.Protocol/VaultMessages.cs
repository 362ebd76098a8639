namespace Lockbox.Vault.Protocol;

// Every request and response body of docs/VAULT-API.md, once, for the vault server (which reads the requests and
// writes the responses) and the SDK (which writes the requests and reads the responses). Byte fields are base64url
// without padding; their exact lengths are VaultSizes'. Property order is the JSON field order: the device signs
// nothing, but the vault's signature covers the exact request and response bytes, so never reorder a record.
// Request fields are nullable so that the server reports a missing field as such, not as a parse failure; response
// fields the device checks are nullable too, because what a device reads may lack them. Every request body also
// carries the device's "nonce" (VaultSizes.Nonce bytes), which the SDK adds last and the vault does not interpret.

internal sealed record HelloRequest(string? Nonce);
internal sealed record HelloResponse(string? ServerPublicKey, IReadOnlyList<string>? Nodes, int DefaultGuessLimit, string? ApiVersion,
    FleetMapModel? Fleet = null, int? Group = null);

/// <summary>The fleet map (API 2.2): its version, the fixed slot count, and every group; see <see cref="FleetMap"/>.</summary>
internal sealed record FleetMapModel(long Version, int Slots, IReadOnlyList<FleetGroupModel?>? Groups);

/// <summary>One group of the fleet map: its id, its slot ranges (each [first, last]) and its node URLs.</summary>
internal sealed record FleetGroupModel(int Id, IReadOnlyList<int[]?>? Slots, IReadOnlyList<string?>? Nodes);

/// <summary>Argon2id parameters as the device sends them and status returns them.</summary>
internal sealed record KsfModel(int? T, int? M, int? P);

internal sealed record RegistrationStartRequest(string? RegistrationRequest, string? ManagementCredential);
internal sealed record RegistrationStartResponse(string? RegistrationResponse, string? EnrolmentId);

internal sealed record EnrolRequest(string? RegistrationRecord, string? WrappedKey, string? ManagementCredential, int? GuessLimit, string? EnrolmentId, KsfModel? KeyStretching);
internal sealed record PasswordRequest(string? ManagementCredential, string? RegistrationRecord, string? WrappedKey, string? EnrolmentId, KsfModel? KeyStretching);
internal sealed record DeleteRequest(string? ManagementCredential);
internal sealed record DeleteResponse(bool Deleted);
internal sealed record AccountResponse(long Version, int GuessLimit, int GuessesLeft);

internal sealed record LoginStartRequest(string? Ke1, string? AttemptId = null);
internal sealed record LoginStartResponse(string? SessionId, string? Ke2, int GuessesLeft);
internal sealed record LoginFinishRequest(string? SessionId, string? Ke3);
internal sealed record LoginFinishResponse(string? SealedKey, int GuessesLeft, AnchorModel? Anchor = null);

/// <summary>The freshness anchor (issue 10): the newest snapshot's sequence number and 32-byte hash the device backed up.</summary>
internal sealed record AnchorModel(long Sequence, string? Hash);
internal sealed record AnchorRequest(string? ManagementCredential, long? Sequence, string? Hash);

/// <summary>The status request carries only the nonce.</summary>
internal sealed record StatusRequest(string? Nonce);
internal sealed record StatusResponse(bool Enrolled, bool Locked, bool Erased, int GuessesLeft, int GuessLimit, long Version, KsfModel? KeyStretching);
internal sealed record ServerInfoResponse(string FleetKey, string ServerPublicKey, string Suite, string Context, int DefaultGuessLimit, string ApiVersion);

/// <summary>
/// Every error as the device reads it: the stable machine code (<see cref="VaultErrorCodes"/>) and one human-readable
/// line; some carry the guesses left, whether the escrow is erased, or (not_leader) the leader's URL, or (wrong_group) the
/// fleet map version the node routes by and the group that serves the account. The vault writes
/// them as RFC 9457 problem details whose extension members are these fields.
/// </summary>
internal sealed record ErrorResponse(string? Error, string? Message, int? GuessesLeft = null, bool? Locked = null, string? Leader = null,
    long? FleetVersion = null, int? Group = null);
