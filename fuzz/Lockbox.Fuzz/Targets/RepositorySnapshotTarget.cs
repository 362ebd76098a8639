using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Snapshot;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// A snapshot manifest. Mode byte 0: the object as stored under the fixed test key. Mode 1: the payload in clear,
/// sealed by the real envelope writer, so the manifest parser and its consistency checks are reached.
/// Allowed: CorruptDataException.
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
            byte[] stored = data[0] % 2 == 0 ? data[1..].ToArray() : MetadataEnvelope.Seal(TestKeys.Repository, FormatConstants.TypeSnapshot, data[1..]);
            _ = SnapshotManifest.Decode(TestKeys.Repository, stored);
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
    }
}
