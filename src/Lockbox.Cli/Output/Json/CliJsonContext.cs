using System.Text.Json.Serialization;

namespace Lockbox.Cli.Output.Json;

/// <summary>The source-generated serializers of every <c>--json</c> message; one object per line, camelCase, never indented.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StatusMessage))]
[JsonSerializable(typeof(ErrorMessage))]
[JsonSerializable(typeof(NoteMessage))]
[JsonSerializable(typeof(VerboseMessage))]
[JsonSerializable(typeof(SnapshotMessage))]
[JsonSerializable(typeof(BackupSummary))]
[JsonSerializable(typeof(RestoreSummary))]
[JsonSerializable(typeof(ForgetSummary))]
[JsonSerializable(typeof(VerifySummary))]
[JsonSerializable(typeof(SnapshotsSummary))]
[JsonSerializable(typeof(FileMessage))]
[JsonSerializable(typeof(LsSummary))]
[JsonSerializable(typeof(ChangeMessage))]
[JsonSerializable(typeof(DiffSummary))]
[JsonSerializable(typeof(StatsSummary))]
[JsonSerializable(typeof(InitSummary))]
[JsonSerializable(typeof(PasswordInitSummary))]
[JsonSerializable(typeof(KeySummary))]
[JsonSerializable(typeof(UnlockSummary))]
[JsonSerializable(typeof(EscrowSummary))]
[JsonSerializable(typeof(WhatsAppFileSummary))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
