using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Snapshot;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// A snapshot manifest. Mode byte 0: the object as stored under the fixed test key. Mode 1: the payload in clear,
/// sealed by the real envelope writer, so the manifest parser and its consistency checks are reached. Mode 2:
/// piece-size byte || a media list blob's payload (<c>MediaList.Decode</c>: paths a restore will create,
/// sizes, piece counts), as read from packs after the blob's id was checked. Mode 3: block count (u32 BE) || a
/// format-2 delta list (<c>DeltaEntry.Decode</c>). Allowed: CorruptDataException.
/// </summary>
public sealed class RepositorySnapshotTarget : IFuzzTarget
{
    public string Name => "repository-snapshot";

    public string Allows => "CorruptDataException";

    public void Run(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        try
        {
            switch (data[0] % 4)
            {
                case 0:
                    _ = SnapshotManifest.Decode(TestKeys.Repository, data[1..]);
                    break;
                case 1:
                    _ = SnapshotManifest.Decode(TestKeys.Repository, MetadataEnvelope.Seal(TestKeys.Repository, FormatConstants.TypeSnapshot, data[1..]));
                    break;
                case 3:
                    if (data.Length < 5) return;
                    _ = DeltaEntry.Decode(data[5..], System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data[1..5]));
                    break;
                default:
                    if (data.Length < 2) return;
                    // Every piece size a config may hold: 2^12 .. 2^26 (RepositoryConfig.Decode's range).
                    _ = MediaList.Decode(data[2..], 1 << (12 + (data[1] % 15)));
                    break;
            }
        }
        catch (CorruptDataException)
        {
        }
    }

    public IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        byte[] first = RepositorySamples.Snapshot(1, default).Encode(TestKeys.Repository);
        byte[] second = RepositorySamples.Snapshot(2, TestKeys.Repository.ComputeId(first)).Encode(TestKeys.Repository);
        yield return new("snapshot-1.bin", [0, .. first]);
        yield return new("snapshot-2-clear.bin", [1, .. MetadataEnvelope.Open(TestKeys.Repository, FormatConstants.TypeSnapshot, second)]);
        yield return new("media-list.bin", [2, 8, .. MediaList.Encode(RepositorySamples.Media())]);
        byte[] deltas = DeltaEntry.Encode([new DeltaEntry(3, TestKeys.Repository.ComputeId("base 3"u8)), new DeltaEntry(7, TestKeys.Repository.ComputeId("base 7"u8))]);
        yield return new("delta-list.bin", [3, 0, 0, 0, 16, .. deltas]);
    }
}
