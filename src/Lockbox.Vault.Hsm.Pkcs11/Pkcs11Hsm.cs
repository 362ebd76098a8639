using System.Collections.Concurrent;
using System.Security.Cryptography;
using Lockbox.Vault.Core;
using Lockbox.Vault.Core.Hsm;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Lockbox.Vault.Hsm.Pkcs11;

/// <summary>
/// The vault's secrets inside a PKCS#11 token (SoftHSM2 in tests, any PKCS#11 HSM in production):
/// the OPRF seed is a 64-byte, sensitive, non-extractable CKK_GENERIC_SECRET used only with
/// CKM_SHA512_HMAC, so the per-account OPRF key seed is computed inside the token; the state-sealing key
/// is a sensitive, non-extractable AES-256 key used only with CKM_AES_GCM (96-bit random IV, 128-bit tag).
/// </summary>
public sealed class Pkcs11Hsm : IHsm
{
    private const int IvSize = 12;
    private const int TagBits = 128;

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
        NativeLibraryMap.Install();
        if (!File.Exists(options.LibraryPath)) throw new VaultConfigurationException($"PKCS#11 library {options.LibraryPath} does not exist.");
        var factories = new Pkcs11InteropFactories();
        IPkcs11Library library;
        try
        {
            library = LoadedLibraries.Acquire(factories, options.LibraryPath);
        }
        catch (Exception e) when (e is Pkcs11Exception or UnmanagedException or DllNotFoundException)
        {
            throw new VaultConfigurationException($"Cannot load PKCS#11 library {options.LibraryPath}: {e.Message}", e);
        }
        var sessions = new List<ISession>();
        try
        {
            ISlot slot = library.GetSlotList(SlotsType.WithTokenPresent)
                .FirstOrDefault(s => s.GetTokenInfo().Label.Trim() == options.TokenLabel)
                ?? throw new VaultConfigurationException($"No PKCS#11 token labelled '{options.TokenLabel}' in {options.LibraryPath}.");
            for (int i = 0; i < Math.Max(1, options.Sessions); i++) sessions.Add(slot.OpenSession(SessionType.ReadWrite));
            try
            {
                sessions[0].Login(CKU.CKU_USER, options.Pin);
            }
            catch (Pkcs11Exception e) when (e.RV is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE)
            {
                throw new VaultConfigurationException($"The PIN for token '{options.TokenLabel}' is wrong.", e);
            }
            catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
            {
                // Another Pkcs11Hsm in this process already logged the application in.
            }

            string seedLabel = options.KeyLabelPrefix + "-oprf-seed";
            string aesLabel = options.KeyLabelPrefix + "-state-key";
            IObjectHandle? seed = Find(factories, sessions[0], seedLabel);
            IObjectHandle? aes = Find(factories, sessions[0], aesLabel);
            if (create)
            {
                if (seed is not null || aes is not null)
                    throw new VaultConfigurationException($"Token '{options.TokenLabel}' already holds keys labelled {options.KeyLabelPrefix}-*; refusing to overwrite them.");
                seed = Generate(factories, sessions[0], CKM.CKM_GENERIC_SECRET_KEY_GEN, CKK.CKK_GENERIC_SECRET, 64, seedLabel, sign: true);
                aes = Generate(factories, sessions[0], CKM.CKM_AES_KEY_GEN, CKK.CKK_AES, 32, aesLabel, sign: false);
            }
            else if (seed is null || aes is null)
            {
                throw new VaultConfigurationException($"Token '{options.TokenLabel}' holds no vault keys labelled {options.KeyLabelPrefix}-* (run the key ceremony: vault init --hsm pkcs11).");
            }
            return new Pkcs11Hsm(factories, library, sessions, seed, aes);
        }
        catch
        {
            foreach (ISession s in sessions) s.Dispose();
            LoadedLibraries.Release(library);
            throw;
        }
    }

    private static IObjectHandle? Find(Pkcs11InteropFactories f, ISession session, string label)
    {
        List<IObjectHandle> found = session.FindAllObjects(
        [
            f.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            f.ObjectAttributeFactory.Create(CKA.CKA_LABEL, label),
        ]);
        if (found.Count > 1) throw new VaultConfigurationException($"Token holds {found.Count} keys labelled {label}; expected one.");
        return found.Count == 1 ? found[0] : null;
    }

    private static IObjectHandle Generate(Pkcs11InteropFactories f, ISession session, CKM mechanism, CKK keyType, int length, string label, bool sign)
    {
        using IMechanism m = f.MechanismFactory.Create(mechanism);
        return session.GenerateKey(m,
        [
            f.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            f.ObjectAttributeFactory.Create(CKA.CKA_KEY_TYPE, keyType),
            f.ObjectAttributeFactory.Create(CKA.CKA_VALUE_LEN, (ulong)length),
            f.ObjectAttributeFactory.Create(CKA.CKA_LABEL, label),
            f.ObjectAttributeFactory.Create(CKA.CKA_TOKEN, true),
            f.ObjectAttributeFactory.Create(CKA.CKA_PRIVATE, true),
            f.ObjectAttributeFactory.Create(CKA.CKA_SENSITIVE, true),
            f.ObjectAttributeFactory.Create(CKA.CKA_EXTRACTABLE, false),
            f.ObjectAttributeFactory.Create(CKA.CKA_SIGN, sign),
            f.ObjectAttributeFactory.Create(CKA.CKA_VERIFY, sign),
            f.ObjectAttributeFactory.Create(CKA.CKA_ENCRYPT, !sign),
            f.ObjectAttributeFactory.Create(CKA.CKA_DECRYPT, !sign),
            f.ObjectAttributeFactory.Create(CKA.CKA_WRAP, false),
            f.ObjectAttributeFactory.Create(CKA.CKA_UNWRAP, false),
            f.ObjectAttributeFactory.Create(CKA.CKA_DERIVE, false),
        ]);
    }

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
