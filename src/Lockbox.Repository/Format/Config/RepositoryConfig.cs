using System.Security.Cryptography;
using Lockbox.Cryptography;

namespace Lockbox.Repository.Format.Config;

/// <summary>
/// The config object (FORMAT.md "Config"):
/// magic || version (1) || repository id (16) || key-check (32) || hints || AEAD(config key, parameters, ad = everything before).
/// </summary>
/// <param name="Version">The repository format version: 1 (whole blocks only) or 2 (delta blocks); a repository keeps its version.</param>
internal sealed record RepositoryConfig(byte[] RepositoryId, RepositoryHints? Hints, int PackSize, int MediaPieceSize, long CreatedUnixMs,
    byte Version = FormatConstants.RepositoryVersion)
{
    /// <summary>True when backups may store changed blocks as deltas (format 2).</summary>
    public bool SupportsDeltas => Version >= 2;

    private const byte HasVaultUrl = 1, HasAccountId = 2, HasKeyStretching = 4;

    public static RepositoryConfig CreateNew(RepositoryHints? hints, DateTimeOffset now) => new(
        RandomNumberGenerator.GetBytes(FormatConstants.RepositoryIdSize), hints,
        FormatConstants.DefaultPackSize, FormatConstants.DefaultMediaPieceSize, now.ToUnixTimeMilliseconds());

    public byte[] Encode(RepositoryKeys keys)
    {
        var w = new ByteWriter();
        w.Bytes(FormatConstants.ConfigMagic);
        w.U8(Version);
        w.Bytes(RepositoryId);
        w.Bytes(keys.KeyCheck(RepositoryId));
        byte flags = (byte)((Hints?.VaultUrl is null ? 0 : HasVaultUrl) | (Hints?.AccountId is null ? 0 : HasAccountId)
            | (Hints?.KeyStretching is null ? 0 : HasKeyStretching));
        w.U8(flags);
        if (Hints?.VaultUrl is { } url) w.Str(url);
        if (Hints?.AccountId is { } account) w.Str(account);
        if (Hints?.KeyStretching is { } stretching) w.Str(stretching);
        var p = new ByteWriter();
        p.U32((uint)PackSize);
        p.U32((uint)MediaPieceSize);
        p.I64(CreatedUnixMs);
        byte[] header = w.ToArray();
        return [.. header, .. Aead.Seal(keys.ConfigKey, p.Written, header)];
    }

    /// <summary>Parses the part readable without K. Throws <see cref="NotARepositoryException"/> or <see cref="CorruptDataException"/>.</summary>
    public static (byte[] RepositoryId, byte[] KeyCheck, RepositoryHints? Hints, int HeaderLength) ReadPublic(ReadOnlySpan<byte> data, string where)
        => ReadPublic(data, where, out _);

    /// <summary>As <see cref="ReadPublic(ReadOnlySpan{byte}, string)"/>, also giving the format version.</summary>
    public static (byte[] RepositoryId, byte[] KeyCheck, RepositoryHints? Hints, int HeaderLength) ReadPublic(ReadOnlySpan<byte> data, string where, out byte version)
    {
        ReadOnlySpan<byte> magic = FormatConstants.ConfigMagic;
        if (data.Length < magic.Length || !data[..magic.Length].SequenceEqual(magic))
            throw new NotARepositoryException(where, "its config object is not a Lockbox config");
        var r = new ByteReader(data[magic.Length..]);
        version = r.U8();
        if (version is < FormatConstants.OldestRepositoryVersion or > FormatConstants.RepositoryVersion)
            throw new CorruptDataException($"format version {version} is not supported (this Lockbox reads versions {FormatConstants.OldestRepositoryVersion} to {FormatConstants.RepositoryVersion}; a newer Lockbox wrote it)");
        byte[] id = r.Bytes(FormatConstants.RepositoryIdSize).ToArray();
        byte[] check = r.Bytes(32).ToArray();
        byte flags = r.U8();
        if ((flags & ~(HasVaultUrl | HasAccountId | HasKeyStretching)) != 0) throw new CorruptDataException("unknown hint flags");
        string? url = (flags & HasVaultUrl) != 0 ? r.Str() : null;
        string? account = (flags & HasAccountId) != 0 ? r.Str() : null;
        string? stretching = (flags & HasKeyStretching) != 0 ? r.Str() : null;
        RepositoryHints? hints = flags == 0 ? null : new RepositoryHints(url, account, stretching);
        return (id, check, hints, data.Length - r.Remaining);
    }

    /// <summary>Checks the key (<see cref="WrongKeyException"/>) and then the MAC over everything (<see cref="CorruptDataException"/>).</summary>
    public static RepositoryConfig Decode(RepositoryKeys keys, ReadOnlySpan<byte> data, string where)
    {
        var (id, check, hints, headerLength) = ReadPublic(data, where, out byte version);
        byte[] expected = keys.KeyCheck(id);
        try
        {
            if (!CryptographicOperations.FixedTimeEquals(expected, check)) throw new WrongKeyException();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(expected);
        }
        byte[] parameters = Aead.Open(keys.ConfigKey, data[headerLength..], data[..headerLength])
            ?? throw new CorruptDataException("authentication failed (config or its hints were changed)");
        var r = new ByteReader(parameters);
        int packSize = (int)r.U32();
        int pieceSize = (int)r.U32();
        long created = r.I64();
        r.End();
        if (packSize is < 1 << 16 or > 1 << 28 || pieceSize is < 1 << 12 or > 1 << 26)
            throw new CorruptDataException("parameters out of range");
        return new RepositoryConfig(id, hints, packSize, pieceSize, created, version);
    }
}
