using System.Security.Cryptography;

namespace Lockbox.Cryptography.Argon2;

/// <summary>
/// Argon2id (RFC 9106, version 0x13) with any degree of parallelism, through the managed
/// Konscious implementation: libsodium's Argon2id only supports parallelism 1, while RFC 9807 and
/// opaque-ke use p = 4. No secret key (K) and no associated data (X).
/// </summary>
public static class Argon2id
{
    /// <summary>Smallest output Argon2 allows.</summary>
    public const int MinOutputLength = 4;

    /// <summary>Derives <paramref name="output"/>.Length bytes from <paramref name="password"/>.</summary>
    /// <param name="password">the input to stretch</param>
    /// <param name="salt">the salt S (at least 8 bytes)</param>
    /// <param name="iterations">t, at least 1</param>
    /// <param name="memoryKiB">m in KiB, at least 8 · <paramref name="parallelism"/></param>
    /// <param name="parallelism">p, 1 to 2^24 - 1</param>
    /// <param name="output">the tag; its length is T</param>
    public static void Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int iterations, int memoryKiB, int parallelism, Span<byte> output) =>
        Hash(password, salt, [], [], iterations, memoryKiB, parallelism, output);

    /// <summary>Argon2id with a secret K and associated data X as well (RFC 9106 §3.1; both may be empty).</summary>
    public static void Hash(
        ReadOnlySpan<byte> password,
        ReadOnlySpan<byte> salt,
        ReadOnlySpan<byte> secret,
        ReadOnlySpan<byte> associatedData,
        int iterations,
        int memoryKiB,
        int parallelism,
        Span<byte> output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryKiB, 8 * parallelism);
        ArgumentOutOfRangeException.ThrowIfLessThan(salt.Length, 8, nameof(salt));
        ArgumentOutOfRangeException.ThrowIfLessThan(output.Length, MinOutputLength, nameof(output));

        byte[] input = password.ToArray();
        byte[] key = secret.ToArray();
        byte[]? tag = null;
        try
        {
            using var argon = new Konscious.Security.Cryptography.Argon2id(input)
            {
                Salt = salt.ToArray(),
                Iterations = iterations,
                MemorySize = memoryKiB,
                DegreeOfParallelism = parallelism,
                KnownSecret = key.Length > 0 ? key : null,
                AssociatedData = associatedData.Length > 0 ? associatedData.ToArray() : null,
            };
            tag = argon.GetBytes(output.Length);
            tag.CopyTo(output);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
            CryptographicOperations.ZeroMemory(key);
            if (tag is not null)
                CryptographicOperations.ZeroMemory(tag);
        }
    }
}
