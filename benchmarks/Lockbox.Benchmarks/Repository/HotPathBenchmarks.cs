using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Lockbox.Cryptography;
using Lockbox.Repository.Format;

namespace Lockbox.Benchmarks.Repository;

/// <summary>
/// The backup engine's per-block hot path, per MiB of 4 KiB database pages: keyed hashing for blob ids
/// (HMAC-SHA256, which the format uses, against keyed BLAKE3), zstd at two levels, and AES-256-GCM sealing.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private const int Block = 4096;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private byte[] _data = [];
    private readonly byte[] _out = new byte[Block * 2];

    [GlobalSetup]
    public void Setup() => _data = ChatLikeBytes(1 << 20);

    [Benchmark(Baseline = true, Description = "HMAC-SHA256 blob ids, 1 MiB in 4 KiB blocks")]
    public int HmacSha256()
    {
        Span<byte> mac = stackalloc byte[32];
        int x = 0;
        for (int o = 0; o < _data.Length; o += Block)
        {
            HMACSHA256.HashData(_key, _data.AsSpan(o, Block), mac);
            x ^= mac[0];
        }
        return x;
    }

    [Benchmark(Description = "keyed BLAKE3 blob ids, 1 MiB in 4 KiB blocks")]
    public int KeyedBlake3()
    {
        Span<byte> mac = stackalloc byte[32];
        int x = 0;
        for (int o = 0; o < _data.Length; o += Block)
        {
            using var hasher = Blake3.Hasher.NewKeyed(_key);
            hasher.Update(_data.AsSpan(o, Block));
            hasher.Finalize(mac);
            x ^= mac[0];
        }
        return x;
    }

    [Benchmark(Description = "zstd level 1 (format default), 1 MiB in 4 KiB blocks")]
    public int ZstdLevel1() => Compress(1);

    [Benchmark(Description = "zstd level 3, 1 MiB in 4 KiB blocks")]
    public int ZstdLevel3() => Compress(3);

    [Benchmark(Description = "AES-256-GCM seal, 1 MiB in 4 KiB blocks")]
    public int AesGcmSeal()
    {
        using var gcm = new AesGcm(_key, Aead.TagSize);
        Span<byte> nonce = stackalloc byte[Aead.NonceSize];
        Span<byte> tag = stackalloc byte[Aead.TagSize];
        for (int o = 0; o < _data.Length; o += Block)
        {
            RandomNumberGenerator.Fill(nonce);
            gcm.Encrypt(nonce, _data.AsSpan(o, Block), _out.AsSpan(0, Block), tag);
        }
        return tag[0];
    }

    private int Compress(int level)
    {
        using var z = new ZstdSharp.Compressor(level);
        int total = 0;
        for (int o = 0; o < _data.Length; o += Block) total += z.Wrap(_data.AsSpan(o, Block), _out);
        return total;
    }

    /// <summary>Text shaped like SQLite pages of chat messages (short, repetitive words plus ids).</summary>
    internal static byte[] ChatLikeBytes(int length)
    {
        string[] words = ["hey", "ok", "see", "you", "tomorrow", "lunch", "photo", "call", "later", "love", "haha", "where", "train", "thanks"];
        byte[] data = new byte[length];
        int o = 0;
        uint state = 12345;
        while (o < length)
        {
            state = state * 1664525 + 1013904223;
            byte[] w = System.Text.Encoding.ASCII.GetBytes(words[state % words.Length] + (state % 7 == 0 ? $" {state:x8} " : " "));
            int n = Math.Min(w.Length, length - o);
            w.AsSpan(0, n).CopyTo(data.AsSpan(o));
            o += n;
        }
        return data;
    }
}
