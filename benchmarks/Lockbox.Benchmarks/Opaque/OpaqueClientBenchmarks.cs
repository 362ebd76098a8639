using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Lockbox.Opaque;

namespace Lockbox.Benchmarks.Opaque;

/// <summary>
/// The phone's cost of one login (GenerateKE1 + GenerateKE3) under each key stretching preset: Argon2id
/// dominates. Few iterations: one RFC-recommended run takes seconds and 2 GiB.
/// Run: dotnet run -c Release --project benchmarks/Lockbox.Benchmarks -- --filter '*OpaqueClient*'
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class OpaqueClientBenchmarks : IDisposable
{
    private static readonly byte[] Password = "correct horse battery staple"u8.ToArray();
    private readonly byte[] _blind = new byte[32];
    private readonly byte[] _clientNonce = new byte[32];
    private readonly byte[] _clientKeyshareSeed = new byte[32];
    private ServerKeyPair _keyPair = null!;
    private OpaqueClient _client = null!;
    private KE2 _ke2 = null!;

    [Params("Identity", "MemoryConstrained", "RfcRecommended")]
    public string Preset { get; set; } = "MemoryConstrained";

    [GlobalSetup]
    public void Setup()
    {
        KeyStretching ksf = Preset switch
        {
            "Identity" => KeyStretching.Identity,
            "MemoryConstrained" => KeyStretching.MemoryConstrained,
            "RfcRecommended" => KeyStretching.RfcRecommended,
            _ => throw new InvalidOperationException(Preset),
        };
        var configuration = new OpaqueConfiguration([], ksf);
        _keyPair = ServerKeyPair.Generate();
        using OprfSeed oprfSeed = OprfSeed.Generate();
        var server = new OpaqueServer(_keyPair, configuration);
        _client = new OpaqueClient(configuration);
        byte[] id = "alice"u8.ToArray();

        using ClientRegistrationState registration = _client.CreateRegistrationRequest(Password);
        using ClientRegistrationResult registered = _client.FinalizeRegistrationRequest(
            registration, Password, server.CreateRegistrationResponse(registration.Request, oprfSeed, id));

        // A fixed KE1 lets one KE2 serve every iteration; the client's work is the same as with fresh randomness.
        _blind[0] = 42;
        System.Security.Cryptography.RandomNumberGenerator.Fill(_clientNonce);
        System.Security.Cryptography.RandomNumberGenerator.Fill(_clientKeyshareSeed);
        using ClientLoginState login = _client.GenerateKE1(Password, _blind, _clientNonce, _clientKeyshareSeed);
        _ke2 = server.GenerateKE2(login.KE1, registered.Record, oprfSeed, id, out ServerLoginState state);
        state.Dispose();
    }

    /// <summary>GenerateKE1 + GenerateKE3 (OPRF blind/finalize, Argon2id, envelope recovery, 3DH).</summary>
    [Benchmark]
    public bool ClientLogin()
    {
        using ClientLoginState login = _client.GenerateKE1(Password, _blind, _clientNonce, _clientKeyshareSeed);
        using ClientLoginResult? result = _client.GenerateKE3(login, Password, _ke2);
        return result is not null ? true : throw new InvalidOperationException("login failed");
    }

    public void Dispose()
    {
        _keyPair?.Dispose();
        GC.SuppressFinalize(this);
    }
}
