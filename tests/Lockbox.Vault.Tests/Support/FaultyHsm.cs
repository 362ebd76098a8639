using Lockbox.Vault.Core.Hsm;

namespace Lockbox.Vault.Tests.Support;

/// <summary>The real HSM, with a switch that makes every call fail as a token pulled out or a dead HSM would.</summary>
internal sealed class FaultyHsm(IHsm inner) : IHsm
{
    public volatile bool Broken;

    public string Kind => inner.Kind;

    public void DeriveOprfKeySeed(ReadOnlySpan<byte> credentialIdentifier, Span<byte> seed)
    {
        Fail();
        inner.DeriveOprfKeySeed(credentialIdentifier, seed);
    }

    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        Fail();
        return inner.Seal(plaintext, associatedData);
    }

    public byte[]? Open(ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData)
    {
        Fail();
        return inner.Open(sealedData, associatedData);
    }

    public void Dispose() => inner.Dispose();

    private void Fail()
    {
        if (Broken) throw new System.Security.Cryptography.CryptographicException("CKR_DEVICE_REMOVED (injected)");
    }
}
