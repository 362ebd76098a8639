namespace Lockbox.Vault.Tests.Support;

/// <summary>Tests that use the SoftHSM2 module run one at a time (one module per process, one token).</summary>
[CollectionDefinition(Name)]
public sealed class Pkcs11Collection
{
    public const string Name = "pkcs11";
}
