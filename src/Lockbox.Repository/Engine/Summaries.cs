using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Snapshot;

namespace Lockbox.Repository.Engine;

internal static class Summaries
{
    public static SnapshotSummary From(BlobId id, SnapshotManifest m) => new(
        id.ToHex(), m.Sequence, DateTimeOffset.FromUnixTimeMilliseconds(m.TimeUnixMs), m.Device, m.DatabaseName,
        m.DatabaseBytes, m.MediaFiles, m.MediaBytes, m.BytesAdded, m.BytesStored, m.DeltaCount)
    {
        Source = m.SourcePath,
        Tags = m.Tags,
    };
}
