using Lockbox.Vault.Core.Hsm;

namespace Lockbox.Vault.Cluster;

/// <summary>
/// A vault command as it travels in the Raft log and rests on every member's disk (docs/VAULT-API.md,
/// "Replicated state"):
/// <code>
/// payload = "LBXR" || version (1) = 1 || HSM-Seal(request_id (16) || command, aad = "lockbox/v1/raft-entry" || request_id)
/// </code>
/// sealed by the leader under the fleet state-sealing key that every member's HSM holds, so a member's disk
/// (or a captured Raft stream) alone reads nothing and cannot be altered without detection. The request id
/// lets the leader hand the applied result to the request that made it, and lets the state machine refuse a
/// replayed entry (<see cref="ReplayWindow"/>). No I/O here.
/// </summary>
internal static class ReplicatedEntry
{
    public const int RequestIdSize = 16;
    private const byte Version = 1;
    private static ReadOnlySpan<byte> Magic => "LBXR"u8;
    private static ReadOnlySpan<byte> Label => "lockbox/v1/raft-entry"u8;

    public static byte[] Seal(IHsm hsm, ReadOnlySpan<byte> requestId, ReadOnlySpan<byte> command)
    {
        byte[] plain = new byte[RequestIdSize + command.Length];
        requestId.CopyTo(plain);
        command.CopyTo(plain.AsSpan(RequestIdSize));
        byte[] sealedPart = hsm.Seal(plain, Aad(requestId));
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(plain);
        byte[] payload = new byte[Magic.Length + 1 + RequestIdSize + sealedPart.Length];
        Magic.CopyTo(payload);
        payload[Magic.Length] = Version;
        requestId.CopyTo(payload.AsSpan(Magic.Length + 1));
        sealedPart.CopyTo(payload, Magic.Length + 1 + RequestIdSize);
        return payload;
    }

    /// <summary>The request id and the command bytes, or null when the payload is not an authentic entry.</summary>
    public static (byte[] RequestId, byte[] Command)? Open(IHsm hsm, ReadOnlySpan<byte> payload)
    {
        int header = Magic.Length + 1 + RequestIdSize;
        if (payload.Length < header || !payload[..Magic.Length].SequenceEqual(Magic) || payload[Magic.Length] != Version) return null;
        ReadOnlySpan<byte> requestId = payload.Slice(Magic.Length + 1, RequestIdSize);
        byte[]? plain = hsm.Open(payload[header..], Aad(requestId));
        if (plain is null || plain.Length < RequestIdSize || !plain.AsSpan(0, RequestIdSize).SequenceEqual(requestId)) return null;
        return (plain[..RequestIdSize], plain[RequestIdSize..]);
    }

    private static byte[] Aad(ReadOnlySpan<byte> requestId)
    {
        byte[] aad = new byte[Label.Length + requestId.Length];
        Label.CopyTo(aad);
        requestId.CopyTo(aad.AsSpan(Label.Length));
        return aad;
    }
}
