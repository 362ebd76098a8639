using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Index;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// An index object. Mode byte 0: the object as stored (envelope, authentication, zstd) under the fixed test key.
/// Mode 1: the payload in clear, sealed by the real envelope writer, so the pack-record parser is reached.
/// Allowed: CorruptDataException.
/// </summary>
public sealed class RepositoryIndexTarget : IFuzzTarget
{
    public string Name => "repository-index";

    public string Allows => "CorruptDataException";

    public void Run(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        try
        {
            byte[] stored = data[0] % 2 == 0 ? data[1..].ToArray() : MetadataEnvelope.Seal(TestKeys.Repository, FormatConstants.TypeIndex, data[1..]);
            _ = IndexFile.Decode(TestKeys.Repository, stored);
        }
        catch (CorruptDataException)
        {
        }
    }

    public IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        byte[] index = IndexFile.Encode(TestKeys.Repository, RepositorySamples.Packs());
        yield return new("index.bin", [0, .. index]);
        yield return new("index-clear.bin", [1, .. MetadataEnvelope.Open(TestKeys.Repository, FormatConstants.TypeIndex, index)]);
    }
}
