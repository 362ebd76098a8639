using System.Collections.Concurrent;
using System.Security.Cryptography;
using Lockbox.Vault.Core;
using Lockbox.Vault.Core.Hsm;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Lockbox.Vault.Hsm.Pkcs11;

/// <summary>
/// The vault's secrets inside a PKCS#11 token (SoftHSM2 in tests, any PKCS#11 HSM in production):
/// the OPRF seed is a 64-byte, sensitive CKK_GENERIC_SECRET used only with CKM_SHA512_HMAC, so the
/// per-account OPRF key seed is computed inside the token; the state-sealing key is a sensitive AES-256 key
/// used only with CKM_AES_GCM (96-bit random IV, 128-bit tag). The ceremony's keys are extractable only so
/// they can be wrapped for another node's token (never read); a provisioned node's copies are not extractable.
/// </summary>
public sealed partial class Pkcs11Hsm : IHsm
{
    private const int IvSize = 12;
    private const int TagBits = 128;
    private const int SealingKeySize = 32;

    private readonly Pkcs11InteropFactories _factories;
    private readonly IPkcs11Library _library;
    private readonly ConcurrentBag<ISession> _idle = [];
    private readonly List<ISession> _all = [];
    private readonly SemaphoreSlim _available;
    private readonly IObjectHandle _oprfSeed;
    private readonly IObjectHandle _sealingKey;
    private bool _disposed;

    private Pkcs11Hsm(Pkcs11InteropFactories factories, IPkcs11Library library, List<ISession> sessions, IObjectHandle oprfSeed, IObjectHandle sealingKey)
    {
        _factories = factories;
        _library = library;
        _all = sessions;
        foreach (ISession s in sessions) _idle.Add(s);
        _available = new SemaphoreSlim(sessions.Count, sessions.Count);
        _oprfSeed = oprfSeed;
        _sealingKey = sealingKey;
    }

    public string Kind => "pkcs11";

    /// <summary>Key ceremony: generates both keys inside the token (refuses if they already exist).</summary>
    public static Pkcs11Hsm Create(Pkcs11HsmOptions options) => Connect(options, create: true);

    /// <summary>Connects to a token whose keys the ceremony made.</summary>
    public static Pkcs11Hsm Open(Pkcs11HsmOptions options) => Connect(options, create: false);

    private static Pkcs11Hsm Connect(Pkcs11HsmOptions options, bool create)
    {
        ArgumentNullException.ThrowIfNull(options);
        using Pkcs11Token token = Pkcs11Token.Open(options, options.Sessions);
        IObjectHandle? seed = token.Find(CKO.CKO_SECRET_KEY, SeedLabel(options));
        IObjectHandle? aes = token.Find(CKO.CKO_SECRET_KEY, SealingKeyLabel(options));
        if (create)
        {
            if (seed is not null || aes is not null)
                throw new VaultConfigurationException($"Token '{options.TokenLabel}' already holds keys labelled {options.KeyLabelPrefix}-*; refusing to overwrite them.");
            seed = Generate(token, CKM.CKM_GENERIC_SECRET_KEY_GEN, CKK.CKK_GENERIC_SECRET, OprfKeySeed.FleetSeedSize, SeedLabel(options), sign: true, options.Wrappable);
            aes = Generate(token, CKM.CKM_AES_KEY_GEN, CKK.CKK_AES, SealingKeySize, SealingKeyLabel(options), sign: false, options.Wrappable);
        }
        else if (seed is null || aes is null)
        {
            throw new VaultConfigurationException($"Token '{options.TokenLabel}' holds no vault keys labelled {options.KeyLabelPrefix}-* (run the key ceremony: vault init --hsm pkcs11, or provision this token: vault provision).");
        }
        token.Transfer();
        return new Pkcs11Hsm(token.Factories, token.Library, token.Sessions, seed, aes);
    }

    internal static string SeedLabel(Pkcs11HsmOptions options) => options.KeyLabelPrefix + "-oprf-seed";

    internal static string SealingKeyLabel(Pkcs11HsmOptions options) => options.KeyLabelPrefix + "-state-key";

