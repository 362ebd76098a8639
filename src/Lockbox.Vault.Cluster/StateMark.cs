using System.Buffers.Binary;
using Lockbox.Vault.Core;
using Lockbox.Vault.Core.Hsm;

namespace Lockbox.Vault.Cluster;

/// <summary>
/// A member's high-water mark (issue 10, "Rollback"): the highest Raft term it has seen and the highest index it
/// knew committed, kept apart from its state directory and sealed by its HSM so it cannot be forged or moved to
/// another member:
/// <code>
/// mark = "LBXMARK1" || HSM-Seal(node_id (i32) || term (i64) || commit (i64), aad = "lockbox/v1/raft-mark" || node_id (i32))
/// </code>
/// At start a member whose disk is behind its mark knows it lost state (a cut log, an older copy of its
/// directory): it moves its term past the mark, so it can never vote twice in a term it may have voted in, and
/// rejoins as a standby that cannot lead until it has applied past the mark. No I/O but the mark file itself.
/// </summary>
internal sealed record StateMark(long Term, long Commit)
{
    private static ReadOnlySpan<byte> Magic => "LBXMARK1"u8;
    private static ReadOnlySpan<byte> Label => "lockbox/v1/raft-mark"u8;

    /// <summary>The mark in <paramref name="path"/>, or null when there is none yet; a forged or foreign one stops the node.</summary>
    public static StateMark? Read(IHsm hsm, string path, int nodeId)
    {
        if (!File.Exists(path)) return null;
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < Magic.Length || !file.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new VaultConfigurationException($"{path} is not a Lockbox vault state mark.");
        byte[]? plain = hsm.Open(file.AsSpan(Magic.Length), Aad(nodeId));
        if (plain is not { Length: 20 } || BinaryPrimitives.ReadInt32BigEndian(plain) != nodeId)
            throw new VaultConfigurationException($"{path} failed authentication: tampered, another node's mark, or another fleet's.");
        return new StateMark(BinaryPrimitives.ReadInt64BigEndian(plain.AsSpan(4)), BinaryPrimitives.ReadInt64BigEndian(plain.AsSpan(12)));
    }

    /// <summary>Writes the mark durably (temporary file, fsync, rename, fsync of the directory).</summary>
    public void Write(IHsm hsm, string path, int nodeId)
    {
        byte[] plain = new byte[20];
        BinaryPrimitives.WriteInt32BigEndian(plain, nodeId);
        BinaryPrimitives.WriteInt64BigEndian(plain.AsSpan(4), Term);
        BinaryPrimitives.WriteInt64BigEndian(plain.AsSpan(12), Commit);
        byte[] sealedMark = hsm.Seal(plain, Aad(nodeId));
        byte[] file = [.. Magic, .. sealedMark];
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            stream.Write(file);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        DirectorySync.Flush(directory);
    }

    private static byte[] Aad(int nodeId)
    {
        byte[] aad = new byte[Label.Length + 4];
        Label.CopyTo(aad);
        BinaryPrimitives.WriteInt32BigEndian(aad.AsSpan(Label.Length), nodeId);
        return aad;
    }
}
