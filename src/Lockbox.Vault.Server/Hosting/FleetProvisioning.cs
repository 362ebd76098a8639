using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lockbox.Vault.Core;
using Lockbox.Vault.Core.Hsm;
using Lockbox.Vault.Hsm.Pkcs11;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>
/// The PKCS#11 fleet ceremony over vault directories (<c>lockbox vault provision request|wrap|accept</c>, and
/// <see cref="LocalCluster.ProvisionFleetSecrets"/> for a PKCS#11 cluster): the joining node's token makes a key pair,
/// the ceremony node wraps its token's secrets for it, the joining node unwraps them into its own token and takes the
/// fleet's sealed keys and public facts. See docs/VAULT-API.md, "Fleet secrets". Every operator mistake is one line.
/// </summary>
public static class FleetProvisioning
{
    private static ReadOnlySpan<byte> TokenKeyLabel => "lockbox/v1/fleet-token-key"u8;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// On the joining node: makes the provisioning key pair in its token (or finds a pending one again), notes the token
    /// in <paramref name="directory"/> and writes the request file; returns the request file's path.
    /// </summary>
    public static string Request(string directory, string pkcs11Library, string tokenLabel, string keyLabelPrefix, string? pin, string? requestPath = null)
    {
        string path = Path.GetFullPath(directory);
        var dir = new VaultDirectory(path);
        if (File.Exists(dir.ConfigPath)) throw new VaultConfigurationException($"{path} is already provisioned (it holds vault.json).");
        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any(e => Path.GetFileName(e) is not (FleetProvisioningFiles.PendingName or FleetProvisioningFiles.RequestName)))
            throw new VaultConfigurationException($"{path} is neither empty nor a pending provisioning request.");
        var pending = new FleetPendingFile(1, pkcs11Library, tokenLabel, keyLabelPrefix);
        if (ReadPending(dir) is { } earlier && earlier != pending)
            throw new VaultConfigurationException($"{path} has a pending request for token '{earlier.TokenLabel}' ({earlier.KeyLabelPrefix}); accept it, or start again in a new directory.");
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        ProvisioningKey key = Pkcs11Hsm.RequestProvisioning(Options(pending, pin));
        WriteReplacing(Path.Combine(path, FleetProvisioningFiles.PendingName), JsonSerializer.SerializeToUtf8Bytes(pending, Json));
        string target = Path.GetFullPath(requestPath ?? Path.Combine(path, FleetProvisioningFiles.RequestName));
        WriteReplacing(target, JsonSerializer.SerializeToUtf8Bytes(new FleetRequestFile(FleetProvisioningFiles.RequestFormat, tokenLabel, key.SubjectPublicKeyInfo.ToArray()), Json));
        return target;
    }

    /// <summary>On the ceremony node: wraps its fleet secrets for the token that made <paramref name="requestPath"/>, into a new file <paramref name="outPath"/>.</summary>
    public static void Wrap(string vaultDirectory, string requestPath, string outPath, string? pin)
    {
        var dir = new VaultDirectory(Path.GetFullPath(vaultDirectory));
        VaultConfig config = dir.ReadConfig();
        FleetRequestFile request = ReadJson<FleetRequestFile>(requestPath, "a provisioning request (vault provision request)");
        if (request.Format != FleetProvisioningFiles.RequestFormat || request.PublicKey is null)
            throw new VaultConfigurationException($"{requestPath} is not a provisioning request (vault provision request), format {FleetProvisioningFiles.RequestFormat}.");
        if (!ProvisioningKey.TryParse(request.PublicKey, out ProvisioningKey? key))
            throw new VaultConfigurationException($"{requestPath}: its public key is not an RSA-3072 key with exponent 65537.");
        string target = Path.GetFullPath(outPath);
        if (File.Exists(target)) throw new VaultConfigurationException($"{target} exists; refusing to overwrite it.");
        FleetWrappedFile wrapped = WrapFor(dir, config, key!, pin);
        VaultDirectory.WriteSecret(target, JsonSerializer.SerializeToUtf8Bytes(wrapped, Json), mode0600: true);
    }

    /// <summary>
    /// On the joining node: unwraps <paramref name="wrappedPath"/> into its token and completes its vault directory; returns
    /// the fleet key. With <paramref name="expectedFleetKey"/> (the key devices pin), a file from any other fleet is refused.
    /// </summary>
    public static string Accept(string directory, string wrappedPath, string? pin, string? expectedFleetKey = null)
    {
        var dir = new VaultDirectory(Path.GetFullPath(directory));
        FleetPendingFile pending = PendingOf(dir);
        FleetWrappedFile wrapped = ReadJson<FleetWrappedFile>(wrappedPath, "a fleet-secrets file (vault provision wrap)");
        if (wrapped.Format != FleetProvisioningFiles.WrappedFormat || wrapped.Recipient is null || wrapped.OprfSeed is null || wrapped.SealingKey is null
            || wrapped.Check is null || wrapped.ServerKey is null || wrapped.SigningKey is null || wrapped.TokenKey is null || wrapped.ServerPublicKey is null || wrapped.FleetKey is null)
            throw new VaultConfigurationException($"{wrappedPath} is not a fleet-secrets file (vault provision wrap), format {FleetProvisioningFiles.WrappedFormat}.");
        if (expectedFleetKey is not null && expectedFleetKey != wrapped.FleetKey)
            throw new VaultConfigurationException($"{wrappedPath} holds the secrets of fleet {wrapped.FleetKey}, not of the fleet key given ({expectedFleetKey}).");
        return AcceptInto(dir, pending, wrapped, pin);
    }

    /// <summary>Both ends in one process (a local PKCS#11 cluster): <paramref name="toDirectory"/> must hold a pending request.</summary>
    internal static void Provision(string fromDirectory, string toDirectory, string? pin)
    {
        var from = new VaultDirectory(Path.GetFullPath(fromDirectory));
        var to = new VaultDirectory(Path.GetFullPath(toDirectory));
        FleetPendingFile pending = PendingOf(to);
        ProvisioningKey key = Pkcs11Hsm.RequestProvisioning(Options(pending, pin)); // the pending key pair, found again
        AcceptInto(to, pending, WrapFor(from, from.ReadConfig(), key, pin), pin);
    }

    private static FleetWrappedFile WrapFor(VaultDirectory dir, VaultConfig config, ProvisioningKey key, string? pin)
    {
        if (config.Hsm != "pkcs11")
            throw new VaultConfigurationException($"{dir.Path} keeps its secrets in the software HSM: its nodes get copies of them (vault cluster), not wrapped secrets.");
        if (config.FleetKey is null)
            throw new VaultConfigurationException($"{dir.Path} has no fleet signing key (it was made before signed answers); make a new vault with 'lockbox vault init'.");
        using IHsm hsm = dir.OpenHsm(config, pin);
        WrappedFleetSecrets secrets = ((Pkcs11Hsm)hsm).WrapFor(key, Context(config.ServerPublicKey, config.FleetKey, config.GuessLimit));
        byte[] tokenKey = dir.ReadTokenKey();
        try
        {
            return new FleetWrappedFile(FleetProvisioningFiles.WrappedFormat, secrets.Recipient, secrets.OprfSeed, secrets.SealingKey, secrets.Check,
                File.ReadAllBytes(dir.ServerKeyPath), File.ReadAllBytes(dir.SigningKeyPath), hsm.Seal(tokenKey, TokenKeyLabel),
                config.ServerPublicKey, config.FleetKey, config.GuessLimit);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(tokenKey);
        }
    }

    private static string AcceptInto(VaultDirectory dir, FleetPendingFile pending, FleetWrappedFile wrapped, string? pin)
    {
        if (wrapped.GuessLimit is < 1 or > Core.State.VaultPolicy.MaxGuessLimit)
            throw new VaultConfigurationException($"The fleet-secrets file's guess limit {wrapped.GuessLimit} is out of range.");
        var config = new VaultConfig(1, "pkcs11", wrapped.ServerPublicKey, wrapped.GuessLimit, pending.Pkcs11Library, pending.TokenLabel, pending.KeyLabelPrefix, wrapped.FleetKey);
        foreach (string stale in new[] { dir.ServerKeyPath, dir.SigningKeyPath }) File.Delete(stale); // from an attempt that was refused
        VaultDirectory.WriteSecret(dir.ServerKeyPath, wrapped.ServerKey, mode0600: true);
        VaultDirectory.WriteSecret(dir.SigningKeyPath, wrapped.SigningKey, mode0600: true);
        byte[]? tokenKey = null;
        try
        {
            var secrets = new WrappedFleetSecrets(wrapped.Recipient, wrapped.OprfSeed, wrapped.SealingKey, wrapped.Check);
            using (Pkcs11Hsm hsm = Pkcs11Hsm.AcceptFleetSecrets(Options(pending, pin), secrets, Context(wrapped.ServerPublicKey, wrapped.FleetKey, wrapped.GuessLimit), h =>
            {
                tokenKey = h.Open(wrapped.TokenKey, TokenKeyLabel);
                if (tokenKey is not { Length: Auth.HmacTokenValidator.KeySize }) return false;
                try
                {
                    dir.ReadServerKey(h, config).Dispose();
                    dir.ReadSigningKey(h, config).Dispose();
                    return true;
                }
                catch (VaultConfigurationException)
                {
                    return false;
                }
            }))
            {
                VaultDirectory.WriteSecret(dir.TokenKeyPath, tokenKey!, mode0600: true);
            }
            Directory.CreateDirectory(dir.StatePath);
            dir.WriteConfig(config); // last: a directory with vault.json is a provisioned node
            File.Delete(Path.Combine(dir.Path, FleetProvisioningFiles.PendingName));
            File.Delete(Path.Combine(dir.Path, FleetProvisioningFiles.RequestName));
            return wrapped.FleetKey;
        }
        catch
        {
            foreach (string written in new[] { dir.ServerKeyPath, dir.SigningKeyPath, dir.TokenKeyPath }) File.Delete(written);
            throw;
        }
        finally
        {
            if (tokenKey is not null) CryptographicOperations.ZeroMemory(tokenKey);
        }
    }

    /// <summary>The fleet's public facts a joining node takes into its vault.json, bound into the wrapped check value.</summary>
    private static byte[] Context(string serverPublicKey, string fleetKey, int guessLimit) =>
        Encoding.UTF8.GetBytes(string.Join('\n', "lockbox/v1/fleet-context", serverPublicKey, fleetKey, guessLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static Pkcs11HsmOptions Options(FleetPendingFile pending, string? pin) => new()
    {
        LibraryPath = pending.Pkcs11Library,
        TokenLabel = pending.TokenLabel,
        KeyLabelPrefix = pending.KeyLabelPrefix,
        Pin = pin ?? throw new VaultConfigurationException($"The PKCS#11 PIN is not set (environment variable {VaultHost.PinVariable})."),
    };

    private static FleetPendingFile PendingOf(VaultDirectory dir)
    {
        if (File.Exists(dir.ConfigPath)) throw new VaultConfigurationException($"{dir.Path} is already provisioned (it holds vault.json).");
        return ReadPending(dir) ?? throw new VaultConfigurationException($"{dir.Path} has no pending provisioning request (run vault provision request --dir {dir.Path} first).");
    }

    private static FleetPendingFile? ReadPending(VaultDirectory dir)
    {
        string path = Path.Combine(dir.Path, FleetProvisioningFiles.PendingName);
        if (!File.Exists(path)) return null;
        FleetPendingFile pending = ReadJson<FleetPendingFile>(path, "a pending provisioning request");
        if (pending.Format != 1 || pending.Pkcs11Library is null || pending.TokenLabel is null || pending.KeyLabelPrefix is null)
            throw new VaultConfigurationException($"{path} is not a pending provisioning request.");
        return pending;
    }

    private static T ReadJson<T>(string path, string what) where T : class
    {
        if (!File.Exists(path)) throw new VaultConfigurationException($"{path} does not exist.");
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), Json) ?? throw new VaultConfigurationException($"{path} is not {what}.");
        }
        catch (JsonException)
        {
            throw new VaultConfigurationException($"{path} is not {what}.");
        }
    }

    private static void WriteReplacing(string path, byte[] content)
    {
        string temporary = path + ".tmp";
        File.Delete(temporary);
        VaultDirectory.WriteSecret(temporary, content, mode0600: false);
        File.Move(temporary, path, overwrite: true);
    }
}
