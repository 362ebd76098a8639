using System.Security.Cryptography;
using Lockbox.Cryptography;

namespace Lockbox.WhatsApp;

/// <summary>
/// The key to a WhatsApp backup. For crypt15 (end-to-end): the 32-byte root key behind the 64-digit
/// key (the same shape as Lockbox's K), which Android keeps in <c>encrypted_backup.key</c>. For the
/// older crypt14 (<see cref="IsCrypt14"/>): the 131 bytes of the phone's <c>key</c> file.
/// The bytes never appear in <see cref="ToString"/>; <see cref="Dispose"/> wipes them.
/// </summary>
public sealed class WhatsAppKey : IDisposable
{
    /// <summary>Length of the root key in bytes.</summary>
    public const int Size = 32;

    private readonly byte[] _bytes;
    private bool _disposed;

    private WhatsAppKey(byte[] bytes) => _bytes = bytes;

    /// <summary>True for a crypt14 <c>key</c> file's key, which opens only crypt14 backups and has no 64-digit form.</summary>
    public bool IsCrypt14 => _bytes.Length == Crypt14KeyLayout.Size;

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
    /// Reads Android's <c>encrypted_backup.key</c> (a Java-serialized <c>byte[32]</c>) or, for crypt14
    /// backups, the phone's <c>key</c> file (a serialized <c>byte[131]</c>). Returns false with a
    /// one-line error for a file that is neither (wrong size, another object, truncated).
    /// </summary>
    public static bool TryReadKeyFile(ReadOnlySpan<byte> keyFile, out WhatsAppKey? key, out string? error)
    {
        key = null;
        if (!JavaSerializedByteArray.TryReadLength(keyFile, out int length, out error))
            return false;
        if (length != Size && length != Crypt14KeyLayout.Size)
        {
            error = WhatsAppErrors.KeyFileWrongSize(length);
            return false;
        }
        byte[] raw = new byte[length];
        if (!JavaSerializedByteArray.TryRead(keyFile, raw, out error))
        {
            CryptographicOperations.ZeroMemory(raw);
            return false;
        }
        if (length == Crypt14KeyLayout.Size && !raw.AsSpan(Crypt14KeyLayout.CipherVersion).SequenceEqual((ReadOnlySpan<byte>)[0x00, 0x01]))
        {
            CryptographicOperations.ZeroMemory(raw);
            error = WhatsAppErrors.KeyFileCipherVersion;
            return false;
        }
        key = new WhatsAppKey(raw);
        return true;
    }

    /// <summary>The key as Android stores it: <c>encrypted_backup.key</c>, or crypt14's <c>key</c> (the caller wipes the array).</summary>
    public byte[] ToKeyFile()
    {
        byte[] file = new byte[JavaSerializedByteArray.SerializedLength(Bytes.Length)];
        JavaSerializedByteArray.Write(Bytes, file);
        return file;
    }

    /// <summary>The 64-digit form: lowercase hex in 16 groups of 4 (crypt15 keys only).</summary>
    public string ToDigits()
    {
        if (IsCrypt14)
            throw new InvalidOperationException("A crypt14 key file has no 64-digit form.");
        return BackupKeyCode.Format(Bytes);
    }

    /// <summary>
    /// The AES-256-GCM key of the backup body: HKDF-SHA256(ikm = root key, salt = 32 zero bytes,
    /// info = "backup encryption", L = 32) — WhatsApp's derivation, not a Lockbox label (docs/WHATSAPP.md).
    /// </summary>
    internal void DeriveEncryptionKey(Span<byte> output)
    {
        if (output.Length != Size)
            throw new ArgumentException($"Output must be {Size} bytes.", nameof(output));
        if (IsCrypt14)
            throw new InvalidOperationException("A crypt14 key is used as is, not derived.");
        Span<byte> salt = stackalloc byte[32];
        salt.Clear();
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Bytes, output, salt, Labels.WhatsAppBackupEncryption);
    }

    /// <summary>The crypt14 key file's fields (crypt14 keys only).</summary>
    internal ReadOnlySpan<byte> Crypt14Field(Range field)
    {
        if (!IsCrypt14)
            throw new InvalidOperationException("Not a crypt14 key.");
        return Bytes[field];
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
