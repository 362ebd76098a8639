namespace Lockbox.Cli.Output.Json;

/// <summary><c>init</c>: the repository made and its 64-digit key (no spaces).</summary>
/// <param name="KeySource"><c>generated</c>, <c>device</c>, <c>LOCKBOX_KEY</c>, <c>prompt</c> or <c>vault</c>.</param>
internal sealed record InitSummary(string Key, string Repository, string KeySource, string DeviceState) : JsonMessage("summary");

/// <summary><c>init --password</c>: the repository made and where its key is escrowed.</summary>
internal sealed record PasswordInitSummary(string Repository, string Vault, string Account, int GuessLimit, string Argon2, string DeviceState) : JsonMessage("summary");

/// <summary><c>key show</c>: the 64-digit key (no spaces).</summary>
internal sealed record KeySummary(string Key) : JsonMessage("summary");

/// <summary><c>unlock</c>: the lock removed (its holder), or null when the repository was not locked.</summary>
internal sealed record UnlockSummary(string? Removed, bool RemovedPossiblyRunning) : JsonMessage("summary");

/// <summary>
/// <c>password change|reset|verify|status</c> and <c>disable</c>: the escrow account and its state afterwards.
/// </summary>
/// <param name="Action"><c>change</c>, <c>reset</c>, <c>verify</c>, <c>status</c> or <c>disable</c>.</param>
/// <param name="GuessesLeft">Null when the command does not learn it (verify, disable).</param>
internal sealed record EscrowSummary(string Action, string Account, string Vault, bool? Locked, int? GuessesLeft, int? GuessLimit, long? Version) : JsonMessage("summary");

/// <summary><c>whatsapp decrypt</c> and <c>whatsapp encrypt</c>: the file written.</summary>
/// <param name="Format"><c>crypt15</c> or <c>crypt14</c>.</param>
/// <param name="Payload"><c>database</c> or <c>zip</c> (decrypt); <c>database</c> (encrypt).</param>
internal sealed record WhatsAppFileSummary(string Action, string Input, string Output, string Format, string WhatsAppVersion, string Payload, long Bytes, double Seconds) : JsonMessage("summary");
