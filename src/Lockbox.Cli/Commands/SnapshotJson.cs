using System.Text.Json;
using Lockbox.Repository;

namespace Lockbox.Cli.Commands;

/// <summary>The JSON form of a snapshot summary, shared by <c>backup --json</c> and <c>snapshots --json</c>.</summary>
internal static class SnapshotJson
{
    public static void Write(Utf8JsonWriter w, SnapshotSummary s)
    {
        w.WriteStartObject();
        w.WriteString("id", s.Id);
        w.WriteNumber("sequence", s.Sequence);
        w.WriteString("time", s.Time);
        w.WriteString("device", s.Device);
        w.WriteString("source", s.SourcePath);
        w.WriteStartArray("tags");
        foreach (string tag in s.Tags) w.WriteStringValue(tag);
        w.WriteEndArray();
        w.WriteString("database", s.DatabaseName);
        w.WriteNumber("databaseBytes", s.DatabaseBytes);
        w.WriteNumber("mediaFiles", s.MediaFiles);
        w.WriteNumber("mediaBytes", s.MediaBytes);
        w.WriteNumber("bytesAdded", s.BytesAdded);
        w.WriteNumber("bytesStored", s.BytesStored);
        w.WriteEndObject();
    }
}