    /// <summary>
    /// A fleet secret is always sensitive (CKA_VALUE never leaves the token in clear) and private; when
    /// <paramref name="wrappable"/> it is CKA_EXTRACTABLE so the ceremony can C_WrapKey it for another node's token
    /// (docs/VAULT-API.md, "Fleet secrets") — a PKCS#11 token never lets a sensitive key out unwrapped.
    /// </summary>
    private static IObjectHandle Generate(Pkcs11Token token, CKM mechanism, CKK keyType, int length, string label, bool sign, bool wrappable)
    {
        using IMechanism m = token.Factories.MechanismFactory.Create(mechanism);
        return token.Session.GenerateKey(m,
        [
            token.Attribute(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            token.Attribute(CKA.CKA_KEY_TYPE, keyType),
            token.Attribute(CKA.CKA_VALUE_LEN, (ulong)length),
            token.Attribute(CKA.CKA_LABEL, label),
            .. SecretKeyUse(token, sign, wrappable),
        ]);
    }

    /// <summary>The attributes a fleet secret has in every token: what it may be used for, and that it is never readable.</summary>
    internal static IObjectAttribute[] SecretKeyUse(Pkcs11Token token, bool sign, bool extractable) =>
    [
        token.Attribute(CKA.CKA_TOKEN, true),
        token.Attribute(CKA.CKA_PRIVATE, true),
        token.Attribute(CKA.CKA_SENSITIVE, true),
        token.Attribute(CKA.CKA_EXTRACTABLE, extractable),
        token.Attribute(CKA.CKA_SIGN, sign),
        token.Attribute(CKA.CKA_VERIFY, sign),
        token.Attribute(CKA.CKA_ENCRYPT, !sign),
        token.Attribute(CKA.CKA_DECRYPT, !sign),
        token.Attribute(CKA.CKA_WRAP, false),
        token.Attribute(CKA.CKA_UNWRAP, false),
        token.Attribute(CKA.CKA_DERIVE, false),
    ];

    public void DeriveOprfKeySeed(ReadOnlySpan<byte> credentialIdentifier, Span<byte> seed)
    {
        if (seed.Length != OprfKeySeed.Size) throw new ArgumentException("Seed must be 32 bytes.", nameof(seed));
        byte[] input = OprfKeySeed.HmacInput(credentialIdentifier);
        byte[] block = WithSession(s =>
        {
            using IMechanism m = _factories.MechanismFactory.Create(CKM.CKM_SHA512_HMAC);
            return s.Sign(m, _oprfSeed, input);
        });
        try
        {
            if (block.Length != 64) throw new CryptographicException("The token's HMAC-SHA512 returned an unexpected length.");
            block.AsSpan(0, OprfKeySeed.Size).CopyTo(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }

    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        byte[] iv = RandomNumberGenerator.GetBytes(IvSize);
        byte[] data = plaintext.ToArray();
        byte[] aad = associatedData.ToArray();
        try
        {
            byte[] ciphertext = WithSession(s =>
            {
                using IMechanism m = GcmMechanism(iv, aad);
                return s.Encrypt(m, _sealingKey, data);
            });
            byte[] output = new byte[IvSize + ciphertext.Length];
            iv.CopyTo(output, 0);
            ciphertext.CopyTo(output, IvSize);
            return output;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    public byte[]? Open(ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData)
    {
        if (sealedData.Length < IvSize + TagBits / 8) return null;
        byte[] iv = sealedData[..IvSize].ToArray();
        byte[] ciphertext = sealedData[IvSize..].ToArray();
        byte[] aad = associatedData.ToArray();
        try
        {
            return WithSession(s =>
            {
                using IMechanism m = GcmMechanism(iv, aad);
                return s.Decrypt(m, _sealingKey, ciphertext);
            });
        }
        catch (Pkcs11Exception e) when (e.RV is CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE or CKR.CKR_GENERAL_ERROR or CKR.CKR_FUNCTION_FAILED)
        {
            return null; // tag mismatch: SoftHSM2 reports it as one of these
        }
    }

    /// <summary>For tests: the token's view of both keys' CKA_SENSITIVE, CKA_EXTRACTABLE and whether CKA_VALUE can be read.</summary>
    internal (bool Sensitive, bool Extractable, bool ValueReadable)[] InspectKeys() => WithSession(s =>
        new[] { _oprfSeed, _sealingKey }.Select(h =>
        {
            List<IObjectAttribute> attrs = s.GetAttributeValue(h, [CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_VALUE]);
            return (attrs[0].GetValueAsBool(), attrs[1].GetValueAsBool(), !attrs[2].CannotBeRead);
        }).ToArray());

    private IMechanism GcmMechanism(byte[] iv, byte[] aad) =>
        _factories.MechanismFactory.Create(CKM.CKM_AES_GCM, _factories.MechanismParamsFactory.CreateCkGcmParams(iv, IvSize * 8, aad, TagBits));

    private T WithSession<T>(Func<ISession, T> action)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _available.Wait();
        if (!_idle.TryTake(out ISession? session))
        {
            _available.Release();
            throw new InvalidOperationException("PKCS#11 session pool is inconsistent.");
        }
        try
        {
            return action(session);
        }
        finally
        {
            _idle.Add(session);
            _available.Release();
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (ISession s in _all) s.Dispose();
        LoadedLibraries.Release(_library);
        _available.Dispose();
    }

    public override string ToString() => "Pkcs11Hsm(***)";
}
