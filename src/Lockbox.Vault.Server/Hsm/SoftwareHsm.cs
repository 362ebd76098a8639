using System.Security.Cryptography;
using Lockbox.Cryptography;
using Lockbox.Vault.Core;
using Lockbox.Vault.Core.Hsm;

namespace Lockbox.Vault.Server.Hsm;

/// <summary>
/// The embedded default HSM: the OPRF seed and the state-sealing key in one file, mode 0600.
/// File layout: <c>"LBXHSM" || version (1) = 1 || oprf_seed (64) || sealing_key (32)</c>.
/// Whoever reads this file holds the vault's secrets; a real deployment uses <c>Pkcs11Hsm</c>.
/// </summary>
public sealed class SoftwareHsm : IHsm
{
    private static ReadOnlySpan<byte> Magic => "LBXHSM"u8;
    private const byte FileVersion = 1;
    private static int FileSize => Magic.Length + 1 + OprfKeySeed.FleetSeedSize + Aead.KeySize;

    private readonly byte[] _oprfSeed;
    private readonly byte[] _sealingKey;
    private bool _disposed;

    private SoftwareHsm(byte[] oprfSeed, byte[] sealingKey)
    {
        _oprfSeed = oprfSeed;
        _sealingKey = sealingKey;
    }

    public string Kind => "software";

    /// <summary>Key ceremony: fresh secrets from the OS CSPRNG, written to a new 0600 file (refuses to overwrite).</summary>
    public static SoftwareHsm Create(string path)
    {
        byte[] file = new byte[FileSize];
        try
        {
            Magic.CopyTo(file);
            file[Magic.Length] = FileVersion;
            RandomNumberGenerator.Fill(file.AsSpan(Magic.Length + 1));
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(path, options))
            {
                stream.Write(file);
                stream.Flush(flushToDisk: true);
            }
            return FromBytes(file);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(file);
        }
    }

    /// <summary>Loads the key file; a clear <see cref="VaultConfigurationException"/> if it is missing or malformed.</summary>
    public static SoftwareHsm Open(string path)
    {
        if (!File.Exists(path)) throw new VaultConfigurationException($"HSM key file {path} does not exist (run the key ceremony: vault init).");
        byte[] file = File.ReadAllBytes(path);
        try
        {
            if (file.Length != FileSize || !file.AsSpan(0, Magic.Length).SequenceEqual(Magic) || file[Magic.Length] != FileVersion)
                throw new VaultConfigurationException($"HSM key file {path} is not a Lockbox software HSM file (version {FileVersion}).");
            return FromBytes(file);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(file);
        }
    }

    private static SoftwareHsm FromBytes(ReadOnlySpan<byte> file)
    {
        int offset = Magic.Length + 1;
        return new SoftwareHsm(
            file.Slice(offset, OprfKeySeed.FleetSeedSize).ToArray(),
            file.Slice(offset + OprfKeySeed.FleetSeedSize, Aead.KeySize).ToArray());
    }

    public void DeriveOprfKeySeed(ReadOnlySpan<byte> credentialIdentifier, Span<byte> seed)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (seed.Length != OprfKeySeed.Size) throw new ArgumentException("Seed must be 32 bytes.", nameof(seed));
        byte[] input = OprfKeySeed.HmacInput(credentialIdentifier);
        Span<byte> block = stackalloc byte[HMACSHA512.HashSizeInBytes];
        try
        {
            HMACSHA512.HashData(_oprfSeed, input, block);
            block[..OprfKeySeed.Size].CopyTo(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }

    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Aead.Seal(_sealingKey, plaintext, associatedData);
    }

    public byte[]? Open(ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Aead.Open(_sealingKey, sealedData, associatedData);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        CryptographicOperations.ZeroMemory(_oprfSeed);
        CryptographicOperations.ZeroMemory(_sealingKey);
    }

    public override string ToString() => "SoftwareHsm(***)";
}
