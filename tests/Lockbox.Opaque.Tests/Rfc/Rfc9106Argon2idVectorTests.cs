using Lockbox.Cryptography.Argon2;

namespace Lockbox.Opaque.Tests.Rfc;

/// <summary>RFC 9106 §5.3: the Argon2id test vector (p = 4 lanes, the parallelism OPAQUE's presets use).</summary>
public sealed class Rfc9106Argon2idVectorTests
{
    [Fact]
    public void Argon2idMatchesRfc9106Section5_3()
    {
        byte[] password = Enumerable.Repeat((byte)0x01, 32).ToArray();
        byte[] salt = Enumerable.Repeat((byte)0x02, 16).ToArray();
        byte[] secret = Enumerable.Repeat((byte)0x03, 8).ToArray();
        byte[] associatedData = Enumerable.Repeat((byte)0x04, 12).ToArray();
        byte[] tag = new byte[32];
        Argon2id.Hash(password, salt, secret, associatedData, iterations: 3, memoryKiB: 32, parallelism: 4, tag);
        Assert.Equal("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", Convert.ToHexStringLower(tag));
    }

    [Fact]
    public void Argon2idRefusesImpossibleParameters()
    {
        byte[] tag = new byte[32];
        Assert.Throws<ArgumentOutOfRangeException>(() => Argon2id.Hash("pw"u8, new byte[16], 0, 64, 1, tag));
        Assert.Throws<ArgumentOutOfRangeException>(() => Argon2id.Hash("pw"u8, new byte[16], 1, 31, 4, tag));
        Assert.Throws<ArgumentOutOfRangeException>(() => Argon2id.Hash("pw"u8, new byte[4], 1, 64, 1, tag));
    }
}
