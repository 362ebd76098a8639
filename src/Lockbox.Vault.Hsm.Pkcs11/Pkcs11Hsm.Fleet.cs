using System.Security.Cryptography;
using Lockbox.Vault.Core;
using Lockbox.Vault.Core.Hsm;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Lockbox.Vault.Hsm.Pkcs11;

/// <summary>
/// The fleet ceremony across tokens (docs/VAULT-API.md, "Fleet secrets"): a joining node's token makes an RSA-3072
/// key pair whose private key never leaves it (<see cref="RequestProvisioning"/>); the ceremony node wraps its two
/// secrets for that public key with C_WrapKey (<see cref="WrapFor"/>); the joining token unwraps them with C_UnwrapKey
/// into sensitive, non-extractable objects (<see cref="AcceptFleetSecrets"/>). No secret is in clear outside a token.
/// </summary>
public sealed partial class Pkcs11Hsm
{
    internal static string ProvisioningLabel(Pkcs11HsmOptions options) => options.KeyLabelPrefix + "-provision";

    /// <summary>
    /// On a joining node: makes (or, if a request is pending, finds again) the token's provisioning key pair and
    /// returns its public key. The private key is CKA_SENSITIVE, not CKA_EXTRACTABLE, and can only CKA_UNWRAP.
    /// Refuses a token that already holds this vault's fleet secrets.
    /// </summary>
    public static ProvisioningKey RequestProvisioning(Pkcs11HsmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using Pkcs11Token token = Pkcs11Token.Open(options, 1);
        RefuseIfProvisioned(token, options);
        string label = ProvisioningLabel(options);
        IObjectHandle? publicKey = token.Find(CKO.CKO_PUBLIC_KEY, label);
        IObjectHandle? privateKey = token.Find(CKO.CKO_PRIVATE_KEY, label);
        if (publicKey is null || privateKey is null)
        {
            // Half a pair (an interrupted request or accept) is of no use: start again with a new pair.
            if (publicKey is not null) token.Session.DestroyObject(publicKey);
            if (privateKey is not null) token.Session.DestroyObject(privateKey);
            using IMechanism generate = token.Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN);
            token.Session.GenerateKeyPair(generate,
            [
                token.Attribute(CKA.CKA_LABEL, label),
                token.Attribute(CKA.CKA_TOKEN, true),
                token.Attribute(CKA.CKA_PRIVATE, false),
                token.Attribute(CKA.CKA_MODULUS_BITS, (ulong)ProvisioningKey.ModulusBits),
                token.Attribute(CKA.CKA_PUBLIC_EXPONENT, ProvisioningKey.PublicExponent.ToArray()),
                token.Attribute(CKA.CKA_WRAP, true),
                token.Attribute(CKA.CKA_ENCRYPT, false),
                token.Attribute(CKA.CKA_VERIFY, false),
            ],
            [
                token.Attribute(CKA.CKA_LABEL, label),
                token.Attribute(CKA.CKA_TOKEN, true),
                token.Attribute(CKA.CKA_PRIVATE, true),
                token.Attribute(CKA.CKA_SENSITIVE, true),
                token.Attribute(CKA.CKA_EXTRACTABLE, false),
                token.Attribute(CKA.CKA_UNWRAP, true),
                token.Attribute(CKA.CKA_DECRYPT, false),
                token.Attribute(CKA.CKA_SIGN, false),
                token.Attribute(CKA.CKA_DERIVE, false),
            ], out publicKey, out _);
        }
        return ReadPublicKey(token, publicKey);
    }

    /// <summary>
    /// On the ceremony node: wraps the OPRF seed and the sealing key for <paramref name="recipient"/>'s token.
    /// The recipient's public key is a session object (never stored in this token), destroyed when done.
    /// </summary>
    /// <param name="context">Public facts the joining node must agree on (the fleet's public keys and policy); bound into the check value.</param>
    public WrappedFleetSecrets WrapFor(ProvisioningKey recipient, ReadOnlySpan<byte> context)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        byte[] check = CheckValue(recipient.Fingerprint, context);
        return WithSession(s =>
        {
            IObjectHandle wrappingKey = s.CreateObject(
            [
                _factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY),
                _factories.ObjectAttributeFactory.Create(CKA.CKA_KEY_TYPE, CKK.CKK_RSA),
                _factories.ObjectAttributeFactory.Create(CKA.CKA_TOKEN, false),
                _factories.ObjectAttributeFactory.Create(CKA.CKA_MODULUS, recipient.Modulus),
                _factories.ObjectAttributeFactory.Create(CKA.CKA_PUBLIC_EXPONENT, ProvisioningKey.PublicExponent.ToArray()),
                _factories.ObjectAttributeFactory.Create(CKA.CKA_WRAP, true),
                _factories.ObjectAttributeFactory.Create(CKA.CKA_ENCRYPT, false),
                _factories.ObjectAttributeFactory.Create(CKA.CKA_VERIFY, false),
            ]);
            try
            {
                using IMechanism oaep = OaepMechanism(_factories);
                return new WrappedFleetSecrets(recipient.Fingerprint, s.WrapKey(oaep, wrappingKey, _oprfSeed), s.WrapKey(oaep, wrappingKey, _sealingKey), check);
            }
            catch (Pkcs11Exception e) when (e.RV is CKR.CKR_KEY_UNEXTRACTABLE or CKR.CKR_KEY_NOT_WRAPPABLE)
            {
                throw new VaultConfigurationException("This token's fleet secrets are not extractable: only the node where the key ceremony ran (vault init) can provision others.", e);
            }
            finally
            {
                s.DestroyObject(wrappingKey);
            }
        });
    }

    /// <summary>
    /// On the joining node: unwraps <paramref name="wrapped"/> with the pending provisioning key into sensitive,
    /// non-extractable token objects under this vault's labels, checks them against the wrapped check value (the OPRF
    /// seed and the sealing key must both be the ceremony's, for the same <paramref name="context"/>), lets
    /// <paramref name="verify"/> check more (the fleet's sealed files must open), and only then drops the provisioning key pair. A wrapped file for
    /// another token, a tampered one, or one that fails <paramref name="verify"/> leaves the token as it was.
    /// </summary>
    public static Pkcs11Hsm AcceptFleetSecrets(Pkcs11HsmOptions options, WrappedFleetSecrets wrapped, ReadOnlySpan<byte> context, Func<Pkcs11Hsm, bool> verify)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(wrapped);
        ArgumentNullException.ThrowIfNull(verify);
        IObjectHandle? seed = null, aes = null;
        Pkcs11Token token = Pkcs11Token.Open(options, options.Sessions);
        try
        {
            RefuseIfProvisioned(token, options);
            string label = ProvisioningLabel(options);
            IObjectHandle privateKey = token.Find(CKO.CKO_PRIVATE_KEY, label) ?? throw new VaultConfigurationException(
                $"Token '{options.TokenLabel}' has no pending provisioning request for {options.KeyLabelPrefix} (run vault provision request first).");
            IObjectHandle publicKey = token.Find(CKO.CKO_PUBLIC_KEY, label) ?? throw new VaultConfigurationException(
                $"Token '{options.TokenLabel}' lost the public half of its provisioning key; make a new request.");
            if (!CryptographicOperations.FixedTimeEquals(ReadPublicKey(token, publicKey).Fingerprint, wrapped.Recipient))
                throw new VaultConfigurationException($"These fleet secrets were wrapped for another token, not '{options.TokenLabel}'.");
            seed = Unwrap(token, privateKey, wrapped.OprfSeed, CKK.CKK_GENERIC_SECRET, SeedLabel(options), sign: true);
            aes = Unwrap(token, privateKey, wrapped.SealingKey, CKK.CKK_AES, SealingKeyLabel(options), sign: false);
            var hsm = new Pkcs11Hsm(token.Factories, token.Library, token.Sessions, seed, aes);
            token.Transfer();
            (IObjectHandle unwrappedSeed, IObjectHandle unwrappedAes) = (seed, aes);
            seed = aes = null; // the HSM owns the sessions now: a failure below cleans up through it
            bool verified;
            try
            {
                verified = hsm.CheckValueMatches(wrapped, context) && verify(hsm);
            }
            catch (Pkcs11Exception)
            {
                verified = false; // e.g. the two blobs swapped: the "AES key" is no AES-256 key the token will use
            }
            catch
            {
                DestroyQuietly(hsm, unwrappedSeed, unwrappedAes);
                hsm.Dispose();
                throw;
            }
            if (!verified)
            {
                DestroyQuietly(hsm, unwrappedSeed, unwrappedAes);
                hsm.Dispose();
                throw new VaultConfigurationException("The unwrapped fleet secrets do not match their check value or the fleet's sealed keys: the file was tampered with, or mixed from two ceremonies.");
            }
            hsm.WithSession(s =>
            {
                s.DestroyObject(privateKey);
                s.DestroyObject(publicKey);
                return 0;
            });
            return hsm;
        }
        catch (Exception e) when (seed is not null || aes is not null || e is Pkcs11Exception { RV: CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE
                                      or CKR.CKR_WRAPPED_KEY_INVALID or CKR.CKR_WRAPPED_KEY_LEN_RANGE or CKR.CKR_GENERAL_ERROR or CKR.CKR_FUNCTION_FAILED or CKR.CKR_TEMPLATE_INCONSISTENT })
        {
            DestroyUnwrapped(token, seed, aes);
            if (e is VaultConfigurationException) throw;
            throw new VaultConfigurationException($"The fleet secrets do not unwrap in token '{options.TokenLabel}' (tampered, or wrapped for another token).", e);
        }
        finally
        {
            token.Dispose(); // releases nothing once the sessions were handed to the HSM
        }
    }

    private static void RefuseIfProvisioned(Pkcs11Token token, Pkcs11HsmOptions options)
    {
        if (token.Find(CKO.CKO_SECRET_KEY, SeedLabel(options)) is not null || token.Find(CKO.CKO_SECRET_KEY, SealingKeyLabel(options)) is not null)
            throw new VaultConfigurationException($"Token '{options.TokenLabel}' already holds vault keys labelled {options.KeyLabelPrefix}-*: it is already provisioned.");
    }

    private static ReadOnlySpan<byte> CheckLabel => "lockbox/v1/fleet-provision-check"u8;

    /// <summary>
    /// <c>Seal(oprf_key_seed("lockbox/v1/fleet-provision-check"), aad = label || recipient || context)</c>: only the
    /// holder of both fleet secrets makes it, and only the same two secrets open it and derive the same seed.
    /// </summary>
    private byte[] CheckValue(ReadOnlySpan<byte> recipient, ReadOnlySpan<byte> context)
    {
        byte[] seed = new byte[OprfKeySeed.Size];
        try
        {
            DeriveOprfKeySeed(CheckLabel, seed);
            return Seal(seed, CheckAad(recipient, context));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    private bool CheckValueMatches(WrappedFleetSecrets wrapped, ReadOnlySpan<byte> context)
    {
        byte[]? expected = Open(wrapped.Check, CheckAad(wrapped.Recipient, context));
        if (expected is null) return false;
        byte[] seed = new byte[OprfKeySeed.Size];
        try
        {
            DeriveOprfKeySeed(CheckLabel, seed);
            return CryptographicOperations.FixedTimeEquals(seed, expected);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(expected);
        }
    }

    private static byte[] CheckAad(ReadOnlySpan<byte> recipient, ReadOnlySpan<byte> context) => [.. CheckLabel, .. recipient, .. context];

    private static ProvisioningKey ReadPublicKey(Pkcs11Token token, IObjectHandle publicKey)
    {
        List<IObjectAttribute> attrs = token.Session.GetAttributeValue(publicKey, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
        return ProvisioningKey.FromToken(attrs[0].GetValueAsByteArray(), attrs[1].GetValueAsByteArray());
    }

    private static IObjectHandle Unwrap(Pkcs11Token token, IObjectHandle privateKey, byte[] wrapped, CKK keyType, string label, bool sign)
    {
        using IMechanism oaep = OaepMechanism(token.Factories);
        return token.Session.UnwrapKey(oaep, privateKey, wrapped,
        [
            token.Attribute(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            token.Attribute(CKA.CKA_KEY_TYPE, keyType),
            token.Attribute(CKA.CKA_LABEL, label),
            .. SecretKeyUse(token, sign, extractable: false),
        ]);
    }

    private static void DestroyUnwrapped(Pkcs11Token token, IObjectHandle? seed, IObjectHandle? aes)
    {
        foreach (IObjectHandle? h in new[] { seed, aes })
        {
            if (h is null) continue;
            try { token.Session.DestroyObject(h); }
            catch (Pkcs11Exception) { /* best effort: the refusal is what the operator needs to see */ }
        }
    }

    private static void DestroyQuietly(Pkcs11Hsm hsm, IObjectHandle seed, IObjectHandle aes) => hsm.WithSession(s =>
    {
        foreach (IObjectHandle h in new[] { seed, aes })
        {
            try { s.DestroyObject(h); }
            catch (Pkcs11Exception) { /* best effort */ }
        }
        return 0;
    });

    /// <summary>
    /// RSA-OAEP with SHA-1 and MGF1-SHA-1, empty label: SoftHSM2 2.6 implements OAEP with no other hash (it answers
    /// CKR_ARGUMENTS_BAD to SHA-256). OAEP's security needs a hash that behaves as a random oracle, not collision
    /// resistance, so SHA-1 here is not the SHA-1 of broken signatures; moving to SHA-256 is a new file format version.
    /// </summary>
    private static IMechanism OaepMechanism(Pkcs11InteropFactories f) => f.MechanismFactory.Create(CKM.CKM_RSA_PKCS_OAEP,
        f.MechanismParamsFactory.CreateCkRsaPkcsOaepParams(ConvertUtils.UInt64FromCKM(CKM.CKM_SHA_1), ConvertUtils.UInt64FromCKG(CKG.CKG_MGF1_SHA1),
            ConvertUtils.UInt64FromUInt32(CKZ.CKZ_DATA_SPECIFIED), null));
}
