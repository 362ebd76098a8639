using System.Text.Json.Serialization;

namespace Lockbox.Vault.Server.Audit;

/// <summary>One line of the audit file (docs/OPERATIONS.md, "Audit log").</summary>
internal sealed record AuditLine(
    [property: JsonPropertyName("time")] string Time,
    [property: JsonPropertyName("operation")] string Operation,
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("guessesLeft")] int? GuessesLeft,
    [property: JsonPropertyName("node")] string Node,
    [property: JsonPropertyName("requestId")] string RequestId,
    [property: JsonPropertyName("remote")] string Remote);

/// <summary>Source-generated JSON for <see cref="AuditLine"/>.</summary>
[JsonSerializable(typeof(AuditLine))]
internal sealed partial class AuditJson : JsonSerializerContext;
