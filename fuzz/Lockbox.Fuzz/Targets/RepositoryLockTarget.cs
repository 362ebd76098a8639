using Lockbox.Repository.Format;
using Lockbox.Repository.Locking;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// The repository's lock object (<c>locks/lock</c>). Mode byte 0: the object as stored (envelope, authentication)
/// under the fixed test key. Mode 1: the payload in clear, sealed by the real envelope writer, so
/// <c>LockRecord.Decode</c> (holder, process, times) is reached. Allowed: CorruptDataException.
/// </summary>
public sealed class RepositoryLockTarget : IFuzzTarget
{
    public string Name => "repository-lock";

    public string Allows => "CorruptDataException";

    public void Run(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        try
        {
            byte[] stored = data[0] % 2 == 0 ? data[1..].ToArray() : MetadataEnvelope.Seal(TestKeys.Repository, FormatConstants.TypeLock, data[1..]);
            LockRecord record = LockRecord.Decode(MetadataEnvelope.Open(TestKeys.Repository, FormatConstants.TypeLock, stored));
            _ = record.Describe();
        }
        catch (CorruptDataException)
        {
        }
    }

    public IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        var record = new LockRecord("00112233445566778899aabbccddeeff", "phone", 4242, 1_800_000_000_000, "backup", 1_799_999_990_000);
        byte[] stored = MetadataEnvelope.Seal(TestKeys.Repository, FormatConstants.TypeLock, record.Encode());
        yield return new("lock.bin", [0, .. stored]);
        yield return new("lock-clear.bin", [1, .. record.Encode()]);
        byte[] old = record.Encode()[..^8]; // a version-1 lock: no process start time
        yield return new("v1-lock-clear.bin", [1, .. old]);
    }
}
