using System.Security.Cryptography;
using Lockbox.Cryptography;

namespace Lockbox.WhatsApp;

/// <summary>
/// The root key of a WhatsApp end-to-end encrypted backup: the 32 bytes behind the 64-digit key
/// (the same shape as Lockbox's K), and what Android keeps in <c>encrypted_backup.key</c>.
/// The bytes never appear in <see cref="ToString"/>; <see cref="Dispose"/> wipes them.
/// </summary>
public sealed class WhatsAppKey : IDisposable
{
    /// <summary>Length of the root key in bytes.</summary>
    public const int Size = 32;

    private readonly byte[] _bytes;
    private bool _disposed;

    private WhatsAppKey(byte[] bytes) => _bytes = bytes;

    /// <summary>Imports the 32 raw root-key bytes (the caller keeps ownership of <paramref name="key"/>).</summary>
    public static WhatsAppKey Import(ReadOnlySpan<byte> key)
    {
        if (key.Length != Size)
            throw new ArgumentException($"A WhatsApp backup key is {Size} bytes, not {key.Length}.", nameof(key));
        return new WhatsAppKey(key.ToArray());
    }

    /// <summary>
    /// Parses the 64-digit key (hex, any case, spaces and dashes allowed — the same syntax as
    /// Lockbox's 64-digit key). Returns false with a one-line error naming what is wrong.
    /// </summary>
    public static bool TryParse(string? digits, out WhatsAppKey? key, out string? error)
    {
        key = null;
        byte[] raw = new byte[Size];
        if (!BackupKeyCode.TryParse(digits, raw, out error))
            return false;
        key = new WhatsAppKey(raw);
        return true;
    }

    /// <summary>
    /// Reads Android's <c>encrypted_backup.key</c>: a Java-serialized <c>byte[32]</c>. Returns false
    /// with a one-line error for a file that is not one (wrong size, another object, truncated).
    /// </summary>
    public static bool TryReadKeyFile(ReadOnlySpan<byte> keyFile, out WhatsAppKey? key, out string? error)
    {
        key = null;
        byte[] raw = new byte[Size];
        if (!JavaSerializedByteArray.TryRead(keyFile, raw, out error))
        {
            CryptographicOperations.ZeroMemory(raw);
            return false;
        }
        key = new WhatsAppKey(raw);
        return true;
    }

    /// <summary>The key as Android stores it in <c>encrypted_backup.key</c> (the caller wipes the array).</summary>
    public byte[] ToKeyFile()
    {
        byte[] file = new byte[JavaSerializedByteArray.SerializedLength(Size)];
        JavaSerializedByteArray.Write(Bytes, file);
        return file;
    }

    /// <summary>The 64-digit form: lowercase hex in 16 groups of 4.</summary>
    public string ToDigits() => BackupKeyCode.Format(Bytes);

    /// <summary>
    /// The AES-256-GCM key of the backup body: HKDF-SHA256(ikm = root key, salt = 32 zero bytes,
    /// info = "backup encryption", L = 32) — WhatsApp's derivation, not a Lockbox label (docs/WHATSAPP.md).
    /// </summary>
    internal void DeriveEncryptionKey(Span<byte> output)
    {
        if (output.Length != Size)
            throw new ArgumentException($"Output must be {Size} bytes.", nameof(output));
        Span<byte> salt = stackalloc byte[32];
        salt.Clear();
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Bytes, output, salt, Labels.WhatsAppBackupEncryption);
    }

    private ReadOnlySpan<byte> Bytes
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _bytes;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        CryptographicOperations.ZeroMemory(_bytes);
        _disposed = true;
    }

    public override string ToString() => "WhatsAppKey(***)";
}
