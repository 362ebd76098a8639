using System.Security.Cryptography;

namespace Lockbox.Cryptography;

/// <summary>
/// The backup key K: 32 random bytes that encrypt everything a device backs up. Every other key is
/// derived from it (<see cref="Labels"/>). The bytes never appear in <see cref="ToString"/>; call
/// <see cref="Dispose"/> to wipe them.
/// </summary>
public sealed class BackupKey : IDisposable
{
    /// <summary>Length of K in bytes.</summary>
    public const int Size = 32;

    private readonly byte[] _bytes;
    private bool _disposed;

    private BackupKey(byte[] bytes) => _bytes = bytes;

    /// <summary>Makes a fresh K from the operating system's CSPRNG.</summary>
    public static BackupKey Generate() => new(RandomNumberGenerator.GetBytes(Size));

    /// <summary>Imports K from its 32 raw bytes (the caller keeps ownership of <paramref name="key"/>).</summary>
    public static BackupKey Import(ReadOnlySpan<byte> key)
    {
        if (key.Length != Size)
            throw new ArgumentException($"A backup key is {Size} bytes, not {key.Length}.", nameof(key));
        return new BackupKey(key.ToArray());
    }

    /// <summary>Parses the 64-digit form; see <see cref="BackupKeyCode.TryParse"/> for the accepted syntax.</summary>
    public static bool TryParse(string text, out BackupKey? key, out string? error)
    {
        key = null;
        Span<byte> raw = stackalloc byte[Size];
        try
        {
            if (!BackupKeyCode.TryParse(text, raw, out error))
                return false;
            key = Import(raw);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>The 64-digit form: lowercase hex in 16 groups of 4, separated by spaces.</summary>
    public string ToDigits() => BackupKeyCode.Format(Bytes);

    /// <summary>Copies the raw key (to wrap it for the vault, or store it in device state).</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length != Size)
            throw new ArgumentException($"Destination must be {Size} bytes.", nameof(destination));
        Bytes.CopyTo(destination);
    }

    /// <summary>
    /// Derives a subkey: HKDF-SHA256(ikm = K, salt = <see cref="Labels.Salt"/>, info = label || context).
    /// </summary>
    public void Derive(ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, Span<byte> output)
    {
        byte[] info = new byte[label.Length + context.Length];
        label.CopyTo(info);
        context.CopyTo(info.AsSpan(label.Length));
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Bytes, output, Labels.Salt, info);
    }

    /// <summary>Derives a subkey with no extra context.</summary>
    public void Derive(ReadOnlySpan<byte> label, Span<byte> output) => Derive(label, ReadOnlySpan<byte>.Empty, output);

    /// <summary>Derives a subkey into a new array (the caller wipes it).</summary>
    public byte[] Derive(ReadOnlySpan<byte> label, int length = 32)
    {
        byte[] output = new byte[length];
        Derive(label, output);
        return output;
    }

    /// <summary>True when both keys are the same bytes (constant time).</summary>
    public bool SameAs(BackupKey other) => CryptographicOperations.FixedTimeEquals(Bytes, other.Bytes);

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

    public override string ToString() => "BackupKey(***)";
}
