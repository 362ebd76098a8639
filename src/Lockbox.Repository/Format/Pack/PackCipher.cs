using System.Security.Cryptography;
using Lockbox.Cryptography;

namespace Lockbox.Repository.Format.Pack;

/// <summary>
/// AES-256-GCM under one pack's key, in the <see cref="Aead"/> layout nonce || ciphertext || tag, with
/// the cipher instance kept for the pack's many small blobs.
/// </summary>
internal sealed class PackCipher : IDisposable
{
    private readonly AesGcm _gcm;

    public PackCipher(RepositoryKeys keys, ReadOnlySpan<byte> salt)
    {
        Span<byte> key = stackalloc byte[Aead.KeySize];
        try
        {
            keys.PackKey(salt, key);
            _gcm = new AesGcm(key, Aead.TagSize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public void Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> ad, Span<byte> output)
    {
        Span<byte> nonce = output[..Aead.NonceSize];
        RandomNumberGenerator.Fill(nonce);
        _gcm.Encrypt(nonce, plaintext, output.Slice(Aead.NonceSize, plaintext.Length), output.Slice(Aead.NonceSize + plaintext.Length, Aead.TagSize), ad);
    }

    public bool TryOpen(ReadOnlySpan<byte> sealedInput, ReadOnlySpan<byte> ad, Span<byte> plaintext)
    {
        if (sealedInput.Length < Aead.Overhead || plaintext.Length != sealedInput.Length - Aead.Overhead) return false;
        try
        {
            _gcm.Decrypt(sealedInput[..Aead.NonceSize], sealedInput[Aead.NonceSize..^Aead.TagSize], sealedInput[^Aead.TagSize..], plaintext, ad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            plaintext.Clear();
            return false;
        }
    }

    public void Dispose() => _gcm.Dispose();
}
