using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Lockbox.Cli.Output.Json;

/// <summary>Writes <c>--json</c> messages, one compact JSON object per line, through <see cref="CliJsonContext"/>.</summary>
internal static class JsonLines
{
    /// <summary>The serializers, with paths and names written as they are (no \u escapes for non-ASCII letters).</summary>
    public static CliJsonContext Types { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static void Write<T>(TextWriter writer, T message, JsonTypeInfo<T> type) where T : JsonMessage =>
        writer.WriteLine(JsonSerializer.Serialize(message, type));
}
