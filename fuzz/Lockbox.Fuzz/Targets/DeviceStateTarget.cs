using System.Text;
using Lockbox.Client;
using Lockbox.Cryptography;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// The device's own files in <c>LOCKBOX_HOME</c> (DeviceState): mode byte 0, a repository facts file
/// (<c>repositories/*.json</c>, <c>RepositoryFacts.Parse</c>); mode 1, the key file <c>backup.key</c>
/// (<c>BackupKey.TryParse</c> of its trimmed ASCII text, as <c>TryLoadKey</c> reads it).
/// Allowed: FormatException from the facts parser; false with an error from the key parser.
/// </summary>
public sealed class DeviceStateTarget : IFuzzTarget
{
    public string Name => "device-state";

    public string Allows => "FormatException (facts file); false + error (key file)";

    public void Run(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        if (data[0] % 2 == 0)
        {
            try
            {
                RepositoryFacts facts = RepositoryFacts.Parse(data[1..].ToArray());
                RepositoryFacts again = RepositoryFacts.Parse(facts.ToJson());
                if (again != facts) throw new FuzzInvariantException("a facts file does not survive being written and read again");
            }
            catch (FormatException)
            {
            }
        }
        else
        {
            string text = Encoding.ASCII.GetString(data[1..]);
            bool ok = BackupKey.TryParse(text.Trim(), out BackupKey? key, out string? error);
            if (ok ? key is null : key is not null || string.IsNullOrEmpty(error))
                throw new FuzzInvariantException("BackupKey.TryParse: result, key and error disagree");
            key?.Dispose();
        }
    }

    public IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        var facts = new RepositoryFacts("s3://backups/alice", 42, "6a1f0c3e9b2d4f5a6a1f0c3e9b2d4f5a6a1f0c3e9b2d4f5a6a1f0c3e9b2d4f5a");
        yield return new("facts.json", [0, .. facts.ToJson()]);
        yield return new("facts-new.json", [0, .. new RepositoryFacts("/home/alice/backup", 0, null).ToJson()]);
        using BackupKey key = BackupKey.Import(TestKeys.BackupKeyBytes);
        yield return new("backup.key", [1, .. Encoding.ASCII.GetBytes(Convert.ToHexStringLower(TestKeys.BackupKeyBytes) + "\n")]);
        yield return new("backup-digits.key", [1, .. Encoding.ASCII.GetBytes(key.ToDigits())]);
    }
}
