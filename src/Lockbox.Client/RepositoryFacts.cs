using System.Text.Json;

namespace Lockbox.Client;

/// <summary>What a device remembers about one repository: its address and the newest snapshot it saw.</summary>
/// <param name="Address">The normalized repository address (full folder path, or a store URL).</param>
/// <param name="LastSequence">The highest snapshot sequence seen (0 for none).</param>
/// <param name="LastSnapshotId">The id of that snapshot, or null.</param>
public sealed record RepositoryFacts(string Address, long LastSequence, string? LastSnapshotId)
{
    internal byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("address", Address);
            writer.WriteNumber("lastSequence", LastSequence);
            if (LastSnapshotId is null) writer.WriteNull("lastSnapshotId");
            else writer.WriteString("lastSnapshotId", LastSnapshotId);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <exception cref="FormatException">The bytes are not a facts file.</exception>
    internal static RepositoryFacts Parse(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            string address = root.GetProperty("address").GetString() ?? throw new FormatException("address is null");
            long sequence = root.GetProperty("lastSequence").GetInt64();
            string? id = root.TryGetProperty("lastSnapshotId", out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            return new RepositoryFacts(address, sequence, id);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("Not a repository facts file.", e);
        }
    }
}
