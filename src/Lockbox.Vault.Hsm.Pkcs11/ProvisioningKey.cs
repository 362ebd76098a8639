using System.Security.Cryptography;

namespace Lockbox.Vault.Hsm.Pkcs11;

/// <summary>
/// The public half of the RSA key pair a joining node's token makes for the fleet ceremony (docs/VAULT-API.md,
/// "Fleet secrets"): RSA-3072, public exponent 65537, carried as a SubjectPublicKeyInfo. Its fingerprint —
/// SHA-256 of that SubjectPublicKeyInfo — names the token the fleet secrets are wrapped for.
/// </summary>
public sealed class ProvisioningKey
{
    /// <summary>The only modulus size the ceremony makes and accepts.</summary>
    public const int ModulusBits = 3072;

    private static ReadOnlySpan<byte> Exponent65537 => [0x01, 0x00, 0x01];

    private readonly byte[] _spki;

    private ProvisioningKey(byte[] spki, byte[] modulus)
    {
        _spki = spki;
        Modulus = modulus;
        Fingerprint = SHA256.HashData(spki);
    }

    /// <summary>The DER SubjectPublicKeyInfo.</summary>
    public ReadOnlySpan<byte> SubjectPublicKeyInfo => _spki;

    /// <summary>SHA-256 of <see cref="SubjectPublicKeyInfo"/>.</summary>
    public byte[] Fingerprint { get; }

    internal byte[] Modulus { get; }

    internal static ReadOnlySpan<byte> PublicExponent => Exponent65537;

    /// <summary>Reads a SubjectPublicKeyInfo from an untrusted file: false unless it is exactly an RSA-3072 key with exponent 65537.</summary>
    public static bool TryParse(ReadOnlySpan<byte> subjectPublicKeyInfo, out ProvisioningKey? key)
    {
        key = null;
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out int read);
            if (read != subjectPublicKeyInfo.Length || rsa.KeySize != ModulusBits) return false;
            RSAParameters p = rsa.ExportParameters(includePrivateParameters: false);
            if (p.Modulus is null || p.Exponent is null || !p.Exponent.AsSpan().SequenceEqual(Exponent65537)) return false;
            key = new ProvisioningKey(subjectPublicKeyInfo.ToArray(), p.Modulus);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The key a token reported: its modulus (big-endian) and public exponent.</summary>
    internal static ProvisioningKey FromToken(byte[] modulus, byte[] exponent)
    {
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = modulus, Exponent = exponent });
        if (rsa.KeySize != ModulusBits || !exponent.AsSpan().SequenceEqual(Exponent65537))
            throw new CryptographicException("The token made an RSA key of another size or exponent than asked.");
        return new ProvisioningKey(rsa.ExportSubjectPublicKeyInfo(), modulus);
    }

    public override string ToString() => "ProvisioningKey(" + Convert.ToHexStringLower(Fingerprint.AsSpan(0, 8)) + "…)";
}
