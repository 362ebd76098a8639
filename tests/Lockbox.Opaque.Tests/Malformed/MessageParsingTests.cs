using System.Security.Cryptography;

namespace Lockbox.Opaque.Tests.Malformed;

/// <summary>Every message parses only its exact length and only canonical, non-identity elements, with a specific error.</summary>
public sealed class MessageParsingTests
{
    private delegate OpaqueMessage Parser(ReadOnlySpan<byte> data);

    private delegate bool TryParser(ReadOnlySpan<byte> data);

    // name, size, parser, try-parser, element offsets
    public static TheoryData<string> MessageNames() =>
    [
        nameof(RegistrationRequest), nameof(RegistrationResponse), nameof(RegistrationRecord), nameof(CredentialRequest),
        nameof(CredentialResponse), nameof(AuthRequest), nameof(AuthResponse), nameof(KE1), nameof(KE2), nameof(KE3), nameof(Envelope),
    ];

    private static (int Size, Parser Parse, TryParser TryParse, int[] ElementOffsets) Describe(string name) => name switch
    {
        nameof(RegistrationRequest) => (RegistrationRequest.Size, d => RegistrationRequest.Parse(d), d => RegistrationRequest.TryParse(d, out _), [0]),
        nameof(RegistrationResponse) => (RegistrationResponse.Size, d => RegistrationResponse.Parse(d), d => RegistrationResponse.TryParse(d, out _), [0, 32]),
        nameof(RegistrationRecord) => (RegistrationRecord.Size, d => RegistrationRecord.Parse(d), d => RegistrationRecord.TryParse(d, out _), [0]),
        nameof(CredentialRequest) => (CredentialRequest.Size, d => CredentialRequest.Parse(d), d => CredentialRequest.TryParse(d, out _), [0]),
        nameof(CredentialResponse) => (CredentialResponse.Size, d => CredentialResponse.Parse(d), d => CredentialResponse.TryParse(d, out _), [0]),
        nameof(AuthRequest) => (AuthRequest.Size, d => AuthRequest.Parse(d), d => AuthRequest.TryParse(d, out _), [32]),
        nameof(AuthResponse) => (AuthResponse.Size, d => AuthResponse.Parse(d), d => AuthResponse.TryParse(d, out _), [32]),
        nameof(KE1) => (KE1.Size, d => KE1.Parse(d), d => KE1.TryParse(d, out _), [0, 64]),
        nameof(KE2) => (KE2.Size, d => KE2.Parse(d), d => KE2.TryParse(d, out _), [0, 224]),
        nameof(KE3) => (KE3.Size, d => KE3.Parse(d), d => KE3.TryParse(d, out _), []),
        nameof(Envelope) => (Envelope.Size, d => Envelope.Parse(d), d => Envelope.TryParse(d, out _), []),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>A valid message: random bytes with a fresh valid element at every element offset.</summary>
    private static byte[] Valid(int size, int[] elementOffsets)
    {
        byte[] data = RandomNumberGenerator.GetBytes(size);
        foreach (int offset in elementOffsets)
        {
            using ServerKeyPair point = ServerKeyPair.Generate();
            point.PublicKey.CopyTo(data.AsSpan(offset));
        }
        return data;
    }

    private static OpaqueError ErrorOf(Parser parse, byte[] data) =>
        Assert.Throws<OpaqueProtocolException>(() => parse(data)).Error;

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void ValidEncodingRoundTrips(string name)
    {
        (int size, Parser parse, TryParser tryParse, int[] offsets) = Describe(name);
        byte[] data = Valid(size, offsets);
        OpaqueMessage message = parse(data);
        Assert.Equal(data, message.Serialize());
        Assert.Equal(size, message.Length);
        Assert.True(tryParse(data));
        Assert.DoesNotContain(Convert.ToHexString(data)[..16], message.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void WrongLengthIsInvalidLength(string name)
    {
        (int size, Parser parse, TryParser tryParse, int[] offsets) = Describe(name);
        byte[] valid = Valid(size, offsets);
        foreach (byte[] bad in new[] { valid[..^1], [.. valid, 0], Array.Empty<byte>() })
        {
            Assert.Equal(OpaqueError.InvalidLength, ErrorOf(parse, bad));
            Assert.False(tryParse(bad));
        }
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void IdentityElementIsRejected(string name)
    {
        (int size, Parser parse, TryParser tryParse, int[] offsets) = Describe(name);
        foreach (int offset in offsets)
        {
            byte[] data = Valid(size, offsets);
            data.AsSpan(offset, 32).Clear();
            Assert.Equal(OpaqueError.IdentityElement, ErrorOf(parse, data));
            Assert.False(tryParse(data));
        }
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void NonCanonicalElementIsRejected(string name)
    {
        (int size, Parser parse, TryParser tryParse, int[] offsets) = Describe(name);
        foreach (int offset in offsets)
        {
            foreach (byte[] bad in NonCanonicalEncodings())
            {
                byte[] data = Valid(size, offsets);
                bad.CopyTo(data, offset);
                Assert.Equal(OpaqueError.NonCanonicalElement, ErrorOf(parse, data));
                Assert.False(tryParse(data));
            }
        }
    }

    /// <summary>Encodings ristretto255 must reject (RFC 9496 §4.3.1): negative s, s ≥ p, and a non-square.</summary>
    private static IEnumerable<byte[]> NonCanonicalEncodings()
    {
        byte[] negative = new byte[32];
        negative[0] = 1; // s = 1 is odd, i.e. negative
        yield return negative;

        byte[] p = Convert.FromHexString("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"); // s = p, not reduced
        yield return p;

        byte[] high = new byte[32];
        Array.Fill(high, (byte)0xff);
        yield return high;

        // A valid point with its encoding's top bit set is non-canonical.
        using ServerKeyPair point = ServerKeyPair.Generate();
        byte[] topBit = point.PublicKey.ToArray();
        topBit[31] |= 0x80;
        yield return topBit;
    }

    [Fact]
    public void RandomBytesNeverThrowFromTryParse()
    {
        for (int i = 0; i < 2000; i++)
        {
            int length = i % 400;
            byte[] data = RandomNumberGenerator.GetBytes(length);
            _ = KE1.TryParse(data, out _);
            _ = KE2.TryParse(data, out _);
            _ = KE3.TryParse(data, out _);
            _ = RegistrationRequest.TryParse(data, out _);
            _ = RegistrationResponse.TryParse(data, out _);
            _ = RegistrationRecord.TryParse(data, out _);
            _ = ServerLoginState.TryParse(data, out _);
        }
        Assert.False(KE1.TryParse(new byte[KE1.Size], out KE1? none));
        Assert.Null(none);
    }

    [Fact]
    public void TryParseReportsTheReasonWithoutThrowing()
    {
        Assert.False(KE1.TryParse(new byte[95], out _, out OpaqueError? error));
        Assert.Equal(OpaqueError.InvalidLength, error);
        Assert.False(KE1.TryParse(new byte[KE1.Size], out _, out error));
        Assert.Equal(OpaqueError.IdentityElement, error);
        byte[] ke2 = Valid(KE2.Size, [0, 224]);
        ke2[224] = 1;
        ke2.AsSpan(225, 31).Clear();
        Assert.False(KE2.TryParse(ke2, out _, out error));
        Assert.Equal(OpaqueError.NonCanonicalElement, error);
        byte[] record = Valid(RegistrationRecord.Size, [0]);
        Assert.True(RegistrationRecord.TryParse(record, out RegistrationRecord? parsed, out error));
        Assert.Null(error);
        Assert.Equal(record, parsed.Serialize());
    }

    [Fact]
    public void ServerLoginStateOfWrongLengthIsInvalidLength()
    {
        Assert.Equal(OpaqueError.InvalidLength, Assert.Throws<OpaqueProtocolException>(() => ServerLoginState.Parse(new byte[127])).Error);
        Assert.False(ServerLoginState.TryParse(new byte[129], out _));
    }
}
