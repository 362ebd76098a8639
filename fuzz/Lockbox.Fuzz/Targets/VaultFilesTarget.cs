using System.Buffers.Binary;
using Lockbox.Vault.Core;
using Lockbox.Vault.Core.Commands;
using Lockbox.Vault.Core.State;
using Lockbox.Vault.Server.Hsm;
using Lockbox.Vault.Server.Storage;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// The vault's files on disk as start-up reads them: <c>state/log</c> and <c>state/snapshot</c> through
/// <c>CommandLog.Read</c> (framing, torn tails, HSM authentication under a fixed test key), then every opened
/// entry and snapshot through the decoders. Input: mode byte (0 log, 1 snapshot, 2 both) || [u16 snapshot
/// length if both] || file bytes. Allowed: VaultConfigurationException from the files, FormatException from the decoders.
/// </summary>
public sealed class VaultFilesTarget : IFuzzTarget
{
    private static readonly Lazy<(SoftwareHsm Hsm, string Directory)> Setup = new(CreateSetup);

    public string Name => "vault-files";

    public string Allows => "VaultConfigurationException (not a log, failed authentication, missing entries); FormatException from the entry and snapshot decoders";

    public void Run(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        (SoftwareHsm hsm, string dir) = Setup.Value;
        ReadOnlySpan<byte> rest = data[1..];
        ReadOnlySpan<byte> log = default, snapshot = default;
        bool hasLog = true, hasSnapshot = false;
        switch (data[0] % 3)
        {
            case 0: log = rest; break;
            case 1: snapshot = rest; hasLog = false; hasSnapshot = true; break;
            default:
                if (rest.Length < 2) return;
                int split = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(rest), rest.Length - 2);
                snapshot = rest.Slice(2, split);
                log = rest[(2 + split)..];
                hasSnapshot = true;
                break;
        }
        Place(Path.Combine(dir, "log"), hasLog, log);
        Place(Path.Combine(dir, "snapshot"), hasSnapshot, snapshot);

        byte[]? opened;
        List<byte[]> entries;
        try
        {
            CommandLog.Read(hsm, dir, out opened, out entries, out int validLength);
            if (hasLog && (validLength < 16 || validLength > log.Length))
                throw new FuzzInvariantException($"CommandLog.Read reported {validLength} valid bytes of a {log.Length}-byte log");
        }
        catch (VaultConfigurationException)
        {
            return;
        }
        try
        {
            if (opened is not null) _ = VaultState.Deserialize(opened);
            foreach (byte[] entry in entries) _ = CommandCodec.Deserialize(entry);
        }
        catch (FormatException)
        {
        }
    }

    private static void Place(string path, bool present, ReadOnlySpan<byte> content)
    {
        if (!present)
        {
            File.Delete(path);
            return;
        }
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        stream.Write(content);
    }

    public IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        (SoftwareHsm hsm, _) = Setup.Value;
        string dir = Directory.CreateTempSubdirectory("lockbox-fuzz-seed-").FullName;
        try
        {
            using (CommandLog writer = CommandLog.Open(hsm, dir, out _, out _))
            {
                foreach ((_, byte[] entry) in VaultSamples.Entries().Take(3)) writer.Append(entry);
            }
            yield return new("log.bin", [0, .. File.ReadAllBytes(Path.Combine(dir, "log"))]);

            using (CommandLog writer = CommandLog.Open(hsm, dir, out _, out _))
            {
                writer.Compact(VaultSamples.State().Serialize());
                foreach ((_, byte[] entry) in VaultSamples.Entries().Skip(3)) writer.Append(entry);
            }
            byte[] snapshot = File.ReadAllBytes(Path.Combine(dir, "snapshot"));
            byte[] log = File.ReadAllBytes(Path.Combine(dir, "log"));
            yield return new("snapshot.bin", [1, .. snapshot]);
            byte[] length = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)snapshot.Length);
            yield return new("snapshot-and-log.bin", [2, .. length, .. snapshot, .. log]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A software HSM with fixed test keys, and a private folder (in memory where /dev/shm exists) for the files.</summary>
    private static (SoftwareHsm, string) CreateSetup()
    {
        string root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        string dir = Path.Combine(root, $"lockbox-fuzz-vault-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        string hsmPath = Path.Combine(dir, "hsm.key");
        byte[] file = [.. "LBXHSM"u8, 1, .. Enumerable.Range(0, 64 + 32).Select(i => (byte)(0x80 + i))];
        File.WriteAllBytes(hsmPath, file);
        SoftwareHsm hsm = SoftwareHsm.Open(hsmPath);
        File.Delete(hsmPath);
        string state = Path.Combine(dir, "state");
        Directory.CreateDirectory(state);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        return (hsm, state);
    }
}
