using BenchmarkDotNet.Attributes;
using Lockbox.Cryptography.Sodium;
using Lockbox.Opaque;

namespace Lockbox.Benchmarks.Opaque;

/// <summary>
/// The vault's per-request OPAQUE cost on one core: a login (GenerateKE2 + ServerFinish), a registration
/// response, and the bare libsodium ristretto255 scalar multiplication that bounds both (a login does
/// 4 variable-base and 1 fixed-base multiplication plus the key derivations).
/// Run: dotnet run -c Release --project benchmarks/Lockbox.Benchmarks -- --filter '*OpaqueServer*' --job short --inProcess
/// (wall clock: on a shared machine prefer benchmarks/opaque/compare-servers.sh, which counts CPU time per core).
/// </summary>
[MemoryDiagnoser]
public class OpaqueServerBenchmarks : IDisposable
{
    private static readonly byte[] Password = "correct horse battery staple"u8.ToArray();
    private static readonly byte[] CredentialIdentifier = "alice@lockbox"u8.ToArray();
    private readonly byte[] _maskingNonce = new byte[32];
    private readonly byte[] _serverNonce = new byte[32];
    private readonly byte[] _serverKeyshareSeed = new byte[32];
    private readonly byte[] _keySeed = new byte[OprfSeed.KeySeedSize];
    private readonly byte[] _scalar = new byte[32];
    private readonly byte[] _point = new byte[32];
    private readonly byte[] _product = new byte[32];
    private readonly byte[] _sessionKey = new byte[64];
    private ServerKeyPair _keyPair = null!;
    private OprfSeed _oprfSeed = null!;
    private OpaqueServer _server = null!;
    private RegistrationRecord _record = null!;
    private RegistrationRequest _registrationRequest = null!;
    private KE1 _ke1 = null!;
    private KE3 _ke3 = null!;

    [GlobalSetup]
    public void Setup()
    {
        // The server's cost does not depend on the client's KSF; Identity keeps the setup fast.
        var configuration = new OpaqueConfiguration([], KeyStretching.Identity);
        _keyPair = ServerKeyPair.Generate();
        _oprfSeed = OprfSeed.Generate();
        _oprfSeed.DeriveKeySeed(CredentialIdentifier, _keySeed);
        _server = new OpaqueServer(_keyPair, configuration);
        var client = new OpaqueClient(configuration);

        using ClientRegistrationState registration = client.CreateRegistrationRequest(Password);
        _registrationRequest = registration.Request;
        using ClientRegistrationResult registered = client.FinalizeRegistrationRequest(
            registration, Password, _server.CreateRegistrationResponse(registration.Request, _keySeed));
        _record = registered.Record;

        // Fixed server randomness lets every iteration finish with the same valid KE3 (the work is identical).
        System.Security.Cryptography.RandomNumberGenerator.Fill(_maskingNonce);
        System.Security.Cryptography.RandomNumberGenerator.Fill(_serverNonce);
        System.Security.Cryptography.RandomNumberGenerator.Fill(_serverKeyshareSeed);
        using ClientLoginState login = client.GenerateKE1(Password);
        _ke1 = login.KE1;
        KE2 ke2 = _server.GenerateKE2(_ke1, _record, _keySeed, _maskingNonce, _serverNonce, _serverKeyshareSeed, out ServerLoginState state);
        using ClientLoginResult result = client.GenerateKE3(login, Password, ke2)
            ?? throw new InvalidOperationException("Benchmark setup: login failed.");
        _ke3 = result.KE3;
        if (!Login())
            throw new InvalidOperationException("Benchmark setup: ServerFinish rejected the KE3.");
        state.Dispose();

        System.Security.Cryptography.RandomNumberGenerator.Fill(_scalar);
        _scalar[31] &= 0x0f;
        _keyPair.PublicKey.CopyTo(_point);
    }

    /// <summary>One server-side login: GenerateKE2 (OPRF key derivation and evaluation, masking, 3DH, MACs) + ServerFinish.</summary>
    [Benchmark]
    public bool Login()
    {
        _server.GenerateKE2(_ke1, _record, _keySeed, _maskingNonce, _serverNonce, _serverKeyshareSeed, out ServerLoginState state);
        using (state)
            return OpaqueServer.ServerFinish(state, _ke3, _sessionKey);
    }

    /// <summary>GenerateKE2 as deployed: fresh randomness, seed derived from the server-wide OPRF seed.</summary>
    [Benchmark]
    public KE2 GenerateKE2WithRandomness()
    {
        KE2 ke2 = _server.GenerateKE2(_ke1, _record, _oprfSeed, CredentialIdentifier, out ServerLoginState state);
        state.Dispose();
        return ke2;
    }

    /// <summary>One registration response (OPRF key derivation and evaluation).</summary>
    [Benchmark]
    public RegistrationResponse CreateRegistrationResponse() =>
        _server.CreateRegistrationResponse(_registrationRequest, _keySeed);

    /// <summary>The physical limit: one crypto_scalarmult_ristretto255.</summary>
    [Benchmark(Baseline = true)]
    public bool ScalarMult() => Ristretto255.TryScalarMult(_scalar, _point, _product);

    public void Dispose()
    {
        _keyPair?.Dispose();
        _oprfSeed?.Dispose();
        GC.SuppressFinalize(this);
    }
}
