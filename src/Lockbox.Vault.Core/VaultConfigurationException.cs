namespace Lockbox.Vault.Core;

/// <summary>The vault cannot start or initialise as configured (missing dir, wrong PIN, token not found, tampered state); the message is one line for the operator.</summary>
public sealed class VaultConfigurationException : Exception
{
    public VaultConfigurationException() { }
    public VaultConfigurationException(string message) : base(message) { }
    public VaultConfigurationException(string message, Exception inner) : base(message, inner) { }
}
