namespace Lockbox.Vault.Server.Hosting;

/// <summary>
/// The three files of the PKCS#11 fleet ceremony (docs/VAULT-API.md, "Fleet secrets"), JSON, binary fields base64.
/// None holds a secret in clear: the request is a public key, the pending state names a token, and the wrapped
/// file's secrets open only in the one token they were wrapped for.
/// </summary>
internal static class FleetProvisioningFiles
{
    public const string RequestFormat = "lockbox-fleet-request-v1";
    public const string WrappedFormat = "lockbox-fleet-secrets-v1";

    /// <summary>In the joining node's directory while its request is pending.</summary>
    public const string PendingName = "provision.json";

    /// <summary>Default name of the request file (in the joining node's directory).</summary>
    public const string RequestName = "provision.request";
}

/// <summary>The request a joining node sends to the ceremony node: its token's RSA-3072 public key (SubjectPublicKeyInfo).</summary>
internal sealed record FleetRequestFile(string Format, string TokenLabel, byte[] PublicKey);

/// <summary>Where a pending request's key pair lives (public facts; the PIN comes from the environment).</summary>
internal sealed record FleetPendingFile(int Format, string Pkcs11Library, string TokenLabel, string KeyLabelPrefix);

/// <summary>
/// The fleet secrets for one node: the two token secrets wrapped for its token, the check value, the AKE and signing
/// keys as sealed under the fleet sealing key (the files of the ceremony node), the token key sealed the same way,
/// and the public facts (bound into the check value) the node's vault.json takes.
/// </summary>
internal sealed record FleetWrappedFile(string Format, byte[] Recipient, byte[] OprfSeed, byte[] SealingKey, byte[] Check,
    byte[] ServerKey, byte[] SigningKey, byte[] TokenKey, string ServerPublicKey, string FleetKey, int GuessLimit);
