using System.Security.Cryptography;
using System.Text.Json;
using Lockbox.Opaque;
using Lockbox.Vault.Core;
using Lockbox.Vault.Core.Hsm;
using Lockbox.Vault.Hsm.Pkcs11;
using Lockbox.Vault.Server.Hsm;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>
/// The vault directory: <c>vault.json</c> (public configuration, no secrets), <c>hsm.key</c> (software HSM
/// only, 0600), <c>server-key.sealed</c> (the OPAQUE AKE private key sealed by the HSM — ristretto255 is
/// not a PKCS#11 mechanism, so this key is used in process memory), <c>signing-key.sealed</c> (the fleet's
/// Ed25519 signing seed, sealed and used the same way), <c>token.key</c> (0600, the dev
/// token HMAC key) and <c>state/</c> (the sealed snapshot and command log).
/// </summary>
internal sealed record VaultDirectory(string Path)
{
    private static ReadOnlySpan<byte> ServerKeyLabel => "lockbox/v1/vault-server-key"u8;
    private static ReadOnlySpan<byte> SigningKeyLabel => "lockbox/v1/vault-signing-key"u8;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string ConfigPath => System.IO.Path.Combine(Path, "vault.json");
    public string HsmKeyPath => System.IO.Path.Combine(Path, "hsm.key");
    public string ServerKeyPath => System.IO.Path.Combine(Path, "server-key.sealed");
    public string SigningKeyPath => System.IO.Path.Combine(Path, "signing-key.sealed");
    public string TokenKeyPath => System.IO.Path.Combine(Path, "token.key");
    public string StatePath => System.IO.Path.Combine(Path, "state");

    public VaultConfig ReadConfig()
    {
        if (!File.Exists(ConfigPath)) throw new VaultConfigurationException($"{Path} is not a vault directory (no vault.json; run vault init first).");
        try
        {
            VaultConfig? config = JsonSerializer.Deserialize<VaultConfig>(File.ReadAllBytes(ConfigPath), Json);
            if (config is null || config.Format != 1) throw new VaultConfigurationException($"{ConfigPath}: unsupported vault format (this vault reads format 1).");
            return config;
        }
        catch (JsonException e)
        {
            throw new VaultConfigurationException($"{ConfigPath} is not valid JSON: {e.Message}", e);
        }
    }

    public void WriteConfig(VaultConfig config) => WriteSecret(ConfigPath, JsonSerializer.SerializeToUtf8Bytes(config, Json), mode0600: false);

    public IHsm OpenHsm(VaultConfig config, string? pin) => config.Hsm switch
    {
        "software" => SoftwareHsm.Open(HsmKeyPath),
        "pkcs11" => Pkcs11Hsm.Open(new Pkcs11HsmOptions
        {
            LibraryPath = config.Pkcs11Library ?? throw new VaultConfigurationException($"{ConfigPath}: pkcs11Library is missing."),
            TokenLabel = config.TokenLabel ?? throw new VaultConfigurationException($"{ConfigPath}: tokenLabel is missing."),
            Pin = pin ?? throw new VaultConfigurationException("The PKCS#11 PIN is not set (environment variable LOCKBOX_HSM_PIN)."),
            KeyLabelPrefix = config.KeyLabelPrefix ?? "lockbox-vault",
        }),
        _ => throw new VaultConfigurationException($"{ConfigPath}: unknown hsm '{config.Hsm}' (software or pkcs11)."),
    };

    public void WriteServerKey(IHsm hsm, ServerKeyPair keyPair)
    {
        byte[] privateKey = new byte[ServerKeyPair.KeySize];
        try
        {
            keyPair.ExportPrivateKey(privateKey);
            WriteSecret(ServerKeyPath, hsm.Seal(privateKey, ServerKeyLabel), mode0600: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    public ServerKeyPair ReadServerKey(IHsm hsm, VaultConfig config)
    {
        if (!File.Exists(ServerKeyPath)) throw new VaultConfigurationException($"{ServerKeyPath} is missing.");
        byte[] privateKey = hsm.Open(File.ReadAllBytes(ServerKeyPath), ServerKeyLabel)
            ?? throw new VaultConfigurationException($"{ServerKeyPath} does not open with this HSM (tampered, or another HSM's key).");
        try
        {
            ServerKeyPair keyPair = ServerKeyPair.FromPrivateKey(privateKey);
            if (System.Buffers.Text.Base64Url.EncodeToString(keyPair.PublicKey) != config.ServerPublicKey)
            {
                keyPair.Dispose();
                throw new VaultConfigurationException($"{ServerKeyPath} does not match the fleet public key in {ConfigPath}.");
            }
            return keyPair;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <summary>Seals the fleet's Ed25519 signing seed (issue 9) by the HSM, like the AKE key.</summary>
    public void WriteSigningKey(IHsm hsm, ReadOnlySpan<byte> seed) => WriteSecret(SigningKeyPath, hsm.Seal(seed, SigningKeyLabel), mode0600: true);

    public Http.FleetSigningKey ReadSigningKey(IHsm hsm, VaultConfig config)
    {
        if (config.FleetKey is null || !File.Exists(SigningKeyPath))
            throw new VaultConfigurationException($"{Path} has no fleet signing key (it was made before signed answers); make a new vault with 'lockbox vault init'.");
        byte[] seed = hsm.Open(File.ReadAllBytes(SigningKeyPath), SigningKeyLabel)
            ?? throw new VaultConfigurationException($"{SigningKeyPath} does not open with this HSM (tampered, or another HSM's key).");
        try
        {
            var key = new Http.FleetSigningKey(seed);
            if (key.Text != config.FleetKey)
            {
                key.Dispose();
                throw new VaultConfigurationException($"{SigningKeyPath} does not match the fleet key in {ConfigPath}.");
            }
            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public byte[] ReadTokenKey()
    {
        if (!File.Exists(TokenKeyPath)) throw new VaultConfigurationException($"{TokenKeyPath} is missing.");
        byte[] key = File.ReadAllBytes(TokenKeyPath);
        if (key.Length != 32) throw new VaultConfigurationException($"{TokenKeyPath} must hold 32 bytes.");
        return key;
    }

    public static void WriteSecret(string path, byte[] content, bool mode0600)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (mode0600 && !OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }
}

/// <summary>vault.json: public configuration only.</summary>
/// <param name="FleetKey">The fleet signing public key devices pin (<c>lbfk1.</c>…); null in directories made before it existed.</param>
internal sealed record VaultConfig(int Format, string Hsm, string ServerPublicKey, int GuessLimit, string? Pkcs11Library, string? TokenLabel, string? KeyLabelPrefix, string? FleetKey = null);
